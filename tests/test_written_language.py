"""What people write is shown as written, marked with its language (WCAG 2.1, 3.1.2).

A Swedish proposal read by Finnish-speaking staff, and a Finnish question read by a Swedish
applicant, each carry their own lang so that screen readers switch pronunciation.
"""

import json
import re

from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Proposal, StatusChange, User
from tests import builders


def _call_id(app):
    with app.app_context():
        return db.session.scalar(select(Call.id))


def _proposal_form(call_id, **overrides):
    data = {
        "call_id": str(call_id),
        "title": "Lånerobot för biblioteket",
        "summary": "En robot lånar ut böcker.",
        "need": "Långa köer.",
        "proposer_type": "resident",
        "service_area": "culture_sport",
        "city_centres": ["tapiola"],
        "requested_budget": "12500",
        "planned_duration_months": "6",
        "sdgs": ["4"],
    }
    data.update(overrides)
    return data


def _set_locale(app, user_id, locale):
    with app.app_context():
        db.session.get(User, user_id).locale = locale
        db.session.commit()


def _element_with(text: str, page: str) -> str:
    """The opening tag of the element whose content starts with text."""
    match = re.search(r"<(\w+)([^<>]*)>\s*" + re.escape(text), page)
    assert match, f"{text!r} not on the page"
    return match.group(0)


def test_the_form_offers_each_language_named_in_itself_and_defaults_to_the_users(
    app, client, auth, people, programme
):
    _set_locale(app, people["applicant"], "sv")
    auth.login("applicant")
    page = client.get("/proposals/new").text
    assert '<option lang="sv" selected value="sv">Svenska</option>' in page
    assert '<option lang="fi" value="fi">Suomi</option>' in page
    assert '<option lang="en" value="en">English</option>' in page


def test_a_swedish_proposal_is_marked_sv_on_a_finnish_page(app, client, auth, people, programme):
    _set_locale(app, people["applicant"], "sv")
    auth.login("applicant")
    response = client.post("/proposals/new", data=_proposal_form(_call_id(app)))
    assert response.status_code == 302, response.text
    proposal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).language == "sv"
    client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={"submitted-to": "submitted", "submitted-version": "1"},
    )
    auth.logout()

    _set_locale(app, people["staff"], "fi")
    auth.login("staff")
    page = client.get(f"/proposals/{proposal_id}").text
    assert '<html lang="fi">' in page
    assert '<h1 lang="sv">Lånerobot för biblioteket</h1>' in page
    assert 'lang="sv">En robot lånar ut böcker.' in page
    assert 'lang="sv">Långa köer.' in page
    queue = client.get("/screening").text
    assert 'lang="sv">Lånerobot för biblioteket</a>' in queue

    # The staff's question is Finnish; the Swedish applicant reads it marked so.
    response = client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "2"},
    )
    response = client.post(
        f"/proposals/{proposal_id}/moves/more_info",
        data={
            "more_info-to": "more_info",
            "more_info-version": "3",
            "more_info-question": "Mikä kirjasto?",
        },
    )
    assert response.status_code == 303, response.text
    auth.logout()
    auth.login("applicant")
    page = client.get(f"/proposals/{proposal_id}").text
    assert '<html lang="sv">' in page
    assert _element_with("Mikä kirjasto?", page).endswith(' lang="fi">Mikä kirjasto?')
    with app.app_context():
        question = db.session.scalar(
            select(StatusChange).where(
                StatusChange.proposal_id == proposal_id, StatusChange.to_status == Status.MORE_INFO
            )
        )
        assert question.language == "fi"


def test_an_untitled_draft_shows_the_fallback_in_the_pages_language(
    app, client, auth, people, programme
):
    auth.login("applicant")
    response = client.post("/proposals/new", data={"call_id": str(_call_id(app)), "language": "sv"})
    assert response.status_code == 302, response.text
    page = client.get(response.headers["Location"] + "?lang=en").text
    assert "<h1>Untitled proposal</h1>" in page


def test_an_unknown_language_is_refused_and_nothing_is_saved(app, client, auth, people, programme):
    auth.login("applicant")
    response = client.post("/proposals/new", data=_proposal_form(_call_id(app), language="de"))
    assert response.status_code == 422
    assert "Unknown value “de”; choose one of: fi, sv, en." in response.text
    with app.app_context():
        assert db.session.scalar(select(Proposal.id)) is None


def test_editing_changes_the_language(app, client, auth, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, language="fi")
    auth.login("applicant")
    form = client.get(f"/proposals/{proposal_id}/edit").text
    assert '<option lang="fi" selected value="fi">Suomi</option>' in form
    response = client.post(
        f"/proposals/{proposal_id}/edit",
        data=_proposal_form(_call_id(app), language="en", version="1", title="Robot lender"),
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).language == "en"


def test_the_catalogue_and_open_data_carry_the_language(app, client, people, programme):
    with app.app_context():
        builders.make_proposal(
            people["applicant"],
            programme,
            status=Status.PILOT,
            title="Lånerobot",
            summary="En robot.",
            language="sv",
        )
    page = client.get("/experiments?lang=fi").text
    assert 'lang="sv">Lånerobot</a>' in page
    assert '<p lang="sv">En robot.</p>' in page
    item = json.loads(client.get("/experiments/open-data.json").text)["items"][0]
    assert item["language"] == "sv"
    public = client.get("/api/v1/public/experiments").get_json()["items"][0]
    assert public["language"] == "sv"


def test_the_api_takes_and_gives_the_language(api, programme):
    created = api.post("/proposals", "applicant", json={"title": "Robot lender", "language": "en"})
    assert created.status_code == 201, created.text
    assert created.get_json()["language"] == "en"
    refused = api.post("/proposals", "applicant", json={"title": "Robot", "language": "de"})
    assert refused.status_code == 422
    assert "language" in refused.get_json()["errors"]
