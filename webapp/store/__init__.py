"""What is kept: versions, the audit trail and its chains, people's keys, sessions, idempotency keys,
the schema's migrations. No Flask: the store raises its own errors (store.errors); webapp.api maps them to HTTP."""
