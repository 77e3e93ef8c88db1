"""The EHR channel's latency (`python -m bench.ehr`): CRD order-sign under gunicorn, one call after
another, each with a JWT of its own (a token is accepted once, so wrk, which replays one request,
cannot drive it). CRD asks for an answer within 5 s for 90% of calls; this reports p50, p90 and p99
for three bodies built on the guide's example (tests/ehr/data): the EHR's record and an attested
questionnaire in prefetch (medically_appropriate); the same record queried from the EHR's FHIR server
on 127.0.0.1 with the hook's token (CDS Hooks' FHIR resource access); and a bundle missing facts
(documentation_incomplete, with the DTR questionnaire)."""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from bench.http import ROOT, _start, _stop

DATA = ROOT / "tests" / "ehr" / "data"
AUDIENCE, ISSUER, PATH = "https://payer.example.org/car-t", "https://ehr.example.org", "/cds-services/car-t-order-sign"


def _load(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text())


def _bodies(fhir_base: str) -> dict[str, dict]:
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    base = _load("order-sign-servicerequest")
    for entry in base["context"]["draftOrders"]["entry"]:
        entry["resource"]["authoredOn"] = today
    record = [e["resource"] for e in _load("clinical-record")["entry"]] + [_load("questionnaire-response-attested")]
    prefetched = copy.deepcopy(base)
    prefetched["prefetch"]["record"] = {"resourceType": "Bundle", "type": "collection",
                                        "entry": [{"resource": r} for r in record]}
    queried = copy.deepcopy(base)
    queried["fhirServer"] = fhir_base
    return {"record in prefetch": prefetched, "record queried from the EHR": queried, "bundle missing facts": base}


class _Server(ThreadingHTTPServer):
    # The service asks for the mapping's queries at once; http.server's backlog of 5 dropped the
    # connections past it, which came back after TCP's 1 s retransmission (a p99 of the bench server's).
    request_queue_size = 64


class _FhirServer:
    """The EHR's FHIR server: GET [type]?... answers a searchset of the record's resources of that type."""

    def __init__(self, resources: list[dict]):
        by_type: dict[str, list] = {}
        for resource in resources:
            by_type.setdefault(resource["resourceType"], []).append(resource)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                kind = urllib.parse.urlparse(self.path).path.rsplit("/", 1)[-1]
                data = json.dumps({"resourceType": "Bundle", "type": "searchset",
                                   "entry": [{"resource": r} for r in by_type.get(kind, [])]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/fhir"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _call(base: str, key, body: bytes) -> tuple[float, dict]:
    now = int(time.time())
    token = jwt.encode({"iss": ISSUER, "aud": AUDIENCE + PATH, "iat": now, "exp": now + 60, "jti": str(uuid.uuid4())},
                       key, algorithm="ES384", headers={"kid": "bench", "typ": "JWT"})
    request = urllib.request.Request(base + PATH, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    return (time.perf_counter() - started) * 1000, answer


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(calls: int | None = None) -> list[dict]:
    calls = calls or int(os.environ.get("BENCH_EHR_CALLS", 300))
    key = ec.generate_private_key(ec.SECP384R1())
    jwk = {**jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "bench", "alg": "ES384"}
    record = [e["resource"] for e in _load("clinical-record")["entry"]] + [_load("questionnaire-response-attested")]
    fhir = _FhirServer(record + [_load("order-sign-servicerequest")["prefetch"]["coverage"]["entry"][0]["resource"]])
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
            env = {"CAR_T_EHR_JWKS": str(tmp / "jwks.json"), "CAR_T_EHR_ISSUER": ISSUER, "CAR_T_EHR_AUDIENCE": AUDIENCE,
                   "CAR_T_EHR_FHIR_SERVER": fhir.base, "CAR_T_EHR_PLAN": str(DATA / "plan.yaml")}
            proc, base, _ = _start("webapp.wsgi:app", tmp, 2, f"sqlite:///{tmp / 'var' / 'audit.sqlite3'}", env)
            try:
                for label, body in _bodies(fhir.base).items():
                    data = json.dumps(body).encode()
                    for _ in range(10):                       # warm both workers
                        _call(base, key, data)
                    times, answer = [], None
                    for _ in range(calls):
                        elapsed, answer = _call(base, key, data)
                        times.append(elapsed)
                    coverage = answer["systemActions"][0]["resource"]["extension"][-1]["extension"]
                    rows.append({"body": label, "calls": calls, "p50_ms": statistics.median(times),
                                 "p90_ms": _percentile(times, 0.9), "p99_ms": _percentile(times, 0.99),
                                 "answer": ", ".join(p["valueCode"] for p in coverage if "valueCode" in p)})
            finally:
                _stop(proc)
    finally:
        fhir.stop()
    return rows


def section(rows: list[dict]) -> list[str]:
    lines = ["## EHR channel: CRD order-sign latency (`python -m bench.ehr`)", "",
             "gunicorn, 2 sync workers, audit on SQLite; each call signs a JWT of its own (ES384), the service checks "
             "it and records its jti, extracts the model's inputs from FHIR (webapp/ehr, the mapping beside the "
             "model), determines, writes the audit record and answers the coverage information. One call at a "
             "time, so these are latencies, not throughput. CRD asks for 90% of calls within 5 s.", "",
             "| body | calls | p50 (ms) | p90 (ms) | p99 (ms) | coverage information |", "|---|---:|---:|---:|---:|---|"]
    lines += [f"| {r['body']} | {r['calls']} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['answer']} |"
              for r in rows]
    return lines + [""]


if __name__ == "__main__":
    print("\n".join(section(run())))
