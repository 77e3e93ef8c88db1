"""What is kept: versions, the audit trail and its chains, sessions, the schema's migrations.\nNo Flask: the store raises its own errors (store.errors); webapp.api maps them to HTTP."""
