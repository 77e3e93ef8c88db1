"""What an operator sees: one clear line for a bad key configuration, a request id that finds an
unexpected error's traceback in the log while the client sees no internals, and a reload that
tells the truth about what serves."""
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from support.apps import make_app
from webapp.app import create_app
from webapp.store.keys import Key, KeyConfigError, parse_keys
from webapp.cli import main
from support.problems import by_field

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}
EVAL = "/api/v1/models/simpletable/evaluate"


def test_keys_with_a_bogus_role_or_name_is_one_clear_line():
    result = CliRunner().invoke(main, ["keys", "--name", "Ann Lee", "--roles", "evaluate,bogus"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "unknown role 'bogus': roles are evaluate, audit, author, approver, admin" in result.output
    for name, says in (("a;b", "without ';'"), ("  ", "the name is empty"), ("0123456789ab", "looks like a key's id")):
        result = CliRunner().invoke(main, ["keys", "--name", name])
        assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output
    assert "Missing option '--name'" in CliRunner().invoke(main, ["keys"]).output      # every key names someone


def test_keys_prints_a_key_and_an_entry_the_service_accepts():
    result = CliRunner().invoke(main, ["keys", "--name", " Ann  Lee: oncology ", "--roles", "audit,evaluate"])
    assert result.exit_code == 0
    entry = result.output.split("CAR_T_API_KEYS entry: ")[1].strip()
    assert entry.endswith(":evaluate,audit:Ann Lee: oncology")
    assert list(parse_keys(entry).values()) == [Key(frozenset({"audit", "evaluate"}), "Ann Lee: oncology")]


def test_an_entry_without_a_name_still_reads_as_before():
    assert parse_keys("a" * 64 + ":evaluate,audit; " + "b" * 64 + ":admin:Max") == {
        "a" * 64: Key(frozenset({"evaluate", "audit"}), None), "b" * 64: Key(frozenset({"admin"}), "Max")}


@pytest.mark.parametrize("spec, says", [
    ("abc:evaluate", "entry 1: expected '<sha256 hex of the key>:<role>,<role>:<name>'"),
    ("a" * 64 + ":evaluate;" + "b" * 64 + ":superuser", "entry 2: unknown role 'superuser'"),
    ("a" * 64, "entry 1: expected"),
    ("a" * 64 + ":", "entry 1: no role given"),
    ("a" * 64 + ":evaluate:", "entry 1: the name is empty"),
    ("a" * 64 + ":evaluate:" + "x" * 65, "entry 1: the name 'xxx"),
])
def test_a_malformed_key_entry_names_the_entry_and_the_problem(spec, says):
    with pytest.raises(KeyConfigError, match=".*") as caught:
        parse_keys(spec)
    assert says in str(caught.value)


def test_gunicorn_refuses_a_malformed_key_configuration_in_one_line(tmp_path):
    env = {**os.environ, "CAR_T_API_KEYS": "abc:evaluate", "CAR_T_VAR_DIR": str(tmp_path / "var"),
           "PORT": "0"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "webapp", "serve"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "error: CAR_T_API_KEYS entry 1: expected" in done.stderr and "Traceback" not in done.stderr


def test_an_unexpected_error_is_logged_with_its_traceback_and_answered_with_a_request_id(
        app, client, auth, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("engine fault with patient detail 4242")
    monkeypatch.setattr("webapp.api.models.run", broken)
    caplog.set_level(logging.ERROR, logger="webapp.api.errors")
    r = client.post(EVAL, json=GOOD, headers={**auth(), "X-Request-Id": "req-123"})
    assert r.status_code == 500 and r.json["code"] == "internal_error"
    assert r.json["request_id"] == "req-123" == r.headers["X-Request-Id"]
    assert "4242" not in r.get_data(as_text=True) and "RuntimeError" not in r.get_data(as_text=True)
    logged = [rec for rec in caplog.records if "req-123" in rec.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is RuntimeError


def _write(models: Path, text: bytes):
    (models / "simpletable.dmn").write_bytes(text)


def test_a_reload_that_rejects_a_model_is_not_2xx_and_status_shows_the_fallback(tmp_path, auth):
    app = make_app(tmp_path)
    client = app.test_client()
    models = Path(app.config["MODELS_DIR"])
    before = client.get("/api/v1/models", headers=auth()).json["models"][0]
    assert before["fallback"] is False and before["rejected"] is None
    _write(models, b"<definitions>broken")
    r = client.post("/api/v1/models:reload", headers=auth("admin"))
    assert r.status_code == 422 and r.json["code"] == "invalid_input"
    assert list(by_field(r.json)["rejected"]) == ["simpletable"] and by_field(r.json)["rejected"]["simpletable"]
    for listing in (client.get("/api/v1/models", headers=auth()).json["models"],
                    client.get("/readyz").json["models"]):
        model = listing[0]
        assert model["version"] == before["version"] and model["loaded_at"] == before["loaded_at"]
        assert model["rejected"]["errors"] and len(model["rejected"]["version"]) == 64
    # A fresh process (a restarted worker) serves the published version from the store, and shows the rejection.
    restarted = create_app(dict(app.config)).test_client()
    model = restarted.get("/api/v1/models", headers=auth()).json["models"][0]
    assert model["fallback"] is False and model["version"] == before["version"]
    assert model["loaded_at"] == before["loaded_at"] and model["rejected"]["errors"]


def test_first_loaded_time_survives_a_restart(tmp_path, auth):
    app = make_app(tmp_path)
    first = app.test_client().get("/readyz").json["models"][0]
    again = create_app(dict(app.config)).test_client().get("/readyz").json["models"][0]
    assert again["version"] == first["version"] and again["loaded_at"] == first["loaded_at"]


@pytest.mark.parametrize("given", ["abc status=200 route=/x", "a" * 65, "tab\tid", "é-id", "a=b"])
def test_a_request_id_that_is_not_a_short_token_is_replaced(tmp_path, caplog, given):
    # Logged, answered and quoted to operators: a space, a control character or a quote does not get through.
    caplog.set_level(logging.INFO, logger="webapp.access")
    answer = make_app(tmp_path).test_client().get("/healthz", headers={"X-Request-Id": given})
    made = answer.headers["X-Request-Id"]
    assert made != given and len(made) == 32 and int(made, 16) >= 0
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "webapp.access"]
    assert (line["request_id"], line["method"], line["endpoint"], line["status"]) == (made, "GET", "/healthz", 200)


def test_a_token_request_id_is_kept(tmp_path):
    given = "nginx-" + "0123456789abcdef" * 3 + "~.+_"
    assert make_app(tmp_path).test_client().get("/healthz", headers={"X-Request-Id": given}).headers["X-Request-Id"] == given


def test_every_setting_the_service_reads_is_in_the_deployment_settings_table():
    # CAR_T_SECURE_COOKIES was read but not listed: an operator behind TLS never learnt to set it.
    read = set()
    for source in (ROOT / "webapp").rglob("*.py"):
        read |= set(re.findall(r"""(?:os\.environ(?:\.get\(|\[)|env_[a-z]+\()\s*["']([A-Z][A-Z0-9_]*)["']""",
                               source.read_text()))
    read -= {"CAR_T_DATABASE_UPGRADED"}         # set by gunicorn's master for its workers, not a setting
    text = (ROOT / "docs" / "deployment.md").read_text()
    table = text[text.index("\n## Settings\n"):].split("\n## ", 2)[1]
    listed = {name for row in table.splitlines() if row.startswith("| `")
              for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1])}
    assert {"CAR_T_SECURE_COOKIES", "CAR_T_MAX_BODY", "WEB_CONCURRENCY", "CAR_T_DEVELOPMENT"} <= read
    assert read - listed == set()
