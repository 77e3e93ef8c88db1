"""gunicorn settings for `serve` and `make run`: HOST (127.0.0.1) and PORT (8000) unless gunicorn's own
`--bind` is given; every setting checked before anything starts (webapp.config: one line naming the
variable, never a traceback).

The master, before it forks any worker: checks the configured keys (one clear line and exit on a
malformed entry, or on none at all), checks and upgrades the database schema once
(webapp.store.migrate), records the start (every console session opened before it ends:
webapp.store.sessions) and empties the directory where the workers' metrics meet
(PROMETHEUS_MULTIPROC_DIR, webapp.api.metrics). Without CAR_T_API_KEYS it refuses to start, unless
CAR_T_DEVELOPMENT=1 says this is a developer's laptop (`make run` sets it): then it makes one key with
every role for a person named "Developer", prints it on a line `API key: <key>` and hands only its
hash to the workers through the environment. Each worker exits with its master. A budget at or past
the worker timeout is refused the same way as a malformed key (webapp.serving.budgets).
"""
import ctypes
import logging
import os
import shutil
import signal
import sys
from pathlib import Path

from webapp.config import ConfigError, load_config, server_settings

try:
    _settings, _server = load_config(), server_settings()
except ConfigError as exc:
    sys.exit(f"error: {exc}")

_host = _server["host"]
bind = f"[{_host}]:{_server['port']}" if ":" in _host else f"{_host}:{_server['port']}"
# One sync worker per core, measured (docs/benchmarks.md): a determination is CPU-bound (engine,
# validation), so extra workers only add switching; gthread was slower still, its threads
# queueing on the GIL behind each other's evaluations despite keep-alive. Sync workers read a
# whole request before answering it, so slow clients belong behind a buffering proxy
# (docs/deployment.md).
workers = _server["workers"]
worker_class = _server["worker_class"]
threads = _server["threads"]
timeout = _settings["WORKER_TIMEOUT_S"]      # CAR_T_WORKER_TIMEOUT; the budgets stay below it
graceful_timeout = 20
accesslog = None          # the app logs one JSON line per request itself (webapp.app)
loglevel = _server["log_level"]


def on_starting(server):
    from webapp.config import api_keys, env_flag
    from webapp.serving import budgets
    from webapp.store import migrate
    from webapp.store.keys import ROLES, key_entry, new_key
    from webapp.store.sessions import service_started

    try:
        development = env_flag("CAR_T_DEVELOPMENT")
        if "CAR_T_API_KEYS" not in os.environ and not development:
            raise ConfigError("CAR_T_API_KEYS is not set: configure the keys of the people and systems that call "
                              "the service (`python -m webapp keys --name NAME`); only `make run` "
                              "(CAR_T_DEVELOPMENT=1) makes a development key (docs/deployment.md)")
        config = load_config()
        if "CAR_T_API_KEYS" in os.environ:
            api_keys(config)
        budgets.check(config)
    except (ConfigError, budgets.BudgetConfigError) as exc:
        sys.exit(f"error: {exc}")
    url = config["DATABASE_URL"]
    try:
        migrate.upgrade(url)
        service_started(url)          # every console session opened before this start ends
    except Exception as exc:      # one line for the operator; the URL may hold a password
        sys.exit(f"error: cannot prepare the database: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    os.environ["CAR_T_DATABASE_UPGRADED"] = "1"
    _metrics_directory(Path(config["VAR_DIR"]) / "metrics")
    if "CAR_T_API_KEYS" not in os.environ:
        key, digest = new_key()
        os.environ["CAR_T_API_KEYS"] = key_entry(digest, ROLES, "Developer")
        print(f"API key: {key}", flush=True)


def _metrics_directory(directory: Path) -> None:
    """prometheus-client's multiprocess mode: each worker writes its metrics to files in one
    directory, which /metrics reads. Emptied at every start, as prometheus-client asks, so counts of
    a previous run's workers are not added to this one's; set before any worker imports
    prometheus_client, which reads the variable at import."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(mode=0o700, parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def post_fork(server, worker):
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(message)s")
    access = logging.getLogger("webapp.access")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))     # each line is one JSON object (webapp.app)
    access.addHandler(handler)
    access.propagate = False


def child_exit(server, worker):
    """A worker gone: its live gauges (the serving version) no longer count (prometheus-client)."""
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


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
