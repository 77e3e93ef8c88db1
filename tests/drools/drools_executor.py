"""The Apache KIE (Drools) DMN engine as the `@kie-tools/jitexecutor-native` npm package ships it: a
native binary serving `POST /jitdmn/dmnresult` with `{"model": <DMN XML>, "context": {...}}`.

`npm ci --prefix tests/drools` installs it (`make test` and `make drools` do). npm unpacks the binary
without its executable bit, so it is set here. The executor listens on 127.0.0.1 only, on a free
port, and compiles the model on every call (about 0.1-0.3 s).
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import stat
import subprocess
import tempfile
import threading
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
BINARY = HERE / "node_modules" / "@kie-tools" / "jitexecutor-native" / "dist" / "linux" / "jitexecutor"
INSTALL = "npm ci --prefix tests/drools (make test and make drools run it)"


class ExecutorError(RuntimeError):
    """The executor is not installed, did not start, or answered something that is not a result."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Executor:
    """One jitexecutor process; `evaluate(xml, context)` is its parsed answer. Use as a context
    manager (or call `close`) so the process ends with the run."""

    def __init__(self, binary: Path = BINARY):
        if not binary.is_file():
            raise ExecutorError(f"the KIE executor is not installed at {binary}: run {INSTALL}")
        if not os.access(binary, os.X_OK):
            binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        self.port = _free_port()
        self.log = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(
            [str(binary), f"-Dquarkus.http.port={self.port}", "-Dquarkus.http.host=127.0.0.1"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._local = threading.local()
        try:
            self._wait_ready()
        except BaseException:
            self.close()
            raise

    def _wait_ready(self) -> None:
        """Until the health endpoint answers; no deadline (a slow machine is slow, not broken),
        but an executor that exits fails at once with its log."""
        url = f"http://127.0.0.1:{self.port}/q/health/ready"
        while True:
            if self.proc.poll() is not None:
                raise ExecutorError(f"the KIE executor exited with {self.proc.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(url, timeout=30) as answer:
                    if answer.status == 200:
                        return
            except OSError:       # not listening yet (HTTPError is an OSError too)
                pass
            time.sleep(0.05)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()[-4000:]

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        return conn

    def evaluate(self, model_xml: str, context_json: str) -> dict:
        """Drools' answer for the model on one input (JSON text): `decisionResults` (name, status,
        result, messages) and the model's `messages`. Numbers are Decimals, as FEEL's are."""
        body = ('{"model": ' + json.dumps(model_xml) + ', "context": ' + context_json + "}").encode()
        conn = self._connection()
        try:
            conn.request("POST", "/jitdmn/dmnresult", body, {"Content-Type": "application/json"})
            answer = conn.getresponse()
            text = answer.read()
        except (OSError, http.client.HTTPException):
            self._local.conn = None
            conn.close()
            if self.proc.poll() is not None:
                raise ExecutorError(f"the KIE executor exited with {self.proc.returncode}:\n{self.output()}")
            raise
        if answer.status != 200:
            raise ExecutorError(f"the KIE executor answered {answer.status}: {text[:500]!r}\n{self.output()}")
        found = json.loads(text, parse_float=Decimal, parse_int=Decimal)
        if not isinstance(found, dict) or "decisionResults" not in found:
            raise ExecutorError(f"the KIE executor answered no decision results: {text[:500]!r}")
        return found

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
