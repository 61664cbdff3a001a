"""Finding proposals: a parsed query as a subquery of (proposal_id, rank), higher rank first.

PostgreSQL: each word is to_tsquery in the finnish, swedish and english configurations, or
any of its Python stems (text.py), or the word as typed ('simple'); the last word with :*.
A word that is a stop word in one of the languages is left out, as websearch_to_tsquery
does: the texts of that language do not hold it, so requiring it would find none of them.
Ranked by ts_rank (weights A title, B summary, C need and organisation, D outcome).
SQLite: the same forms as an FTS5 query over the stemmed columns, ranked by bm25 with the
columns' weights (schema.COLUMNS). The public search reads the public columns only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR

from ..extensions import db
from .schema import COLUMNS, PUBLIC_COLUMNS, TABLE
from .text import Query, Term

BUILT_IN = ("finnish", "swedish", "english")

_document = table(
    TABLE,
    column("proposal_id"),
    column("public_vector", TSVECTOR),
    column("full_vector", TSVECTOR),
)


def hits(query: Query, *, secrets: bool) -> Subquery:
    """The proposals whose documents match every term: columns proposal_id and rank.

    secrets: search the business secrets and owners' names too (for the people who may
    read them); without, only what the public catalogue shows.
    """
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    found = _postgresql_hits(query, secrets) if postgresql else _sqlite_hits(query, secrets)
    return found.subquery("search_hits")


def _configuration(name: str) -> ColumnElement[Any]:
    return literal(name, type_=REGCONFIG)


def _either(*queries: ColumnElement[Any]) -> ColumnElement[Any]:
    result = queries[0]
    for other in queries[1:]:
        result = result.op("||", return_type=TSQUERY)(other)
    return result


def _pg_term(term: Term) -> ColumnElement[Any]:
    star = ":*" if term.prefix else ""
    built_in = [func.to_tsquery(_configuration(c), term.word + star) for c in BUILT_IN]
    ours = func.to_tsquery(_configuration("simple"), " | ".join(f + star for f in term.forms))
    stop_word = or_(*(func.numnode(q) == 0 for q in built_in))
    return case((stop_word, cast(literal(""), TSQUERY)), else_=_either(*built_in, ours))


def pg_tsquery(query: Query) -> ColumnElement[Any]:
    """The query as one tsquery: every term (&&), each any of its forms (||)."""
    terms = [_pg_term(term) for term in query.terms] or [cast(literal(""), TSQUERY)]
    result = terms[0]
    for other in terms[1:]:
        result = result.op("&&", return_type=TSQUERY)(other)
    return result


def _postgresql_hits(query: Query, secrets: bool) -> Select[Any]:
    vector = _document.c.full_vector if secrets else _document.c.public_vector
    tsquery = pg_tsquery(query)
    return select(
        _document.c.proposal_id.label("proposal_id"),
        func.ts_rank(vector, tsquery).label("rank"),
    ).where(vector.bool_op("@@")(tsquery))


def fts_query(query: Query, secrets: bool) -> str:
    """The query in FTS5's syntax (the forms are letters and digits only, so quoting is safe)."""
    terms = [
        "(" + " OR ".join(f'"{form}"' + ("*" if term.prefix else "") for form in term.forms) + ")"
        for term in query.terms
    ]
    expression = " AND ".join(terms) or '""'
    if secrets:
        return expression
    return "{" + " ".join(PUBLIC_COLUMNS) + "} : (" + expression + ")"


def _sqlite_hits(query: Query, secrets: bool) -> Select[Any]:
    fts: ColumnElement[Any] = literal_column(TABLE)
    rank = -func.bm25(fts, *(literal(weight) for weight in COLUMNS.values()))
    return (
        select(literal_column("rowid").label("proposal_id"), rank.label("rank"))
        .select_from(table(TABLE))
        .where(fts.op("MATCH")(fts_query(query, secrets)))
    )
