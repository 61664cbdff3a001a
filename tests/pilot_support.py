"""Helpers shared by the pilot, evaluation, permission and full-run tests."""

from sqlalchemy import func, select
from stdnum.fi import ytunnus

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal
from tests import builders


def login(auth, client, who: str) -> None:
    auth.logout()
    auth.login(who)


def make_pilot(
    app,
    owner_id: int,
    programme_id: int,
    status=Status.PILOT,
    experiment_owner_id: int | None = None,
) -> tuple[int, int]:
    """A proposal placed in a state from pilot on; (proposal id, experiment id)."""
    with app.app_context():
        proposal_id = builders.make_proposal(
            owner_id, programme_id, status=status, experiment_owner_id=experiment_owner_id
        )
        return proposal_id, db.session.get(Proposal, proposal_id).experiment.id


def business_id(base: int) -> str:
    """A valid Finnish business ID (Y-tunnus) near the 7-digit base."""
    for number in range(base, base + 100):
        for check in range(10):
            candidate = f"{number:07d}-{check}"
            if ytunnus.is_valid(candidate):
                return candidate
    raise AssertionError("no valid business ID found")


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))
