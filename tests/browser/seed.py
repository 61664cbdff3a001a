"""The data the browser tests see: the demo, one user per role and a proposal in every state."""

from datetime import date

from experiments.demo.storyline import load_demo
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Feedback, Proposal, Risk
from tests import builders

PEOPLE = ("applicant", "staff", "manager", "admin")


def email(who: str) -> str:
    return f"{who}@browser.example"


def seed() -> dict:
    """Fill an empty database; returns ids: people by name, proposals by status, and extras."""
    load_demo()
    ids: dict = {"people": {}, "proposals": {}}
    for who in PEOPLE:
        ids["people"][who] = builders.make_user(
            Role(who), email=email(who), name=f"{who.title()} Testaaja", locale="fi"
        )
    # The keyboard walkthrough's own staff member: signing out ends a user's every session.
    ids["people"]["keyboard-staff"] = builders.make_user(
        Role.STAFF, email=email("keyboard-staff"), name="Kaisa Näppäimistö", locale="fi"
    )
    programme = builders.make_programme(year=date.today().year)
    applicant = ids["people"]["applicant"]
    for status in Status:
        ids["proposals"][status.value] = builders.make_proposal(
            applicant,
            programme,
            status=status,
            experiment_owner_id=ids["people"]["staff"],
            title=f"Library robot ({status.value.replace('_', ' ')})",
        )
    for status in (Status.EVALUATION, Status.ADOPTED, Status.DISCONTINUED):
        builders.make_evaluation(ids["proposals"][status.value], ids["people"]["staff"])
    pilot = db.session.get(Proposal, ids["proposals"][Status.PILOT.value])
    db.session.add(
        Risk(
            experiment_id=pilot.experiment.id,
            description="Robotti liukastuu jäällä.",
            probability=3,
            impact=4,
            mitigation="Hiekoitus.",
            status="red",
            language="fi",
        )
    )
    # A draft with only a title: submitting it shows the missing fields.
    incomplete = builders.make_proposal(applicant, programme, title="Half-written idea")
    proposal = db.session.get(Proposal, incomplete)
    proposal.summary = proposal.need = proposal.service_area = None
    proposal.requested_budget = proposal.planned_duration_months = None
    ids["incomplete"] = incomplete
    db.session.add(
        Feedback(
            message="The focus is hard to see on the statistics page.",
            page_url="/statistics",
            locale="sv",
        )
    )
    db.session.commit()
    return ids
