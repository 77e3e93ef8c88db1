"""gunicorn settings for `make run`: 127.0.0.1, PORT overrides 8000, a development key when none.

When no CAR_T_API_KEYS is configured, the master makes one key with every role, prints it on a
line `API key: <key>` and hands only its hash to the workers through the environment.
"""
import logging
import multiprocessing
import os
import sys

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# One sync worker per core, measured (docs/benchmarks.md): a determination is CPU-bound (engine,
# validation), so extra workers only add switching; gthread was slower still, its threads
# queueing on the GIL behind each other's evaluations despite keep-alive.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = os.environ.get("WEB_WORKER_CLASS", "sync")
threads = int(os.environ.get("WEB_THREADS", 1))
timeout = 60
graceful_timeout = 20
accesslog = None          # the app logs request id, route, status and timing itself
loglevel = os.environ.get("LOG_LEVEL", "info")
raw_env = ["CAR_T_SIGNAL_MASTER=1"]


def on_starting(server):
    if not os.environ.get("CAR_T_API_KEYS"):
        from webapp.auth import new_key
        key, digest = new_key()
        os.environ["CAR_T_API_KEYS"] = f"{digest}:evaluate,audit,admin"
        print(f"API key: {key}", flush=True)
        sys.stdout.flush()


def post_fork(server, worker):
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(message)s")
