"""Full-text search over proposals and experiments, on PostgreSQL and SQLite alike.

The API the rest of the app uses:
- parse(text) -> Query: the words a person typed (stemmed in fi, sv and en; the last one
  also a prefix). A Query is false when it has no words.
- hits(query, secrets=...) -> a subquery (proposal_id, rank), higher rank first; secrets
  also searches the business secrets and owners' names.
- snippet(text, language, query) -> Markup: the text around its first match, escaped, with
  the matching words in <mark>.
- refresh(proposal_ids), reindex(): write documents (the session keeps them in step by
  itself, tracking.py); stemmed(text, language) and stem(word, language) for whatever
  else compares texts with the index (similar proposals).
"""

from . import tracking  # noqa: F401 (its listeners keep the index in step)
from .documents import refresh, reindex
from .matching import hits
from .schema import include_name, install, is_search_table, remove
from .text import Query, parse, snippet, stem, stemmed

__all__ = [
    "Query",
    "hits",
    "include_name",
    "install",
    "is_search_table",
    "parse",
    "refresh",
    "reindex",
    "remove",
    "snippet",
    "stem",
    "stemmed",
]
