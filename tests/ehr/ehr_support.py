"""What the EHR channel's tests share: an EHR with ES384 and RS384 keys that signs CDS Hooks JWTs, the
service serving the CAR-T model with that EHR configured (on SQLite, or on the `database` fixture of
tests/conftest.py), the hook bodies of tests/ehr/data (built on the CRD guide's own
CRDServiceRequest examples, dated today), and a FHIR server on 127.0.0.1 for the service to query."""
import copy
import datetime as dt
import json
import shutil
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from support.apps import CAR_T, service_app
from support.people import key_spec

DATA = Path(__file__).parent / "data"
MODEL_ID = CAR_T.stem
AUDIENCE = "https://payer.example.org/car-t"
ISSUER = "https://ehr.example.org"
SIGN = "/cds-services/car-t-order-sign"
SELECT = "/cds-services/car-t-order-select"
PACKAGE = "/Questionnaire/$questionnaire-package"
PRODUCTS = ("Q2041", "Q2042", "Q2053", "Q2054", "Q2055", "Q2056", "Q2058")

_ES = ec.generate_private_key(ec.SECP384R1())
_RS = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE = {"es-1": (_ES, "ES384"), "rs-1": (_RS, "RS384")}


def _jwk(key, kid: str, alg: str) -> dict:
    algorithm = jwt.algorithms.ECAlgorithm if alg == "ES384" else jwt.algorithms.RSAAlgorithm
    return {**algorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid, "alg": alg, "use": "sig"}


JWKS = {"keys": [_jwk(key, kid, alg) for kid, (key, alg) in PRIVATE.items()]}


def public_pem(kid: str) -> bytes:
    return PRIVATE[kid][0].public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)


def token(path: str, kid: str = "es-1", headers: dict | None = None, **claims) -> str:
    """A JWT as the EHR signs it for a call to `path`; claims given replace the defaults."""
    key, alg = PRIVATE[kid]
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE + path, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()), **claims}
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid, "typ": "JWT", **(headers or {})})


def bearer(path: str, **kwargs) -> dict:
    return {"Authorization": f"Bearer {token(path, **kwargs)}"}


def make_app(tmp_path: Path, database=None, **config):
    """The service with the CAR-T model, its contract and FHIR mapping, and this EHR configured."""
    models = tmp_path / "decisions"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(CAR_T.with_name(f"{MODEL_ID}.fhir.yaml"), models / f"{MODEL_ID}.fhir.yaml")
    keys = tmp_path / "ehr-jwks.json"
    keys.write_text(json.dumps(JWKS))
    return service_app(tmp_path, (CAR_T,), key_spec(), database, **{
        "SCENARIO_CHECK": lambda *a: [], "EHR_JWKS": str(keys), "EHR_ISSUER": ISSUER, "EHR_AUDIENCE": AUDIENCE,
        "EHR_PLAN_LOOKUP": str(DATA / "plan.yaml"), **config})


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def days_ago(days: int) -> str:
    return (today() - dt.timedelta(days=days)).isoformat()


def body(name: str = "order-sign-servicerequest") -> dict:
    """A hook body of tests/ehr/data, its draft orders dated today."""
    data = json.loads((DATA / f"{name}.json").read_text())
    for entry in data["context"]["draftOrders"]["entry"]:
        entry["resource"]["authoredOn"] = today().isoformat()
    return data


def fixture(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text())


def with_resources(hook_body: dict, *resources: dict, key: str = "clinical") -> dict:
    """The body with more resources in its prefetch (the service reads every resource a request carries)."""
    changed = copy.deepcopy(hook_body)
    entries = changed["prefetch"].setdefault(key, {"resourceType": "Bundle", "type": "collection", "entry": []})["entry"]
    entries += [{"resource": r} for r in resources]
    return changed


def complete(hook_body: dict) -> dict:
    """The body with the clinical record and an attested questionnaire: everything the policy asks."""
    return with_resources(hook_body, *[e["resource"] for e in fixture("clinical-record")["entry"]],
                          fixture("questionnaire-response-attested"))


def orders_only(hook_body: dict, *resources: dict) -> dict:
    changed = copy.deepcopy(hook_body)
    changed["context"]["draftOrders"]["entry"] = [{"resource": r} for r in resources]
    return changed


def post_hook(client, hook_body, path: str = SIGN, **token_kwargs):
    return client.post(path, json=hook_body, headers=bearer(path, **token_kwargs))


def extension_of(action: dict) -> dict:
    """{part: value} of the coverage-information a systemAction adds (parts that repeat: lists)."""
    ext = [e for e in action["resource"]["extension"]
           if e["url"] == "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"][-1]
    parts: dict = {}
    for part in ext["extension"]:
        value = next(v for k, v in part.items() if k.startswith("value")) if "extension" not in part else part["extension"]
        parts.setdefault(part["url"], []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in parts.items()}


class FhirServer:
    """The EHR's FHIR server on 127.0.0.1: GET [type]?patient=.. answers a searchset Bundle of the
    resources of that type it holds, GET Patient/[id] the patient. It records each request's path
    and Authorization header; `hold` keeps every answer back until released (a server that hangs)."""

    def __init__(self, resources=()):
        self.resources = list(resources)
        self.requests: list[tuple[str, str]] = []
        self.hold = threading.Event()
        self.hold.set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Authorization", "")))
                server.hold.wait()
                parsed = urllib.parse.urlparse(self.path)
                kind = parsed.path.rsplit("/", 2)[-2:]
                if kind[0] == "Patient" and kind[1]:
                    found = [r for r in server.resources if r["resourceType"] == "Patient" and r["id"] == kind[1]]
                    status, payload = (200, found[0]) if found else (404, {"resourceType": "OperationOutcome", "issue": []})
                else:
                    status = 200
                    payload = {"resourceType": "Bundle", "type": "searchset", "entry": [
                        {"resource": r, "search": {"mode": "match"}} for r in server.resources
                        if r["resourceType"] == kind[-1]]}
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/fhir+json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass           # the service gave up waiting: nobody reads this answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self.httpd.request_queue_size = 64        # the service asks its queries at once (backlog 5 drops some)
        self.httpd.server_bind()
        self.httpd.server_activate()
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/fhir"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
