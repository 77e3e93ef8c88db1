"""The console's session (issue 13), below the browser: the signing secret is the same in every
worker, the session stands in for the key on the API with the key's roles, state changes need the
CSRF token, and a session ends when its key is removed or its hours are over; sessions are rows of
the database, ended on the server by signing out or a restart (issue 20 §4), on SQLite and PostgreSQL."""
import os

import pytest
from sqlalchemy import text

from support.apps import make_app
from support.people import as_, key_of, name_of
from support.threads import in_threads
from webapp.store.keys import hash_key
from webapp.console.session import shared_secret

VERSIONS = "/api/v1/models/simpletable/versions"


def _signed_in(client, person):
    page = client.get("/console/sign-in")
    token = page.get_data(as_text=True).split('name="csrf" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/console/sign-in", data={"csrf": token, "key": key_of(person), "next": "/console/"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = client.get("/console/")
    assert page.status_code == 200
    return page.get_data(as_text=True).split('name="csrf-token" content="', 1)[1].split('"', 1)[0]


def test_every_worker_signs_with_the_same_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("CAR_T_SECRET_KEY", raising=False)
    found = in_threads(lambda: shared_secret(str(tmp_path / "var")), 8)
    assert len(found) == 8 and len(set(found)) == 1 and len(found[0]) >= 40
    assert oct(os.stat(tmp_path / "var" / "console-secret").st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in (tmp_path / "var").iterdir()) == ["console-secret"]
    monkeypatch.setenv("CAR_T_SECRET_KEY", "from-the-environment")
    assert shared_secret(str(tmp_path / "var")) == "from-the-environment"


def test_a_session_signed_by_one_worker_is_good_in_another(tmp_path, monkeypatch):
    monkeypatch.delenv("CAR_T_SECRET_KEY", raising=False)
    one, other = make_app(tmp_path).test_client(), make_app(tmp_path).test_client()
    _signed_in(one, "ann")
    other.set_cookie("car_t_console", one.get_cookie("car_t_console").value)
    assert other.get(VERSIONS).status_code == 200


def test_the_session_stands_in_for_the_key_with_its_roles(tmp_path):
    client = make_app(tmp_path).test_client()
    assert client.get(VERSIONS).status_code == 401
    token = _signed_in(client, "ann")
    source = client.get(f"{VERSIONS}/1/dmn").get_data(as_text=True)
    assert client.post(VERSIONS, json={"content": source}).status_code == 403              # no CSRF token
    assert client.post(VERSIONS, json={"content": source}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    made = client.post(VERSIONS, json={"content": source}, headers={"X-CSRF-Token": token})
    assert made.status_code == 201 and made.json["author"] == name_of("ann")
    approve = client.post(f"{VERSIONS}/2:approve", headers={"X-CSRF-Token": token},
                          json={"sha256": made.json["sha256"], "evidence": "0" * 64})
    assert approve.status_code == 403 and "approver" in approve.json["detail"]          # ann is an author only
    assert client.get("/api/v1/evaluations").status_code == 403
    assert client.get(VERSIONS, headers=as_("cat")).status_code == 200                  # a key still wins


def test_a_session_ends_with_its_key_or_its_hours(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    _signed_in(client, "ann")
    keys = app.extensions["api_keys"]
    app.extensions["api_keys"] = {h: k for h, k in keys.items() if k.name != name_of("ann")}
    assert client.get(VERSIONS).status_code == 401
    assert client.get("/console/").status_code == 302
    app.extensions["api_keys"] = keys
    assert client.get("/console/").status_code == 200
    app.config["SESSION_HOURS"] = 0                     # its hours are over
    assert client.get("/console/").headers["Location"].startswith("/console/sign-in")
    assert client.get(VERSIONS).status_code == 401


def _copy(client, cookie_from) -> None:
    client.set_cookie("car_t_console", cookie_from.get_cookie("car_t_console").value)


def test_signing_out_ends_the_session_on_the_server_for_every_copy_of_its_cookie(tmp_path, database):
    """Issue 20 §4: a copied cookie kept reading audit records for 8 h after its user signed out."""
    one = make_app(tmp_path, database=database)
    other = make_app(tmp_path, database=database)       # another worker, or another replica
    user, thief = one.test_client(), other.test_client()
    token = _signed_in(user, "ida")
    _copy(thief, user)
    assert thief.get("/api/v1/evaluations").status_code == 200
    out = user.post("/console/sign-out", data={"csrf": token})
    assert out.status_code == 303
    assert thief.get("/api/v1/evaluations").status_code == 401
    assert thief.get("/console/").status_code == 302
    stale = one.test_client()                           # the cookie as it was before signing out
    stale.set_cookie("car_t_console", thief.get_cookie("car_t_console").value)
    assert stale.get("/api/v1/evaluations").status_code == 401
    _signed_in(user, "ida")                             # signing in again is a new session
    assert user.get("/api/v1/evaluations").status_code == 200 and thief.get("/api/v1/evaluations").status_code == 401


def test_a_restart_ends_every_session(tmp_path, database):
    before = make_app(tmp_path, database=database)
    user, thief = before.test_client(), before.test_client()
    _signed_in(user, "ida")
    _copy(thief, user)
    assert thief.get("/api/v1/evaluations").status_code == 200
    restarted = make_app(tmp_path, database=database)   # the service starts again on the same database
    for app in (before, restarted):
        client = app.test_client()
        _copy(client, user)
        assert client.get("/api/v1/evaluations").status_code == 401
        assert client.get("/console/").status_code == 302
    assert user.get("/api/v1/evaluations").status_code == 401


def test_sessions_are_rows_of_the_database_never_the_key_or_the_token(tmp_path, database):
    app = make_app(tmp_path, database=database)
    client = app.test_client()
    _signed_in(client, "ann")
    cookie = client.get_cookie("car_t_console").value
    with database.connect(owner=True) as con:
        rows = con.execute(text("SELECT event, token, key_hash FROM console_sessions ORDER BY id")).all()
        con.commit()
        assert [r.event for r in rows][-1] == "signed-in"
        assert rows[-1].key_hash == hash_key(key_of("ann")) and len(rows[-1].token) == 64
        with pytest.raises(Exception, match="append-only|permission denied"):
            with con.begin_nested() if database.name == "postgresql" else con.begin():
                con.execute(text("DELETE FROM console_sessions"))
    assert key_of("ann") not in cookie and hash_key(key_of("ann")) not in cookie and rows[-1].token not in cookie


def test_sign_in_needs_the_forms_token_and_goes_only_to_console_pages(tmp_path):
    client = make_app(tmp_path).test_client()
    client.get("/console/sign-in")
    assert client.post("/console/sign-in", data={"key": key_of("ann")}).status_code == 403
    page = client.get("/console/sign-in").get_data(as_text=True)
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    away = client.post("/console/sign-in", data={"csrf": token, "key": key_of("ann"), "next": "https://elsewhere.example/"})
    assert away.status_code == 303 and away.headers["Location"] == "/console/"
