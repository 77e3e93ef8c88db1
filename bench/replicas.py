"""`python -m bench.replicas`: how long a version published through one replica takes to serve on
another, with the default poll (CAR_T_SERVING_POLL, 1 s).

Two `python -m webapp serve` instances (tests/support/servers.py) on one PostgreSQL server
(tests/support/databases.py), each with its own var directory as on two hosts. Each round publishes a
new version of the TCK simpletable through replica A (the API's four-eyes steps), then asks B for the
serving version every 10 ms from the moment A's publish answered, until B names it.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


ROUNDS = 10
MODEL = "simpletable"
AUTHOR, APPROVER = "bench-author", "bench-approver"


def run(rounds: int = ROUNDS) -> dict:
    from tests.support.databases import PostgresDatabase, PostgresServer
    from tests.support.servers import DATA, Server, publish
    from webapp.store.keys import hash_key
    keys = f"{hash_key(AUTHOR)}:author,evaluate:Ann Author;{hash_key(APPROVER)}:approver,evaluate:Cat Approver"
    delays = []
    with tempfile.TemporaryDirectory() as tmp:
        postgres = PostgresServer(durable=True).start()
        servers = []
        try:
            database = PostgresDatabase(postgres)
            for name in ("a", "b"):
                servers.append(Server(Path(tmp) / name, env_extra={"DATABASE_URL": database.url,
                                                                   "CAR_T_API_KEYS": keys}))
                assert servers[-1].ready() == 200
            a, b = servers
            text = (DATA / "simpletable.dmn").read_text()
            for round_ in range(rounds):
                sha = publish(a, MODEL, text.replace('"Approved"', f'"Approved {round_}"'), AUTHOR, APPROVER)
                published = time.monotonic()
                while b.get(f"/api/v1/models/{MODEL}", AUTHOR)["version"] != sha:
                    time.sleep(0.01)
                delays.append(time.monotonic() - published)
        finally:
            for server in servers:
                server.stop()
            postgres.stop()
    return {"rounds": rounds, "median_s": statistics.median(delays), "max_s": max(delays), "min_s": min(delays)}


if __name__ == "__main__":
    found = run()
    print(f"{found['rounds']} publishes through replica A: served by replica B after "
          f"{found['min_s']:.2f} s at the least, {found['median_s']:.2f} s median, {found['max_s']:.2f} s at the most")
