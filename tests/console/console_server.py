"""A real service for the browser tests: tests/webapp/servers.py's `python -m webapp serve` with the
keys of console_support.PEOPLE and the CAR-T model; with configured keys the master prints none."""
from pathlib import Path

from console_support import key_of, key_spec
from servers import Server


class ConsoleServer(Server):
    def __init__(self, tmp_path: Path, models, workers: int = 2):
        super().__init__(tmp_path, workers=workers, models=models, env_extra={"CAR_T_API_KEYS": key_spec()})
        self.key = key_of("eve")        # Server.post's key: a caller with the `evaluate` role
