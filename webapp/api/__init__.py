"""The HTTP API: blueprints (health, models, car_t, evaluations, export, versions), who may call what
(auth), the one place a domain error becomes HTTP (errors), the OpenAPI document and every shape, and
the headers a caller sends about its request (caller_headers: Idempotency-Key, X-Case-Id; idempotency)."""
