"""Evaluation of a loaded model: requirements graph, boxed expressions, decision tables, results."""
