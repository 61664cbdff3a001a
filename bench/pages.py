"""What the benchmark measures: every page and API list a person opens, and who opens it.

Each page is (name, path, who, target). `who` is None for an anonymous reader, a role of the
demo's documented accounts (signed in through the form), or "api" for the staff account's
API token. Every page must reach at least RATIO_TARGET of the ceiling's /db requests per
second; public pages, served to anonymous readers from the rendered-page cache, at least
PUBLIC_TARGET. The ids and search words a path needs are read from the data set itself.
"""

from __future__ import annotations

import math
import urllib.parse
from dataclasses import dataclass

import sqlalchemy as sa

# The demo's documented accounts (README: "Demo users").
DEMO_USERS = {
    "applicant": ("applicant@kokeilu.example", "kokeilu-applicant-demo"),
    "staff": ("staff@kokeilu.example", "kokeilu-staff-demo"),
    "manager": ("manager@kokeilu.example", "kokeilu-manager-demo"),
    "admin": ("admin@kokeilu.example", "kokeilu-admin-demo"),
}
API_USER = "staff"

STAFF_STATES = ("submitted", "screening", "more_info")  # the queue's default filter
# The queue as staff screen it: one proposer type, oldest first; and the same by best score.
QUEUE_FILTER = {"proposer_type": "company", "sort": "submitted_at"}
QUEUE_BY_SCORE = {"proposer_type": "company", "sort": "-score"}
QUEUE_PER_PAGE = 25

RATIO_TARGET = 0.60
PUBLIC_TARGET = 3.0
RATIO, PUBLIC = "ratio", "public"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str | None
    target: str = RATIO


def discover(url: str) -> dict:
    """The ids and words the pages need, read from the data set (SQLite or PostgreSQL)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            return _discover(con)
    finally:
        engine.dispose()


def _discover(con: sa.Connection) -> dict:
    one = lambda sql, **kw: con.execute(sa.text(sql), kw).first()  # noqa: E731
    programme_id, proposals = one(
        "SELECT programme_id, count(*) FROM proposal GROUP BY programme_id ORDER BY 2 DESC LIMIT 1"
    )
    total = one("SELECT count(*) FROM proposal")[0]
    experiments = one("SELECT count(*) FROM experiment")[0]
    # A rich proposal page: an experiment from the middle of the data set.
    row = one(
        "SELECT p.id, p.title FROM proposal p JOIN experiment e ON e.proposal_id = p.id "
        "ORDER BY p.id LIMIT 1 OFFSET :skip",
        skip=experiments // 2,
    ) or one("SELECT id, title FROM proposal ORDER BY id LIMIT 1 OFFSET :skip", skip=total // 2)
    proposal_id, title = row
    experiment_id = one("SELECT id FROM experiment WHERE proposal_id = :p", p=proposal_id)
    marks = ", ".join(f"'{s}'" for s in STAFF_STATES)
    queued = one(
        f"SELECT count(*) FROM proposal WHERE status IN ({marks}) AND proposer_type = :t",
        t=QUEUE_FILTER["proposer_type"],
    )[0]
    participation = one("SELECT count(*) FROM participation")[0]
    pages = max(1, math.ceil(queued / QUEUE_PER_PAGE))
    words = [w.strip(".,:;!?()\"'") for w in (title or "").split()]
    return {
        "programme_id": programme_id,
        "programme_proposals": proposals,
        "proposals": total,
        "proposal_id": proposal_id,
        "experiment_id": experiment_id[0] if experiment_id else None,
        "title": title,
        # A word people search for: the longest of a real title's words.
        "word": max(words, key=len) if words else "kirjasto",
        "queue_matches": queued,
        "queue_pages": pages,
        "deep_page": max(1, int(pages * 0.9)),
        "participation": participation,
    }


def pages_for(ids: dict) -> list[Page]:
    """Every page measured, in the order measured."""
    q = urllib.parse.urlencode
    queue = q(QUEUE_FILTER)
    programme, proposal = ids["programme_id"], ids["proposal_id"]
    experiment, word = ids["experiment_id"] or proposal, ids["word"]
    api_list = {"status": "submitted", "sort": "-submitted_at"}
    return [
        # What anyone reads: served from the rendered-page cache.
        Page("home_public", "/", None, PUBLIC),
        Page("dashboard_public", f"/statistics?programme={programme}", None, PUBLIC),
        Page("catalogue", "/experiments", None, PUBLIC),
        Page("experiment_page", f"/experiments/{experiment}", None, PUBLIC),
        Page("open_data", "/experiments/open-data.jsonld", None, PUBLIC),
        Page("feed_atom", "/experiments.atom", None, PUBLIC),
        Page("feed_calls", "/calls.ics", None, PUBLIC),
        # Searches, by anyone and by staff.
        Page("catalogue_search", f"/experiments?{q({'q': word})}", None),
        Page("public_experiments_api", "/api/v1/public/experiments", None),
        Page(
            "similar_public",
            f"/api/v1/public/experiments/similar?{q({'text': ids['title']})}",
            None,
        ),
        # Each person's own work.
        Page("home_applicant", "/", "applicant"),
        Page("home_staff", "/", "staff"),
        Page("home_manager", "/", "manager"),
        Page("home_admin", "/", "admin"),
        Page("dashboard_manager", f"/statistics?programme={programme}", "manager"),
        Page("statistics_api", f"/api/v1/statistics?programme={programme}", None),
        Page("queue_page1", f"/screening?{queue}", "manager"),
        Page("queue_deep", f"/screening?{queue}&page={ids['deep_page']}", "manager"),
        Page("queue_by_score", f"/screening?{q(QUEUE_BY_SCORE)}", "manager"),
        Page("queue_search", f"/screening?{q({'q': word})}", "manager"),
        Page("proposal_page", f"/proposals/{proposal}", "manager"),
        Page("similar_staff", f"/api/v1/proposals/{proposal}/similar", "api"),
        Page("pilots_list", "/pilots", "manager"),
        Page("audit_list", "/audit", "manager"),
        Page("api_proposals_20", f"/api/v1/proposals?{q({**api_list, 'per_page': 20})}", "api"),
        Page("api_proposals_100", f"/api/v1/proposals?{q({**api_list, 'per_page': 100})}", "api"),
    ]


# The page list's shape, without a data set: names in the order measured, and targets.
_SHAPE = pages_for(
    {
        "programme_id": 0,
        "proposal_id": 0,
        "experiment_id": 0,
        "word": "",
        "title": "",
        "deep_page": 1,
    }
)
PAGE_ORDER = tuple(p.name for p in _SHAPE)
TARGETS = {p.name: p.target for p in _SHAPE}
