"""Use cases: one function each, each owning its transaction and committing once."""
