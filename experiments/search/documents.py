"""What the index holds for a proposal, and writing it: refresh() for some proposals (in the
caller's transaction), reindex() for all of them.

A proposal's document: its title (weight A), summary (B), need and organisation's name (C),
in the proposal's language; from pilot on also the experiment's decision and lessons learned
(in the experiment's language) and the evaluation's findings (in the evaluation's), weight D.
A section the applicant marked as a business secret, and the owner's name, go only into the
full document, which the people who may read them search.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, delete, insert, select, table, text
from sqlalchemy import column as sql_column
from sqlalchemy.orm import Session, scoped_session

from ..extensions import db
from ..models import Evaluation, Experiment, Organisation, Proposal, User
from .schema import COLUMNS, TABLE
from .text import stemmed, words

CHUNK = 2000

_fts = table(TABLE, sql_column("rowid"), *(sql_column(name) for name in COLUMNS))


# The session writing: the app's, or a migration's own on its connection.
AnySession = Session | scoped_session[Any]


def _postgresql(session: AnySession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def refresh(proposal_ids: Iterable[int], session: AnySession = db.session) -> None:
    """Bring these proposals' documents in step with their rows (a proposal gone: none)."""
    ids = sorted(set(proposal_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        if _postgresql(session):
            session.execute(text(_PG_UPSERT.format(where="p.id = ANY(:ids)")), {"ids": chunk})
        else:
            _sqlite_write(session, chunk)


def reindex(session: AnySession = db.session) -> int:
    """Rebuild the whole index from the rows; returns the number of documents."""
    session.execute(text(f"DELETE FROM {TABLE}"))
    if _postgresql(session):
        session.execute(text(_PG_UPSERT.format(where="TRUE")))
    else:
        last = 0
        while True:
            chunk = list(
                session.scalars(
                    select(Proposal.id).where(Proposal.id > last).order_by(Proposal.id).limit(CHUNK)
                )
            )
            if not chunk:
                break
            _sqlite_write(session, chunk)
            last = chunk[-1]
    return int(session.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one())


def _sources(session: AnySession, ids: Sequence[int]) -> Sequence[Row[Any, *tuple[Any, ...]]]:
    rows: Sequence[Row[Any, *tuple[Any, ...]]] = session.execute(
        select(
            Proposal.id,
            Proposal.language,
            Proposal.title,
            Proposal.summary,
            Proposal.need,
            Proposal.confidential_summary,
            Proposal.confidential_need,
            Organisation.name.label("organisation"),
            User.name.label("owner"),
            User.deleted_at,
            Experiment.language.label("experiment_language"),
            Experiment.decision,
            Experiment.lessons_learned,
            Evaluation.language.label("evaluation_language"),
            Evaluation.findings,
        )
        .join(User, User.id == Proposal.owner_id)
        .outerjoin(Organisation, Organisation.id == Proposal.organisation_id)
        .outerjoin(Experiment, Experiment.proposal_id == Proposal.id)
        .outerjoin(Evaluation, Evaluation.experiment_id == Experiment.id)
        .where(Proposal.id.in_(ids))
    ).all()
    return rows


def _sqlite_values(row: Row[Any, *tuple[Any, ...]]) -> dict[str, Any]:
    language = row.language
    summary = stemmed(row.summary, language)
    need = stemmed(row.need, language)
    outcome = " ".join(
        [
            stemmed(row.decision, row.experiment_language),
            stemmed(row.lessons_learned, row.experiment_language),
            stemmed(row.findings, row.evaluation_language),
        ]
    )
    return {
        "rowid": row.id,
        "title": stemmed(row.title, language),
        "summary": "" if row.confidential_summary else summary,
        "need": "" if row.confidential_need else need,
        "organisation": stemmed(row.organisation, language),
        "outcome": outcome.strip(),
        "secret_summary": summary if row.confidential_summary else "",
        "secret_need": need if row.confidential_need else "",
        # A name is not inflected here: its words as written (and none for a deleted account).
        "owner": "" if row.deleted_at else " ".join(words(row.owner)),
    }


def _sqlite_write(session: AnySession, ids: Sequence[int]) -> None:
    session.execute(delete(_fts).where(_fts.c.rowid.in_(ids)))
    documents = [_sqlite_values(row) for row in _sources(session, ids)]
    if documents:
        session.execute(insert(_fts), documents)


def _config(language: str) -> str:
    """The text search configuration of a language column (an SQL expression)."""
    return (
        f"(CASE {language} WHEN 'sv' THEN 'swedish' WHEN 'en' THEN 'english' "
        "ELSE 'finnish' END)::regconfig"
    )


def _vector(value: str, language: str, weight: str) -> str:
    return f"setweight(to_tsvector({_config(language)}, coalesce({value}, '')), '{weight}')"


_NOTHING = "''::tsvector"
_PG_UPSERT = f"""
INSERT INTO {TABLE} (proposal_id, public_vector, full_vector)
SELECT id, public_part, public_part || secret_part FROM (
    SELECT p.id,
        {_vector("p.title", "p.language", "A")}
        || CASE WHEN p.confidential_summary THEN {_NOTHING}
                ELSE {_vector("p.summary", "p.language", "B")} END
        || CASE WHEN p.confidential_need THEN {_NOTHING}
                ELSE {_vector("p.need", "p.language", "C")} END
        || {_vector("o.name", "p.language", "C")}
        || {_vector("e.decision", "e.language", "D")}
        || {_vector("e.lessons_learned", "e.language", "D")}
        || {_vector("v.findings", "v.language", "D")} AS public_part,
        CASE WHEN p.confidential_summary THEN {_vector("p.summary", "p.language", "B")}
             ELSE {_NOTHING} END
        || CASE WHEN p.confidential_need THEN {_vector("p.need", "p.language", "C")}
                ELSE {_NOTHING} END
        || CASE WHEN u.deleted_at IS NULL
                THEN setweight(to_tsvector('simple', u.name), 'C')
                ELSE {_NOTHING} END AS secret_part
    FROM proposal p
    JOIN "user" u ON u.id = p.owner_id
    LEFT JOIN organisation o ON o.id = p.organisation_id
    LEFT JOIN experiment e ON e.proposal_id = p.id
    LEFT JOIN evaluation v ON v.experiment_id = e.id
    WHERE {{where}}
) AS document
ON CONFLICT (proposal_id) DO UPDATE
SET public_vector = excluded.public_vector, full_vector = excluded.full_vector
"""
