"""Internal: loading (builder) and evaluation of a model - requirements graph, boxed expressions,
decision tables, results. Use it through `pydmn` (load, Model, Result)."""
