"""WTForms classes: the shape of input (required, ranges, formats)."""
