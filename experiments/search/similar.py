"""Similar proposals and experiments, from the search index: no model, two queries.

1. The source's terms: the words of a proposal's title, summary and need (or of a free
   text), each matching a document that has any of its stems in fi, sv and en (the same idea
   is often proposed again in another language, and names and loanwords stem differently:
   "LoRaWAN" is "loraw" in Finnish), each with its document frequency in the index, the
   source's own document left out (one statement of counts).
2. The most distinctive of them (rarest first, at most TERMS; a term no other document has
   says nothing) weighted by BM25's inverse document frequency,
       idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
   (a word of the proposal's title twice that), and the documents having any of them ranked
   by the sum of the weights of the terms they have.

N and the frequencies count the documents the search may find: every proposal for the staff,
the public experiments only for the public search (a word's frequency among unpublished
proposals would otherwise show in a public score: whether a draft names it).

score = that sum / the sum over all the chosen terms: the share of the source's distinctive
weight another document shares, 0 to 1 (1: it has every chosen term). Ties go to the better
full-text rank (bm25 on SQLite, ts_rank on PostgreSQL: title above summary above need).

A word's forms are stemmed as the index stems: on PostgreSQL to_tsquery in the finnish,
swedish and english configurations, on SQLite the Python stems (text.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from ..extensions import db
from ..lifecycle import DECIDED_STATES, EXPERIMENT_STATES, Status
from ..statistics_cache import cached
from .schema import COLUMNS, PUBLIC_COLUMNS, TABLE
from .text import STEMMERS, stem
from .text import words as words_of

TERMS = 16  # the distinctive terms a similarity is measured by
CANDIDATES = 80  # terms whose frequency is counted (a long text: its first distinct stems)
LIMIT = 8
# Counting stops here: a word this common is never among the distinctive ones that count
# (unless the text has no rarer words), and counting all of its documents costs the most.
COMMON = 1000
LESSON = 160  # characters of a lesson shown in a list
_SENTENCE = re.compile(r"(?<=[.!?])\s")
TITLE = 2  # a word of the source's title counts double: it says what the proposal is about
# SQLite: every column but the owner's name (a name in a text says nothing of its idea).
_TEXT_COLUMNS = tuple(name for name in COLUMNS if name != "owner")
_PUBLIC_STATES = tuple(sorted(str(s) for s in EXPERIMENT_STATES))
_CONFIGURATIONS = ("finnish", "swedish", "english")


@dataclass(frozen=True)
class Similar:
    proposal_id: int
    experiment_id: int | None
    title: str
    status: Status
    score: float
    decision: str | None
    lessons_learned: str | None
    language: str  # the title's
    experiment_language: str | None  # the decision's and lessons'

    @property
    def decided(self) -> bool:
        return self.status in DECIDED_STATES

    @property
    def lesson(self) -> str:
        """The lessons learned (or else the decision) as one line: its first sentence, cut."""
        whole = " ".join((self.lessons_learned or self.decision or "").split())
        first = _SENTENCE.split(whole, maxsplit=1)[0]
        return first if len(first) <= LESSON else first[: LESSON - 1].rstrip() + "…"


# By data generation (statistics_cache.py): the same for every member of staff until the
# next write, and a proposal page is read far more often than proposals are written.
@cached
def similar_to_proposal(proposal_id: int, limit: int = LIMIT) -> list[Similar]:
    """The proposals and experiments most like this one (itself left out), best first:
    for the people who may read every proposal, business secrets included."""
    source = db.session.execute(
        text("SELECT title, summary, need FROM proposal WHERE id = :id"),
        {"id": proposal_id},
    ).first()
    if source is None:
        return []
    rest = " ".join(part or "" for part in source[1:])
    return _similar(source.title, rest, proposal_id, public=False, limit=limit)


def similar_experiments(words: str, limit: int = LIMIT) -> list[Similar]:
    """The public experiments (from pilot on) most like a text in any language, best first,
    from the public text only."""
    return _similar("", words, None, public=True, limit=limit)


def _similar(
    title: str, words: str, exclude: int | None, *, public: bool, limit: int
) -> list[Similar]:
    in_title = set(words_of(title))
    terms = [w for w in dict.fromkeys(words_of(f"{title} {words}")) if len(w) > 1][:CANDIDATES]
    if not terms:
        return []
    dialect = _PostgreSQL if db.session.get_bind().dialect.name == "postgresql" else _SQLite
    total, frequencies = dialect.frequencies(terms, exclude, public)
    useful = sorted((df, term) for term, df in zip(terms, frequencies, strict=True) if df > 0)
    if not useful:
        return []
    weights = {
        term: math.log(1 + (total - df + 0.5) / (df + 0.5)) * (TITLE if term in in_title else 1)
        for df, term in useful[:TERMS]
    }
    rows = dialect.ranked(weights, exclude, public, limit)
    whole = sum(weights.values())
    return [
        Similar(
            proposal_id=row.proposal_id,
            experiment_id=row.experiment_id,
            title=row.title,
            status=Status(row.status),
            score=round(min(1.0, row.weight / whole), 3),
            decision=row.decision,
            lessons_learned=row.lessons_learned,
            language=row.language,
            experiment_language=row.experiment_language,
        )
        for row in rows
    ]


_RESULT = """
    p.id AS proposal_id, e.id AS experiment_id, p.title, p.status,
    e.decision, e.lessons_learned, p.language, e.language AS experiment_language
"""
_STATES = ", ".join(f"'{state}'" for state in _PUBLIC_STATES)
_PUBLIC = f"AND e.id IS NOT NULL AND p.status IN ({_STATES})"
_WITH_EXPERIMENT = "LEFT JOIN experiment AS e ON e.proposal_id = p.id"


def _among(public: bool, document: str) -> tuple[str, str]:
    """The joins and the condition that keep a document count to the public experiments in
    a public search (what is not public must not change a public score: a word's frequency
    among unpublished proposals would tell that they have it); nothing for the staff's."""
    if not public:
        return "", ""
    return f"JOIN proposal AS p ON p.id = {document} {_WITH_EXPERIMENT}", _PUBLIC


def _total(public: bool) -> str:
    """The number of documents a search counts among: every proposal, or the public
    experiments."""
    where = _PUBLIC if public else ""
    return f"(SELECT count(*) FROM proposal AS p {_WITH_EXPERIMENT} WHERE 1 = 1 {where})"


def _ranked(statement: str, params: dict[str, Any]) -> list[Any]:
    return list(db.session.execute(text(statement), params))


class _SQLite:
    """Each word as an FTS5 query of its stems (letters and digits only: safe to quote)."""

    @staticmethod
    def _match(term: str, public: bool) -> str:
        columns = "{" + " ".join(PUBLIC_COLUMNS if public else _TEXT_COLUMNS) + "}"
        forms = dict.fromkeys(stem(term, language) for language in STEMMERS)
        return columns + " : (" + " OR ".join(f'"{form}"' for form in forms) + ")"

    @classmethod
    def frequencies(
        cls, terms: list[str], exclude: int | None, public: bool
    ) -> tuple[int, list[int]]:
        join, where = _among(public, "d.rowid")
        counts = ", ".join(
            f"(SELECT count(*) FROM (SELECT 1 FROM {TABLE} AS d {join} "
            f"WHERE {TABLE} MATCH :m{i} AND d.rowid != :exclude {where} LIMIT {COMMON}))"
            for i in range(len(terms))
        )
        params: dict[str, Any] = {"exclude": exclude or 0}
        params |= {f"m{i}": cls._match(term, public) for i, term in enumerate(terms)}
        row = db.session.execute(text(f"SELECT {_total(public)}, {counts}"), params).one()
        return int(row[0]), [int(count) for count in row[1:]]

    @classmethod
    def ranked(
        cls, weights: dict[str, float], exclude: int | None, public: bool, limit: int
    ) -> list[Any]:
        params: dict[str, Any] = {"exclude": exclude or 0, "limit": limit}
        parts = []
        for i, (term, weight) in enumerate(weights.items()):
            params[f"t{i}"], params[f"w{i}"] = cls._match(term, public), weight
            parts.append(
                f"CASE WHEN d.rowid IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :t{i}) "
                f"THEN :w{i} ELSE 0 END"
            )
        params["any"] = " OR ".join(f"({params[f't{i}']})" for i in range(len(weights)))
        bm25 = ", ".join(str(w) for w in COLUMNS.values())
        return _ranked(
            f"""
            SELECT {_RESULT}, ({" + ".join(parts)}) AS weight, -bm25({TABLE}, {bm25}) AS rank
            FROM {TABLE} AS d
            JOIN proposal AS p ON p.id = d.rowid
            LEFT JOIN experiment AS e ON e.proposal_id = p.id
            WHERE {TABLE} MATCH :any AND d.rowid != :exclude {_PUBLIC if public else ""}
            ORDER BY weight DESC, rank DESC, p.id DESC
            LIMIT :limit
            """,
            params,
        )


class _PostgreSQL:
    """Each word as the tsquery of its forms in the three configurations (a stop word in all
    three: an empty query, which matches nothing)."""

    @staticmethod
    def _query(i: int) -> str:
        return " || ".join(f"to_tsquery('{c}', :t{i})" for c in _CONFIGURATIONS)

    @staticmethod
    def _vector(public: bool) -> str:
        return "d.public_vector" if public else "d.full_vector"

    @classmethod
    def frequencies(
        cls, terms: list[str], exclude: int | None, public: bool
    ) -> tuple[int, list[int]]:
        vector = cls._vector(public)
        join, where = _among(public, "d.proposal_id")
        counts = ", ".join(
            f"(SELECT count(*) FROM (SELECT 1 FROM {TABLE} AS d {join} "
            f"WHERE {vector} @@ ({cls._query(i)}) AND d.proposal_id != :exclude {where} "
            f"LIMIT {COMMON}) AS found)"
            for i in range(len(terms))
        )
        params: dict[str, Any] = {"exclude": exclude or 0}
        params |= {f"t{i}": term for i, term in enumerate(terms)}
        row = db.session.execute(text(f"SELECT {_total(public)}, {counts}"), params).one()
        return int(row[0]), [int(count) for count in row[1:]]

    @classmethod
    def ranked(
        cls, weights: dict[str, float], exclude: int | None, public: bool, limit: int
    ) -> list[Any]:
        vector = cls._vector(public)
        params: dict[str, Any] = {"exclude": exclude or 0, "limit": limit}
        parts = []
        for i, (term, weight) in enumerate(weights.items()):
            params[f"t{i}"], params[f"w{i}"] = term, weight
            parts.append(f"CASE WHEN {vector} @@ ({cls._query(i)}) THEN :w{i} ELSE 0 END")
        any_term = " || ".join(f"({cls._query(i)})" for i in range(len(weights)))
        return _ranked(
            f"""
            SELECT {_RESULT}, ({" + ".join(parts)}) AS weight,
                ts_rank({vector}, {any_term}) AS rank
            FROM {TABLE} AS d
            JOIN proposal AS p ON p.id = d.proposal_id
            LEFT JOIN experiment AS e ON e.proposal_id = p.id
            WHERE {vector} @@ ({any_term}) AND d.proposal_id != :exclude
                {_PUBLIC if public else ""}
            ORDER BY weight DESC, rank DESC, p.id DESC
            LIMIT :limit
            """,
            params,
        )
