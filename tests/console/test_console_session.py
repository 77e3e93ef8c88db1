"""The console's session (issue 13), below the browser: the signing secret is the same in every
worker, the session stands in for the key on the API with the key's roles, state changes need the
CSRF token, and a session ends when its key is removed or its hours are over."""
import os
import time

from console_support import as_, caller_of, key_of, make_app
from threads import in_threads
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
    assert made.status_code == 201 and made.json["author"] == caller_of("ann")
    approve = client.post(f"{VERSIONS}/2:approve", headers={"X-CSRF-Token": token},
                          json={"sha256": made.json["sha256"], "evidence": "0" * 64})
    assert approve.status_code == 403 and "approver" in approve.json["message"]          # ann is an author only
    assert client.get("/api/v1/evaluations").status_code == 403
    assert client.get(VERSIONS, headers=as_("cat")).status_code == 200                  # a key still wins


def test_a_session_ends_with_its_key_or_its_hours(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    _signed_in(client, "ann")
    keys = app.extensions["api_keys"]
    app.extensions["api_keys"] = {h: r for h, r in keys.items() if r != frozenset({"author"})}
    assert client.get(VERSIONS).status_code == 401
    assert client.get("/console/").status_code == 302
    app.extensions["api_keys"] = keys
    assert client.get("/console/").status_code == 200
    with client.session_transaction() as session:
        session["at"] = time.time() - app.config["SESSION_HOURS"] * 3600 - 1
    assert client.get("/console/").headers["Location"].startswith("/console/sign-in")
    assert client.get(VERSIONS).status_code == 401


def test_sign_in_needs_the_forms_token_and_goes_only_to_console_pages(tmp_path):
    client = make_app(tmp_path).test_client()
    client.get("/console/sign-in")
    assert client.post("/console/sign-in", data={"key": key_of("ann")}).status_code == 403
    page = client.get("/console/sign-in").get_data(as_text=True)
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    away = client.post("/console/sign-in", data={"csrf": token, "key": key_of("ann"), "next": "https://elsewhere.example/"})
    assert away.status_code == 303 and away.headers["Location"] == "/console/"
