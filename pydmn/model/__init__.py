"""Internal: the DMN model as read from XML - reader (XML -> elements), elements, item-definition
types, names, walks, namespaces. Use it through `pydmn` (read, elements, decision_tables)."""
