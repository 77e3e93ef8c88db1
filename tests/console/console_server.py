"""A real service for the browser tests: `python -m webapp serve` (gunicorn, two workers) on a free
port with a new var directory, the keys of console_support.PEOPLE and the CAR-T model, as
tests/webapp/servers.py starts it; with configured keys the master prints none, so none is read."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from console_support import ROOT, key_of, key_spec
from servers import Server, _free_port


class ConsoleServer(Server):
    def __init__(self, tmp_path: Path, models, workers: int = 2):      # noqa: super().__init__ waits for a printed key
        directory = tmp_path / "decisions"
        directory.mkdir(parents=True, exist_ok=True)
        for model in models:
            shutil.copy(model, directory / Path(model).name)
        self.port = _free_port()
        self.var = tmp_path / "var"
        self.db = self.var / "audit.sqlite3"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CAR_T_SECRET_KEY")}
        env.update(PORT=str(self.port), CAR_T_MODELS_DIR=str(directory), CAR_T_VAR_DIR=str(self.var),
                   WEB_CONCURRENCY=str(workers), LOG_LEVEL="warning", CAR_T_API_KEYS=key_spec())
        self.log = open(tmp_path / "server.log", "w+")
        self.proc = subprocess.Popen([sys.executable, "-m", "webapp", "serve"], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=self.log, text=True, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        self.key = key_of("eve")        # Server.post's key: a caller with the `evaluate` role
