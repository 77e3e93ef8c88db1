"""What the tests share, imported as `support.<module>` (setup.cfg puts tests/ on pytest's path; the
benchmark imports `tests.support.<module>`): the models and apps (apps), the people and their keys
(people), the databases (databases: SQLite, and PostgreSQL on a private server), real servers on
127.0.0.1 (servers), threads whose failures fail the test (threads), and models that loop (budget_models).
The fixtures built on them are tests/conftest.py's."""
