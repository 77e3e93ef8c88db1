"""The EHR's JWT, checked as CDS Hooks 2.0 says, on the hook and on DTR: ES384 and RS384 tokens of the
EHR's keys pass; unsigned, alg=none, HS384 signed with the EHR's public key, a wrong aud, expired, an
unknown kid, another issuer and a replayed jti are each 401 with an OperationOutcome. A replay is
refused by the database, so on SQLite and on PostgreSQL, across two apps (workers) on one database."""
import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from ehr_support import body, ISSUER, JWKS, make_app, PACKAGE, public_pem, SIGN, token
from webapp.ehr.jwt_auth import EhrAuthConfigError


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    made = make_app(tmp_path_factory.mktemp("jwt"))
    yield made
    made.extensions["audit"].close()


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(path=SIGN, **changes):
    now = int(time.time())
    return {"iss": ISSUER, "aud": "https://payer.example.org/car-t" + path, "iat": now, "exp": now + 300,
            "jti": f"jti-{time.time_ns()}", **changes}


def _call(app, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    return app.test_client().post(SIGN, json=body(), headers=headers)


def _refused(response, says):
    assert response.status_code == 401, response.json
    assert response.json["resourceType"] == "OperationOutcome"
    assert response.json["issue"][0]["code"] == "login"
    assert says in response.json["issue"][0]["diagnostics"]


@pytest.mark.parametrize("kid", ["es-1", "rs-1"])
def test_es384_and_rs384_tokens_of_the_ehrs_keys_are_accepted(app, kid):
    assert _call(app, f"Bearer {token(SIGN, kid=kid)}").status_code == 200


def test_no_token_is_refused(app):
    _refused(_call(app, None), "none sent")


def test_an_unsigned_token_is_refused(app):
    unsigned = f"{_b64({'alg': 'ES384', 'typ': 'JWT', 'kid': 'es-1'})}.{_b64(_claims())}."
    _refused(_call(app, f"Bearer {unsigned}"), "JWT")


def test_alg_none_is_refused(app):
    none = jwt.encode(_claims(), None, algorithm="none", headers={"kid": "es-1", "typ": "JWT"})
    _refused(_call(app, f"Bearer {none}"), "alg must be ES384 or RS384")


def test_hs384_signed_with_the_ehrs_public_key_is_refused(app):
    header = {"alg": "HS384", "typ": "JWT", "kid": "rs-1"}
    signing = f"{_b64(header)}.{_b64(_claims())}".encode()
    import hashlib
    import hmac
    signature = base64.urlsafe_b64encode(hmac.new(public_pem("rs-1"), signing, hashlib.sha384).digest()).rstrip(b"=")
    _refused(_call(app, f"Bearer {signing.decode()}.{signature.decode()}"), "alg must be ES384 or RS384")


def test_a_token_for_another_endpoint_is_refused(app):
    _refused(_call(app, f"Bearer {token(PACKAGE)}"), "aud must be https://payer.example.org/car-t/cds-services/car-t-order-sign")


def test_an_expired_token_is_refused(app):
    then = int(time.time()) - 3600
    _refused(_call(app, f"Bearer {token(SIGN, iat=then - 60, exp=then)}"), "expired")


def test_a_kid_the_ehr_does_not_have_is_refused(app):
    forged = token(SIGN, kid="es-1", headers={"kid": "es-unknown"})
    _refused(_call(app, f"Bearer {forged}"), "kid names no key")


def test_another_issuer_is_refused(app):
    _refused(_call(app, f"Bearer {token(SIGN, iss='https://other-ehr.example.org')}"), "iss is not the EHR")


def test_a_token_signed_by_another_key_under_the_ehrs_kid_is_refused(app):
    _refused(_call(app, f"Bearer {token(SIGN, kid='rs-1', headers={'kid': 'es-1'})}"), "is not the algorithm of the key es-1")


def test_dtr_takes_the_ehrs_token_too(app):
    response = app.test_client().post(PACKAGE, json={"resourceType": "Parameters"})
    _refused(response, "none sent")


def test_a_replayed_jti_is_refused_by_every_worker_on_one_database(tmp_path, database):
    one, two = make_app(tmp_path / "one", database=database), make_app(tmp_path / "two", database=database)
    try:
        used = token(SIGN)
        assert _call(one, f"Bearer {used}").status_code == 200
        _refused(_call(two, f"Bearer {used}"), "jti was used before")
        _refused(_call(one, f"Bearer {used}"), "jti was used before")
    finally:
        one.extensions["audit"].close()
        two.extensions["audit"].close()


class _KeySetServer:
    """The EHR's JWK set at a URL on 127.0.0.1, counting how often it is fetched."""

    def __init__(self):
        self.fetched = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.fetched += 1
                data = json.dumps(JWKS).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def test_the_ehrs_key_set_at_a_url_is_fetched_and_cached(tmp_path):
    keys = _KeySetServer()
    app = make_app(tmp_path, EHR_JWKS=keys.url)
    try:
        assert _call(app, f"Bearer {token(SIGN, kid='rs-1')}").status_code == 200
        assert _call(app, f"Bearer {token(SIGN, kid='es-1')}").status_code == 200
        assert keys.fetched == 1
        _refused(_call(app, f"Bearer {token(SIGN, headers={'kid': 'es-unknown'})}"), "kid names no key")
    finally:
        app.extensions["audit"].close()
        keys.stop()


def test_a_key_set_url_that_does_not_answer_is_503_not_a_pass(tmp_path):
    app = make_app(tmp_path, EHR_JWKS="http://127.0.0.1:9/jwks.json")
    try:
        response = _call(app, f"Bearer {token(SIGN)}")
        assert response.status_code == 503 and response.json["resourceType"] == "OperationOutcome"
    finally:
        app.extensions["audit"].close()


@pytest.mark.parametrize("settings, says", [
    ({"EHR_ISSUER": "", "EHR_AUDIENCE": ""}, "CAR_T_EHR_JWKS, CAR_T_EHR_ISSUER and CAR_T_EHR_AUDIENCE"),
    ({"EHR_JWKS": "/nonexistent/jwks.json"}, "not a JWK set"),
])
def test_settings_that_cannot_work_stop_the_service_at_start(tmp_path, settings, says):
    with pytest.raises(EhrAuthConfigError, match=says):
        make_app(tmp_path, **settings)


def test_token_ids_are_append_only(tmp_path):
    import sqlite3
    app = make_app(tmp_path)
    try:
        assert _call(app, f"Bearer {token(SIGN)}").status_code == 200
    finally:
        app.extensions["audit"].close()
    with sqlite3.connect(tmp_path / "var" / "audit.sqlite3") as con:
        (name, expires), = con.execute("SELECT id, expires_at FROM ehr_token_ids").fetchall()
        for statement in ("UPDATE ehr_token_ids SET expires_at = '2099-01-01'", "DELETE FROM ehr_token_ids",
                          "INSERT OR REPLACE INTO ehr_token_ids (id, expires_at) VALUES (?, '2099-01-01')"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(statement, (name,) if "?" in statement else ())
        assert con.execute("SELECT id, expires_at FROM ehr_token_ids").fetchall() == [(name, expires)]
