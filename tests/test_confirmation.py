"""Moves and removals that cannot be undone ask first, on a page of their own: the first POST
changes nothing and says what will happen; the form sent again from that page does it."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from experiments import lifecycle
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal, StatusChange
from tests import builders

S = Status
# The edges that cannot be taken back, written out a second time (see test_lifecycle).
IRREVERSIBLE = {
    (S.SCREENING, S.PILOT),
    (S.SCREENING, S.REJECTED),
    (S.PILOT, S.EVALUATION),
    (S.PILOT, S.DISCONTINUED),
    (S.EVALUATION, S.ADOPTED),
    (S.EVALUATION, S.DISCONTINUED),
    *((s, S.WITHDRAWN) for s in (S.DRAFT, S.SUBMITTED, S.SCREENING, S.MORE_INFO)),
}
UNDONE = "This cannot be undone."


def _history(app, proposal_id) -> list:
    with app.app_context():
        return db.session.scalars(
            select(StatusChange.to_status).where(StatusChange.proposal_id == proposal_id)
        ).all()


def _status(app, proposal_id) -> Status:
    with app.app_context():
        return db.session.get(Proposal, proposal_id).status


def _confirm_form(html: str, action: str) -> dict:
    """The hidden inputs of the confirmation page's form, as a browser would send them."""
    start = rf'<form method="post" action="{re.escape(action)}"[^>]*>'
    form = re.search(start + r"(.*?)</form>", html, re.S)
    assert form, f"no form posting to {action}"
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(1)):
        name = re.search(r'name="([^"]*)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag, re.S)
        fields[name] = unescape(value.group(1)) if value else ""
    return fields


def test_the_irreversible_edges_say_what_they_do():
    edges = {(t.source, t.target): t for t in lifecycle.TRANSITIONS}
    assert {key for key, t in edges.items() if t.irreversible} == IRREVERSIBLE
    for key, edge in edges.items():
        assert edge.irreversible == bool(edge.consequence.strip()), key
        assert edge.destructive == (edge.target in {S.REJECTED, S.DISCONTINUED, S.WITHDRAWN}), key


def test_a_withdrawal_is_confirmed_on_its_own_page(app, client, auth, programme, people, outbox):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.SUBMITTED)
    auth.login("applicant")
    page = client.get(f"/proposals/{proposal_id}").text
    assert re.search(r'class="button danger-outline"[^>]*>Withdraw</button>', page)
    assert "You are asked to confirm before anything changes." in page

    action = f"/proposals/{proposal_id}/moves/withdrawn"
    reason = 'We found a partner elsewhere & "moved" on.\r\nThanks.'
    response = client.post(
        action,
        data={"withdrawn-to": "withdrawn", "withdrawn-version": "1", "withdrawn-reason": reason},
    )
    assert response.status_code == 200
    text = response.text
    assert "<h1>Confirm: Withdraw</h1>" in text
    assert "Warning:</strong> This cannot be undone." in text
    assert "The proposal is withdrawn and the city stops handling it." in text
    assert re.search(r'class="button danger">Withdraw</button>', text)
    assert f'href="/proposals/{proposal_id}">Go back without changes</a>' in text
    # Nothing has changed, nobody was told.
    assert (_status(app, proposal_id), _history(app, proposal_id), outbox) == (S.SUBMITTED, [], [])

    # The page's form carries what was entered, and the confirmation.
    form = _confirm_form(text, action)
    assert form["withdrawn-reason"] == reason
    assert (form["withdrawn-to"], form["withdrawn-version"]) == ("withdrawn", "1")
    assert form["withdrawn-confirmed"] == "yes"
    response = client.post(action, data=form)
    assert response.status_code == 303
    assert _status(app, proposal_id) == S.WITHDRAWN
    with app.app_context():
        entry = db.session.scalar(select(StatusChange))
        assert entry.reason == reason  # exactly as entered on the first step
    assert len(outbox) == 1


def test_a_rejection_is_checked_then_confirmed(app, client, auth, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.SCREENING)
    auth.login("staff")
    action = f"/proposals/{proposal_id}/moves/rejected"
    data = {"rejected-to": "rejected", "rejected-version": "1", "rejected-reason": ""}
    # A missing reason is said on the proposal page first: no confirmation for an invalid move.
    response = client.post(action, data=data)
    assert response.status_code == 422
    assert UNDONE not in response.text and "This field is required." in response.text

    response = client.post(action, data={**data, "rejected-reason": "Out of scope."})
    assert response.status_code == 200
    assert "The proposal is rejected and its handling ends." in response.text
    assert "<dt>Reason</dt>" in response.text and "Out of scope." in response.text
    assert _status(app, proposal_id) == S.SCREENING
    response = client.post(action, data=_confirm_form(response.text, action))
    assert response.status_code == 303
    assert _history(app, proposal_id) == [S.REJECTED]


def test_a_move_that_can_be_undone_is_made_at_once(app, client, auth, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.SUBMITTED)
    auth.login("staff")
    page = client.get(f"/proposals/{proposal_id}").text
    assert re.search(r'class="button">Start screening</button>', page)
    response = client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "1"},
    )
    assert response.status_code == 303
    assert _history(app, proposal_id) == [S.SCREENING]


def test_a_pilot_start_refused_after_confirming_is_confirmed_again(
    app, client, auth, programme, people
):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.SCREENING)
        start = date(date.today().year, 2, 1)
    auth.login("manager")
    action = f"/proposals/{proposal_id}/moves/pilot"
    data = {
        "pilot-to": "pilot",
        "pilot-version": "1",
        "pilot-allocated_budget": "200 000,00",
        "pilot-start_date": start.isoformat(),
        "pilot-planned_end_date": (start + timedelta(days=120)).isoformat(),
        "pilot-owner_id": str(people["staff"]),
        "pilot-city_unit": "Libraries",
    }
    response = client.post(action, data=data)
    assert response.status_code == 200
    text = response.text
    assert "The proposal becomes a pilot" in text
    assert "€200,000.00" in text and "Staff" in text and "Libraries" in text
    assert re.search(r'class="button">Start a pilot</button>', text)  # not destructive

    form = _confirm_form(text, action)
    assert form["pilot-allocated_budget"] == "200 000,00"  # as written
    # Meanwhile another pilot takes 100,000 of the year's 250,000.
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, status=S.PILOT)
        other = db.session.scalar(select(Proposal).where(Proposal.status == S.PILOT))
        other.experiment.allocated_budget = 100_000
        other.experiment.start_date = start
        builders.commit()
    response = client.post(action, data=form)
    assert response.status_code == 422  # the service refused under the lock: said by the field
    assert "Only €150,000.00 of the" in response.text
    assert 'id="pilot-confirmed" name="pilot-confirmed" type="hidden" value=""' in response.text
    assert _status(app, proposal_id) == S.SCREENING

    # Corrected and sent again, it is confirmed again.
    response = client.post(action, data={**data, "pilot-allocated_budget": "20000"})
    assert response.status_code == 200 and UNDONE in response.text
    response = client.post(action, data=_confirm_form(response.text, action))
    assert response.status_code == 303
    assert _status(app, proposal_id) == S.PILOT


def test_a_move_made_meanwhile_is_said_on_the_proposal_page(app, client, auth, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.SCREENING)
    auth.login("staff")
    action = f"/proposals/{proposal_id}/moves/rejected"
    data = {"rejected-to": "rejected", "rejected-version": "1", "rejected-reason": "No."}
    form = _confirm_form(client.post(action, data=data).text, action)
    with app.app_context():  # someone else asks a question while this page is open
        proposal = db.session.get(Proposal, proposal_id)
        proposal.version += 1
        db.session.commit()
    response = client.post(action, data=form, headers={"Referer": f"http://localhost{action}"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/proposals/{proposal_id}"
    page = client.get(response.headers["Location"]).text
    assert "Someone else changed this proposal while you were editing it." in page
    assert _status(app, proposal_id) == S.SCREENING


def test_opening_the_move_address_leads_to_the_proposal(app, client, auth, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.SCREENING)
        hidden = builders.make_proposal(people["other"], programme)
    auth.login("applicant")
    response = client.get(f"/proposals/{proposal_id}/moves/withdrawn?lang=sv")
    assert (response.status_code, response.headers["Location"]) == (
        303,
        f"/proposals/{proposal_id}",
    )
    assert client.get(f"/proposals/{hidden}/moves/withdrawn").status_code == 404
    assert _status(app, proposal_id) == S.SCREENING


@pytest.mark.parametrize(
    "lang, heading, warning",
    [
        ("fi", "Vahvista: Hylkää", "Tätä ei voi kumota."),
        ("sv", "Bekräfta: Avslå", "Det går inte att ångra."),
        ("en", "Confirm: Reject", UNDONE),
    ],
)
def test_the_confirmation_speaks_the_readers_language(
    app, client, auth, programme, people, lang, heading, warning
):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.SCREENING)
    auth.login("staff")
    response = client.post(
        f"/proposals/{proposal_id}/moves/rejected?lang={lang}",
        data={"rejected-to": "rejected", "rejected-version": "1", "rejected-reason": "Ei."},
    )
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    assert f"<h1>{heading}</h1>" in response.text and warning in response.text


def test_the_confirmation_keeps_the_csrf_check(app, client, auth, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.SCREENING)
    auth.login("staff")
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/proposals/{proposal_id}").text
    token = re.search(r'name="rejected-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    action = f"/proposals/{proposal_id}/moves/rejected"
    data = {
        "rejected-csrf_token": token,
        "rejected-to": "rejected",
        "rejected-version": "1",
        "rejected-reason": "Out of scope.",
    }
    response = client.post(action, data=data)
    assert response.status_code == 200
    form = _confirm_form(response.text, action)
    assert form["rejected-csrf_token"]  # the confirmation page has its own token
    forged = {k: v for k, v in form.items() if k != "rejected-csrf_token"}
    assert client.post(action, data=forged).status_code == 400
    assert _status(app, proposal_id) == S.SCREENING
    assert client.post(action, data=form).status_code == 303
    assert _status(app, proposal_id) == S.REJECTED


def test_the_api_moves_without_a_confirmation_page(app, api, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.SCREENING)
    response = api.post(
        f"/proposals/{proposal_id}/transitions",
        who="staff",
        json={"to": "rejected", "version": 1, "reason": "Out of scope."},
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"


def test_the_history_count_is_unchanged_by_asking(app, client, auth, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=S.EVALUATION)
        builders.make_evaluation(proposal_id, people["staff"])
    auth.login("manager")
    for target, field in (("adopted", "decision"), ("discontinued", "reason")):
        response = client.post(
            f"/proposals/{proposal_id}/moves/{target}",
            data={
                f"{target}-to": target,
                f"{target}-version": "1",
                f"{target}-{field}": "Decided.",
                f"{target}-lessons_learned": "Learnt.",
            },
        )
        assert response.status_code == 200 and UNDONE in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0
        assert db.session.get(Proposal, proposal_id).experiment.decision is None
