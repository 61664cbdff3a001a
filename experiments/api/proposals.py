"""Proposals: list, create, read, edit, move through the workflow, history, reviews."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import lifecycle
from ..errors import FieldConflict
from ..extensions import db
from ..i18n import status_label
from ..lifecycle import Role
from ..models import Experiment, Proposal, Review, StatusChange
from ..queries import ProposalFilter, default_sort, proposal_page_ids
from ..search.similar import similar_to_proposal
from ..services import access
from ..services import proposals as proposal_service
from ..services.inputs import blank
from ..services.reviews import save_review
from ..services.workflow import change_status
from ..statistics_cache import Kept, kept_each
from .core import ApiBlueprint, api_user, authenticated
from .schemas import (
    HistorySchema,
    ProposalPageSchema,
    ProposalPatchSchema,
    ProposalQuerySchema,
    ProposalSchema,
    ProposalWriteSchema,
    ReviewInSchema,
    ReviewSchema,
    SimilarListSchema,
    TransitionSchema,
)

blp = ApiBlueprint("api_proposals", "proposals", "Proposals and their workflow")

PARTIES = (Role.APPLICANT, Role.STAFF, Role.MANAGER)
ID = "<id:proposal_id>"

# Everything ProposalSchema reads, loaded with the proposals (no query per row).
LOADS = (
    selectinload(Proposal.owner),
    selectinload(Proposal.organisation),
    selectinload(Proposal.centre_rows),
    selectinload(Proposal.sdg_rows),
    selectinload(Proposal.experiment).selectinload(Experiment.owner),
)


@blp.route("/proposals", methods=["GET"])
@authenticated(*PARTIES)
@blp.arguments(ProposalQuerySchema, location="query")
@blp.response(200, ProposalPageSchema)
@blp.problems(401, 403)
def list_proposals(query):
    """The proposals this token may see (an applicant's own; staff all), one page."""
    f = ProposalFilter(
        status=query["status"],
        proposer_type=query.get("proposer_type"),
        service_area=query.get("service_area"),
        year=query.get("year"),
        q=query.get("q"),
        sort=query.get("sort") or default_sort(query.get("q")),
    )
    chosen = proposal_page_ids(
        access.visible_proposals(api_user()), f, query["page"], query["per_page"]
    )
    return replace(chosen, items=dumped_proposals(chosen.items))


# A page's items, each dumped once per generation and language (its JSON is the same for
# everyone who may see it; who may is decided by the ids chosen). About 3 KB each.
_dumped = Kept(2000)


def dumped_proposals(ids: Sequence[int]) -> list[dict[str, Any]]:
    """The proposals of these ids as ProposalSchema dumps them, in this order."""

    def dump(missing: Sequence[int]) -> dict[int, dict[str, Any]]:
        loaded = db.session.scalars(
            select(Proposal).where(Proposal.id.in_(missing)).options(*LOADS)
        )
        schema = ProposalSchema()
        return {proposal.id: schema.dump(proposal) for proposal in loaded}

    return kept_each(("api-proposal", str(get_locale())), ids, dump, kept=_dumped)


@blp.route("/proposals", methods=["POST"])
@authenticated(Role.APPLICANT)
@blp.arguments(ProposalWriteSchema)
@blp.response(
    201,
    ProposalSchema,
    headers={
        "Location": {"description": "The new proposal", "schema": {"type": "string"}},
    },
)
@blp.problems(
    401,
    403,
    409,
    because={
        409: "The calls refuse the draft (errors name call_id): no call with this id, a "
        "closed one, or, without call_id, not exactly one open call.",
    },
)
def create_proposal(values):
    """Create a draft; call_id may be left out while exactly one call is open."""
    proposal = proposal_service.create_draft(api_user(), values)
    location = url_for(".get_proposal", proposal_id=proposal.id)
    return proposal, 201, {"Location": location}


@blp.route(f"/proposals/{ID}", methods=["GET"])
@authenticated(*PARTIES)
@blp.response(200, ProposalSchema)
@blp.problems(401, 403, 404)
def get_proposal(proposal_id: int):
    """The proposal, if this token may see it (otherwise 404, as if it did not exist)."""
    return access.proposal_or_404(proposal_id, api_user())


@blp.route(f"/proposals/{ID}", methods=["PATCH"])
@authenticated(Role.APPLICANT)
@blp.arguments(ProposalPatchSchema)
@blp.response(200, ProposalSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    because={
        409: "The proposal refuses the edit: it is no longer a draft or awaiting more "
        "information, the version is stale, or (errors name the field) the call is not "
        "there or closed, the proposal's resident proposer takes no organisation, or its "
        "organisation takes no resident proposer.",
    },
)
def update_proposal(values, proposal_id: int):
    """Change the content of an own draft (or a proposal awaiting more information)."""
    proposal = access.proposal_or_404(proposal_id, api_user())
    version = values.pop("version")
    proposal_service.update_content(proposal, api_user(), version, values)
    return proposal


@blp.route(f"/proposals/{ID}/transitions", methods=["POST"])
@authenticated(*PARTIES)
@blp.arguments(TransitionSchema)
@blp.response(200, ProposalSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    because={
        403: "The role may not make this move of the table.",
        409: "The proposal refuses the move: the table has no such move from its state, the "
        "version is stale, or (errors name the fields) the stored data refuses a value: "
        "the proposal is incomplete, the year's budget is short or missing, the owner is "
        "no active staff member, the pilot would end before it started, an answer only "
        "after a question.",
    },
)
def move_proposal(body, proposal_id: int):
    """Move the proposal as the workflow table allows.

    The body's schema lists, per target state, the fields the move takes and requires;
    others are refused with 422, as is a planned end not after the start or more than 24
    months later.
    """
    user = api_user()
    proposal = access.proposal_or_404(proposal_id, user)
    target, version = body.pop("to"), body.pop("version")
    edge = lifecycle.transition(proposal.status, target)
    if edge is not None and lifecycle.may_take(edge, user.role, proposal.owner_id == user.id):
        # The body suits some move into the target (the schema checked); the state the
        # proposal is in may still take other fields (only an answer after a question).
        states = {"source": status_label(edge.source), "target": status_label(edge.target)}
        extra = _("From “%(source)s” the move to “%(target)s” does not take this field.", **states)
        needed = _("From “%(source)s” the move to “%(target)s” needs this field.", **states)
        conflicts = {}
        for name in lifecycle.MOVE_FIELDS:
            given = not blank(body.get(name))
            if given and name not in edge.fields:
                conflicts[name] = [extra]
            elif not given and name in edge.requires:
                conflicts[name] = [needed]
        if conflicts:
            raise FieldConflict(conflicts)
    change_status(proposal, target, user, version, **body)
    return proposal


@blp.route(f"/proposals/{ID}/history", methods=["GET"])
@authenticated(*PARTIES)
@blp.response(200, HistorySchema)
@blp.problems(401, 403, 404)
def proposal_history(proposal_id: int):
    """Every move of the proposal, oldest first (creating the draft is not a move)."""
    proposal = access.proposal_or_404(proposal_id, api_user())
    moves = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.proposal_id == proposal.id)
        .options(selectinload(StatusChange.actor))
        .order_by(StatusChange.id)
    ).all()
    return {"items": moves}


@blp.route(f"/proposals/{ID}/review", methods=["PUT"])
@authenticated(Role.STAFF, Role.MANAGER)
@blp.arguments(ReviewInSchema)
@blp.response(200, ReviewSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    because={
        403: "The role may not review, or the reviewer has a conflict of interest with the "
        "proposal (declared, or they proposed it).",
        409: "Proposals are reviewed only while they are being screened.",
    },
)
def put_review(scores, proposal_id: int):
    """Create or replace this reviewer's own screening scores (1–5) and comment."""
    user = api_user()
    proposal = access.proposal_or_404(proposal_id, user)
    comment = scores.pop("comment", "") or ""
    review: Review = save_review(proposal, user, scores, comment)
    return review


@blp.route(f"/proposals/{ID}/similar", methods=["GET"])
@authenticated(Role.STAFF, Role.MANAGER)
@blp.response(200, SimilarListSchema)
@blp.problems(401, 403, 404)
def similar_proposals(proposal_id: int):
    """The other proposals and experiments most like this one, the most similar first:
    possible duplicates, the same idea from another year, earlier pilots."""
    proposal = access.proposal_or_404(proposal_id, api_user())
    found = similar_to_proposal(proposal.id)
    return {
        "items": [
            {"id": s.proposal_id, "title": s.title, "status": s.status, "score": s.score}
            for s in found
        ]
    }
