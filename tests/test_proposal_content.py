"""The proposal service decides what a proposal's content may be: called directly it refuses
every wrong field at once, and the page and the API show its messages."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from experiments.errors import FieldConflict, Invalid
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Organisation, Proposal, User
from experiments.services import expenses, partners
from experiments.services import proposals as proposal_service
from tests import builders
from tests.test_proposals import _call_id, _form

BAD_BUSINESS_ID = "1234567-8"  # the check digit is wrong
RESIDENT = "A resident proposes without an organisation."


def _count(model=Proposal) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def applicant(ctx, people):
    return db.session.get(User, people["applicant"])


# Called directly.


def test_the_service_refuses_every_wrong_field_at_once(applicant, programme):
    with pytest.raises(Invalid) as refused:
        proposal_service.create_draft(
            applicant,
            {
                "language": "de",
                "title": "x" * 201,
                "summary": "s" * 2001,
                "need": "Bad\x0bcharacter",
                "proposer_type": "resident",
                "organisation": {"name": "Robotics Oy", "business_id": BAD_BUSINESS_ID},
                "service_area": "space",
                "city_centres": ["tapiola", "moon"],
                "sdgs": [11, 0, 18],
                "requested_budget": Decimal("100.123"),
                "planned_duration_months": 25,
                "partners": [
                    {"name": "", "business_id": "", "type": "company"},  # a row left empty
                    {"name": "Aalto", "business_id": "123", "type": "research"},
                ],
            },
        )
    assert not isinstance(refused.value, FieldConflict)
    assert refused.value.errors == {
        "language": ["Unknown value “de”; choose one of: fi, sv, en."],
        "title": ["At most 200 characters."],
        "summary": ["At most 2000 characters."],
        "need": ["Remove the invisible control characters from the text."],
        "organisation": [RESIDENT],
        "organisation.business_id": [
            "Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9."
        ],
        "service_area": [
            "Unknown value “space”; choose one of: education, health_social, mobility, "
            "environment_climate, urban_planning_construction, culture_sport, "
            "business_employment, administration_digital, other."
        ],
        "city_centres.1": [
            "Unknown value “moon”; choose one of: espoon_keskus, espoonlahti, leppavaara, "
            "matinkyla_olari, tapiola, city_wide."
        ],
        "sdgs.1": ["Give a whole number from 1 to 17."],
        "sdgs.2": ["Give a whole number from 1 to 17."],
        "requested_budget": ["Use at most two decimals (cents)."],
        "planned_duration_months": ["Give a whole number from 1 to 24."],
        "partners.1.business_id": ["Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9."],
    }
    db.session.rollback()
    assert _count() == 0
    assert _count(Organisation) == 0


@pytest.mark.parametrize(
    "values, errors",
    [
        ({"title": "ab"}, {"title": ["Use at least 3 characters."]}),
        ({"title": "   "}, {"title": ["Use at least 3 characters."]}),
        ({"title": "Two\nlines"}, {"title": ["Write this on one line, without line breaks."]}),
        ({"requested_budget": "-1"}, {"requested_budget": ["The amount may not be negative."]}),
        (
            {"requested_budget": "10000000.01"},
            {"requested_budget": ["The amount may be at most 10 000 000 euros."]},
        ),
        (
            {"requested_budget": "NaN"},
            {"requested_budget": ["Enter an amount in euros, e.g. 12500 or 12500.50."]},
        ),
        (
            {"planned_duration_months": 0},
            {"planned_duration_months": ["Give a whole number from 1 to 24."]},
        ),
        ({"city_centres": "tapiola"}, {"city_centres": ["Choose from the list."]}),
        ({"sdgs": list(range(41))}, {"sdgs": ["Give at most 40 items."]}),
        ({"call_id": 0}, {"call_id": ["Choose a call from the list."]}),
        ({"call_id": 2**31}, {"call_id": ["Choose a call from the list."]}),
        (
            {"organisation": {"name": " ", "type": "shop"}},
            {
                "organisation.name": ["Name the organisation."],
                "organisation.type": [
                    "Unknown value “shop”; choose one of: company, community, research, "
                    "education, public."
                ],
            },
        ),
        (
            {"partners": [{"name": "", "business_id": "0112038-9", "type": "company"}]},
            {"partners.0.name": ["Name the organisation."]},
        ),
    ],
)
def test_the_service_refuses_a_wrong_field(applicant, programme, values, errors):
    with pytest.raises(Invalid) as refused:
        proposal_service.create_draft(applicant, values)
    assert refused.value.errors == errors
    db.session.rollback()
    assert _count() == 0


def test_the_service_keeps_what_it_accepts_as_it_stores_it(applicant, programme):
    draft = proposal_service.create_draft(
        applicant,
        {
            "title": "  Snow robot  ",
            "summary": "   ",
            "proposer_type": "research",
            "organisation": {"name": " Aalto Oy ", "business_id": "0112038-9"},
            "city_centres": ["tapiola", "tapiola"],
            "sdgs": [11, "9"],
            "requested_budget": -0.0,
            "planned_duration_months": "6",
        },
    )
    assert (draft.title, draft.summary, draft.requested_budget) == ("Snow robot", None, 0)
    assert str(draft.requested_budget) == "0.00"
    assert (draft.city_centres, sorted(draft.sdgs), draft.planned_duration_months) == (
        ["tapiola"],
        [9, 11],
        6,
    )
    # The organisation's type follows the proposer's, unless given.
    assert (draft.organisation.name, draft.organisation.type) == ("Aalto Oy", "research")


def test_a_stored_resident_proposer_takes_no_organisation(applicant, programme):
    proposal = db.session.get(
        Proposal,
        builders.make_proposal(applicant.id, programme, proposer_type="resident"),
    )
    proposal.organisation = None
    db.session.commit()
    with pytest.raises(FieldConflict) as refused:
        proposal_service.update_content(
            proposal, applicant, proposal.version, {"organisation": {"name": "Robotics Oy"}}
        )
    assert refused.value.errors == {"organisation": [RESIDENT]}
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).organisation is None


def test_a_stored_organisation_takes_no_resident_proposer(applicant, programme):
    proposal = db.session.get(Proposal, builders.make_proposal(applicant.id, programme))
    with pytest.raises(FieldConflict) as refused:
        proposal_service.update_content(
            proposal, applicant, proposal.version, {"proposer_type": "resident"}
        )
    assert refused.value.errors == {"proposer_type": [RESIDENT]}
    # Named together with the organisation's removal, the change is the applicant's to make.
    proposal_service.update_content(
        proposal,
        applicant,
        proposal.version,
        {"proposer_type": "resident", "organisation": None},
    )
    assert (proposal.proposer_type, proposal.organisation) == ("resident", None)


def test_the_pilot_services_decide_their_money_and_organisations(app, people, programme):
    with app.app_context():
        with pytest.raises(Invalid) as refused:
            expenses.expense_values(
                {"date": "2030-01-01", "amount": "12.345", "description": "Bus"}
            )
        assert refused.value.errors == {"amount": ["Use at most two decimals (cents)."]}
        with pytest.raises(Invalid) as refused:
            partners.partner_values(
                {
                    "role": "partner",
                    "organisation": {
                        "name": "X",
                        "type": "company",
                        "business_id": BAD_BUSINESS_ID,
                    },
                }
            )
        assert refused.value.errors == {
            "organisation.business_id": [
                "Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9."
            ]
        }


# The page and the API say what the service says.

SAME_MESSAGE = [
    ("title", "x" * 201, "title", "title", "At most 200 characters."),
    (
        "requested_budget",
        "100.123",
        "requested_budget",
        "requested_budget",
        "Use at most two decimals (cents).",
    ),
    (
        "requested_budget",
        "20000000",
        "requested_budget",
        "requested_budget",
        "The amount may be at most 10 000 000 euros.",
    ),
    (
        "organisation_business_id",
        BAD_BUSINESS_ID,
        "organisation",
        "organisation.business_id",
        "Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9.",
    ),
]


@pytest.mark.parametrize("page_field, value, api_field, key, message", SAME_MESSAGE)
def test_page_and_api_show_the_services_message(
    app, client, auth, api, programme, page_field, value, api_field, key, message
):
    auth.login("applicant")
    page = client.post(
        "/proposals/new", data=_form(_call_id(app, programme), **{page_field: value})
    )
    assert page.status_code == 422
    assert f'<p class="field-error" id="{page_field}-error">{message}</p>' in page.text
    body = (
        {api_field: {"name": "Robotics Oy", "business_id": value}}
        if key.startswith("organisation")
        else {api_field: value}
    )
    response = api.post("/proposals", "applicant", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {key: [message]}


def test_page_and_api_refuse_a_resident_with_an_organisation(app, client, auth, api, programme):
    auth.login("applicant")
    data = _form(_call_id(app, programme), proposer_type="resident")
    page = client.post("/proposals/new", data=data)
    assert page.status_code == 422
    assert f'<p class="field-error" id="organisation_name-error">{RESIDENT}</p>' in page.text
    body = {"proposer_type": "resident", "organisation": {"name": "Robotics Oy"}}
    response = api.post("/proposals", "applicant", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"organisation": [RESIDENT]}


def test_the_page_names_a_partner_rows_fault_on_that_row(app, client, auth, programme):
    auth.login("applicant")
    data = _form(
        _call_id(app, programme),
        **{"partners-1-name": "", "partners-1-business_id": "0112038-9"},
    )
    page = client.post("/proposals/new", data=data)
    assert page.status_code == 422
    assert 'href="#partners-1-name"' in page.text
    assert '<p class="field-error" id="partners-1-name-error">Name the organisation.</p>' in (
        page.text
    )


def test_the_page_shows_its_own_and_the_services_messages_at_once(app, client, auth, programme):
    auth.login("applicant")
    data = _form(_call_id(app, programme), title="ab", requested_budget="lots", sdgs=["5", "99"])
    page = client.post("/proposals/new", data=data)
    assert page.status_code == 422
    assert "Not a valid decimal value." in page.text  # the form could not read it
    assert '<p class="field-error" id="title-error">Use at least 3 characters.</p>' in page.text
    assert "Give a whole number from 1 to 17." in page.text
    with app.app_context():
        assert _count() == 0


def test_the_api_names_the_schemas_and_the_services_refusals_at_once(api, programme):
    body = {
        "title": "ab",
        "confidential_need": "yes",
        "organisation": {"name": "Robotics Oy", "business_id": "1"},
        "city_centres": ["moon"],
    }
    response = api.post("/proposals", "applicant", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {
        "title",
        "confidential_need",
        "organisation.business_id",
        "city_centres.0",
    }


def test_a_pilot_record_refused_by_both_names_every_field(api, people, programme, app):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.PILOT, experiment_owner_id=people["staff"]
        )
        experiment_id = db.session.get(Proposal, proposal_id).experiment.id
    body = {"date": "not a date", "amount": "12.345", "description": " "}
    response = api.post(f"/experiments/{experiment_id}/expenses", "staff", json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["amount"] == ["Use at most two decimals (cents)."]
    assert errors["description"] == ["Describe the expense."]
    assert set(errors) == {"date", "amount", "description"}
