"""The DMN model as read from XML: reader (XML -> elements), elements, item-definition types."""
