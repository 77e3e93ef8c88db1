"""gunicorn settings for `make run`: 127.0.0.1, PORT overrides 8000, a development key when none.

The master, before it forks any worker: checks the configured keys (one clear line and exit on a
malformed entry), checks and upgrades the database schema once (webapp.store.migrate), records the start
(every console session opened before it ends: webapp.store.sessions), and when no CAR_T_API_KEYS is
configured makes one key with every role for a person named "Developer", prints it on a line
`API key: <key>` and hands only its hash to the workers through the environment. Each worker exits
with its master. A budget at or past the worker timeout is refused the same way as a malformed key
(webapp.serving.budgets).
"""
import ctypes
import logging
import multiprocessing
import os
import signal
import sys

from webapp.config import load_config

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# One sync worker per core, measured (docs/benchmarks.md): a determination is CPU-bound (engine,
# validation), so extra workers only add switching; gthread was slower still, its threads
# queueing on the GIL behind each other's evaluations despite keep-alive. Sync workers read a
# whole request before answering it, so slow clients belong behind a buffering proxy
# (docs/deployment.md).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = os.environ.get("WEB_WORKER_CLASS", "sync")
threads = int(os.environ.get("WEB_THREADS", 1))
timeout = load_config()["WORKER_TIMEOUT_S"]      # CAR_T_WORKER_TIMEOUT; the budgets stay below it
graceful_timeout = 20
accesslog = None          # the app logs request id, route, status and timing itself
loglevel = os.environ.get("LOG_LEVEL", "info")


def on_starting(server):
    from webapp.serving import budgets
    from webapp.store import migrate
    from webapp.store.keys import KeyConfigError, ROLES, key_entry, new_key, parse_keys
    from webapp.store.sessions import service_started

    try:
        parse_keys(os.environ.get("CAR_T_API_KEYS", ""))
        budgets.check(load_config())
    except (KeyConfigError, budgets.BudgetConfigError) as exc:
        sys.exit(f"error: {exc}")
    url = load_config()["DATABASE_URL"]
    try:
        migrate.upgrade(url)
        service_started(url)          # every console session opened before this start ends
    except Exception as exc:      # one line for the operator; the URL may hold a password
        sys.exit(f"error: cannot prepare the database: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    os.environ["CAR_T_DATABASE_UPGRADED"] = "1"
    if not os.environ.get("CAR_T_API_KEYS"):
        key, digest = new_key()
        os.environ["CAR_T_API_KEYS"] = key_entry(digest, ROLES, "Developer")
        print(f"API key: {key}", flush=True)


def post_fork(server, worker):
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(message)s")


PR_SET_PDEATHSIG = 1     # <linux/prctl.h>


def post_worker_init(worker):
    """A worker outlives a master killed with -9 (nothing stops it): a sync worker checks its
    parent only when no connection waits, so under load it went on serving unsupervised, holding
    the port a restart must bind. The kernel now sends it SIGTERM when the master dies: gunicorn's
    graceful stop, which answers the request in hand (its record written) and exits. Set here,
    after the worker's own signal handlers are installed, so the signal reaches them."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != worker.ppid:      # the master died before the kernel was asked to tell
        worker.alive = False
