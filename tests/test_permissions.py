"""Who may open which page: every route of the proposal, screening and programme areas × role.

login = redirected to the login page; 403 = known but not allowed; 404 = may not see it
(answered exactly as if it did not exist); 200/302/303 = allowed.
"""

import re

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call
from tests import builders

WHO = ("anonymous", "owner", "other", "staff", "manager", "admin")
LOGIN = "login"

# (method, path, expected answer for each of WHO)
ROUTES = [
    ("GET", "/proposals/new", (LOGIN, 200, 200, 403, 403, 403)),
    ("GET", "/proposals/mine", (LOGIN, 200, 200, 403, 403, 403)),
    ("GET", "/proposals/{proposal}", (LOGIN, 200, 404, 200, 200, 404)),
    ("GET", "/proposals/{draft}/edit", (LOGIN, 200, 404, 403, 403, 403)),
    ("POST", "/proposals/{draft}/edit", (LOGIN, 422, 404, 403, 403, 403)),
    ("POST", "/proposals/{proposal}/moves/withdrawn", (LOGIN, 303, 404, 403, 403, 404)),
    ("POST", "/proposals/{proposal}/moves/screening", (LOGIN, 403, 404, 303, 303, 404)),
    ("GET", "/proposals/999999", (LOGIN, 404, 404, 404, 404, 404)),
    ("GET", "/screening", (LOGIN, 403, 403, 200, 200, 403)),
    ("POST", "/screening/start", (LOGIN, 403, 403, 303, 303, 403)),
    # The review form stands on the proposal page: its own address leads there.
    ("GET", "/screening/proposals/{proposal}/review", (LOGIN, 403, 403, 302, 302, 403)),
    ("POST", "/screening/proposals/{proposal}/review", (LOGIN, 403, 403, 422, 422, 403)),
    ("GET", "/screening/proposals/999999/review", (LOGIN, 403, 403, 404, 404, 403)),
    ("GET", "/programmes", (LOGIN, 403, 403, 403, 200, 200)),
    ("GET", "/programmes/new", (LOGIN, 403, 403, 403, 200, 200)),
    ("POST", "/programmes/new", (LOGIN, 403, 403, 403, 422, 422)),
    ("GET", "/programmes/{programme}", (LOGIN, 403, 403, 403, 200, 200)),
    ("GET", "/programmes/{programme}/edit", (LOGIN, 403, 403, 403, 200, 200)),
    ("POST", "/programmes/{programme}/edit", (LOGIN, 403, 403, 403, 422, 422)),
    ("GET", "/programmes/{programme}/calls/new", (LOGIN, 403, 403, 403, 200, 200)),
    ("GET", "/programmes/{programme}/calls/{call}/edit", (LOGIN, 403, 403, 403, 200, 200)),
    ("POST", "/programmes/{programme}/calls/{call}/edit", (LOGIN, 403, 403, 403, 422, 422)),
    ("GET", "/programmes/999999", (LOGIN, 403, 403, 403, 404, 404)),
]

LOGIN_AS = {
    "owner": "applicant",
    "other": "other",
    "staff": "staff",
    "manager": "manager",
    "admin": "admin",
}


def _answer(response):
    """What the page answered, in the table's terms."""
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/login?next="):
        return LOGIN
    return response.status_code


# One test per role, every route in it: a login per role rather than per route keeps the
# matrix quick, and the mismatches are reported together.
@pytest.mark.parametrize("who", WHO)
def test_who_may_open_what(app, client, auth, people, programme, who):
    if who != "anonymous":
        assert auth.login(LOGIN_AS[who]).status_code == 302
    column = WHO.index(who)
    wrong = []
    for method, path, answers in ROUTES:
        with app.app_context():  # fresh rows per route: a move that succeeds changes them
            ids = {
                "programme": programme,
                "call": db.session.scalar(select(Call.id).where(Call.programme_id == programme)),
                "draft": builders.make_proposal(people["applicant"], programme),
                "proposal": builders.make_proposal(
                    people["applicant"], programme, status=Status.SUBMITTED
                ),
            }
        url = path.format(**ids)
        target = url.rsplit("/", 1)[1]
        # Posted forms carry only a move's own fields, confirmed (as from the confirmation
        # page of a move that cannot be undone): enough to get past the guards.
        data = (
            {f"{target}-to": target, f"{target}-version": "1", f"{target}-confirmed": "yes"}
            if "/moves/" in url
            else {}
        )
        answer = _answer(client.open(url, method=method, data=data))
        if answer != answers[column]:
            wrong.append(f"{method} {path}: {answer}, expected {answers[column]}")
    assert wrong == []


def test_404_looks_the_same_for_missing_and_hidden(app, client, auth, people, programme):
    with app.app_context():
        hidden = builders.make_proposal(people["applicant"], programme)
    auth.login("other")
    client.get("/")  # shows the welcome message, which would differ between the two pages
    missing = client.get("/proposals/999999")
    seen = client.get(f"/proposals/{hidden}")
    assert missing.status_code == seen.status_code == 404

    def page(response, proposal_id):
        # The CSRF token of the sign-out form is signed with the time of the request.
        text = re.sub(r'name="csrf_token" value="[^"]*"', "", response.text)
        return text.replace(f"/proposals/{proposal_id}", "/proposals/X")

    assert page(missing, 999999) == page(seen, hidden)
