"""Starting the service (issue 23 §4): every setting checked before anything starts, a bad value one
line naming the variable; no keys, no start, except for `make run` on a laptop; HOST and --host, with
gunicorn's own --bind winning."""
import os
import re
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from support.apps import ROOT, make_app
from support.people import key_spec
from support.servers import Server
from webapp.cli import main
from webapp.config import ConfigError


def _serve(tmp_path, **env):
    """`python -m webapp serve` with `env` over the environment (no keys, no database unless given):
    what it printed and its exit status."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("CAR_T_API_KEYS", "DATABASE_URL", "CAR_T_DEVELOPMENT", "HOST")}
    environ.update(CAR_T_VAR_DIR=str(tmp_path / "var"), PORT="0")
    environ.update(env)
    return subprocess.run([sys.executable, "-m", "webapp", "serve"], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("variable, value, says", [
    ("CAR_T_MAX_BODY", "2MB", "CAR_T_MAX_BODY='2MB': expected a whole number"),
    ("CAR_T_SERVING_POLL", "-1", "CAR_T_SERVING_POLL='-1': expected at least 0"),
    ("CAR_T_EVALUATION_BUDGET", "nan", "CAR_T_EVALUATION_BUDGET='nan': expected at least 0"),
    ("CAR_T_SECURE_COOKIES", "yes", "CAR_T_SECURE_COOKIES='yes': expected 1 (on) or 0 (off)"),
    ("CAR_T_WORKER_TIMEOUT", "0", "CAR_T_WORKER_TIMEOUT='0': expected at least 1"),
    ("PORT", "99999", "PORT=99999: expected a port number"),
    ("WEB_CONCURRENCY", "two", "WEB_CONCURRENCY='two': expected a whole number"),
    ("LOG_LEVEL", "verbose", "LOG_LEVEL='verbose': expected one of debug, info, warning, error, critical"),
    ("DATABASE_URL", "mysql://root:s3cret@db/car_t", "DATABASE_URL: expected sqlite:///PATH or postgresql"),
    ("CAR_T_API_KEYS", " ; ", "CAR_T_API_KEYS: no key is configured"),
])
def test_a_bad_setting_stops_the_start_with_one_line_naming_it(tmp_path, variable, value, says):
    done = _serve(tmp_path, **{"CAR_T_API_KEYS": key_spec(), variable: value})
    assert done.returncode != 0
    # gunicorn's own "Starting gunicorn" line may come first; ours is the one other line
    [line] = [line for line in done.stderr.splitlines() if not re.match(r"\[[^]]+\] \[\d+\] \[INFO\] ", line)]
    assert line.startswith(f"error: {says}")
    assert "s3cret" not in done.stderr          # a database URL's password is never echoed
    assert not (tmp_path / "var").exists()      # nothing was started, nothing written


def test_a_command_reading_a_bad_setting_says_so_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CAR_T_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", "oracle://scott:tiger@db")
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip() == "Error: DATABASE_URL: expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE"


def test_an_app_without_keys_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="CAR_T_API_KEYS: no key is configured"):
        make_app(tmp_path, API_KEYS="")


def test_without_keys_a_production_start_refuses_and_prints_no_key(tmp_path):
    done = _serve(tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "error: CAR_T_API_KEYS is not set" in done.stderr and "CAR_T_DEVELOPMENT=1" in done.stderr
    assert "API key" not in done.stdout


def test_make_run_says_it_is_a_development_start():
    dry = subprocess.run(["make", "-n", "-W", "setup.cfg", "run"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    [serve] = [line for line in dry.splitlines() if "-m webapp serve" in line]
    assert "CAR_T_DEVELOPMENT=1" in serve.split()


def test_a_development_start_prints_a_key_that_serves(tmp_path):
    server = Server(tmp_path, workers=1)      # no keys: CAR_T_DEVELOPMENT=1, as make run
    try:
        assert server.ready() == 200 and server.key
        assert server.get("/api/v1/models")["models"][0]["id"] == "simpletable"
    finally:
        server.stop()


def _listens(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) == 0


@pytest.mark.parametrize("how", ["option", "environment"])
def test_serve_binds_the_host_asked_for(tmp_path, how):
    server = Server(tmp_path, workers=1, env_extra={"CAR_T_API_KEYS": key_spec(),
                                                    **({"HOST": "127.0.0.2"} if how == "environment" else {})},
                    args=("--host", "127.0.0.2") if how == "option" else ())
    server.base = f"http://127.0.0.2:{server.port}"
    try:
        assert server.ready() == 200
        assert not _listens("127.0.0.1", server.port)
    finally:
        server.stop()


def test_gunicorn_s_own_bind_wins(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.3", 0))
        port = s.getsockname()[1]
    server = Server(tmp_path, workers=1, port=port, env_extra={
        "CAR_T_API_KEYS": key_spec(), "HOST": "127.0.0.2", "GUNICORN_CMD_ARGS": f"--bind 127.0.0.3:{port}"})
    server.base = f"http://127.0.0.3:{port}"
    try:
        assert server.ready() == 200
        assert not _listens("127.0.0.2", port)
    finally:
        server.stop()
