"""The statistics dashboard: the figures of the statistics registry, public for everyone, more
for staff and managers; invalid choices never a 500."""

import re
from datetime import date

import pytest
from flask_babel import format_decimal
from sqlalchemy import select

from experiments.demo.storyline import load_demo
from experiments.demo.users import DEMO_USERS
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Call, Experiment, Participation, Programme, Proposal, User
from experiments.statistics import DIGITAL_AGENDA, programme_statistics
from tests import builders


@pytest.fixture
def loaded(app):
    """The demo programme (demo users made first: argon2 is slow on purpose)."""
    with app.app_context():
        for email, name, role, _password in DEMO_USERS:
            builders.make_user(role, email=email, name=name)
        load_demo()
        return db.session.scalar(select(Programme.id).where(Programme.name == DIGITAL_AGENDA))


def _login(client, email):
    return client.post("/login", data={"email": email, "password": builders.PASSWORD})


def test_anonymous_sees_the_digital_agenda_by_default(app, client, loaded):
    page = client.get("/statistics")
    assert page.status_code == 200
    with app.test_request_context():
        stats = programme_statistics(loaded)
        numbers = [
            format_decimal(n)
            for n in (
                stats.proposals,
                stats.carried_out,
                stats.adopted,
                stats.discontinued,
                stats.participants["residents_customers"],
                stats.participants["employees"],
                stats.participants["companies_communities"],
                stats.partner_organisations,
            )
        ]
    assert "Digital Agenda 2015–2021" in page.text
    headline = page.text.split('<ul class="tiles">')[1].split("</ul>")[0]
    for number in numbers:
        assert f'<span class="tile-value">{number}</span>' in headline
    assert "€250,000.00 a year" in headline
    assert '<svg class="svg-chart funnel" id="funnel-chart" role="img"' in page.text


def test_the_page_has_no_personal_data_and_no_inline_styles(client, loaded, app):
    page = client.get("/statistics").text
    with app.app_context():
        names = db.session.scalars(select(User.name)).all()
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", page)
    assert not [name for name in names if name in page]
    assert 'style="' not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    assert "charts.min.css" in page and "css/charts.css" in page


def test_anonymous_gets_no_call_filter_and_no_exports(client, loaded, app):
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.programme_id == loaded))
    page = client.get(f"/statistics?programme={loaded}&call={call_id}").text
    assert 'name="call"' not in page
    assert "/exports/" not in page
    # The call argument is ignored: the whole programme is shown.
    with app.app_context():
        total = programme_statistics(loaded).proposals
    assert f'<span class="tile-value">{total}</span>' in page


def test_staff_narrow_to_a_call_managers_get_exports(client, loaded, app):
    with app.app_context():
        call_id, title = db.session.execute(
            select(Call.id, Call.title).where(Call.programme_id == loaded).order_by(Call.id)
        ).first()
        in_call = programme_statistics(loaded, call_id=call_id).proposals
    _login(client, "staff@kokeilu.example")
    page = client.get(f"/statistics?programme={loaded}&call={call_id}&lang=en").text
    assert 'name="call"' in page and title in page
    assert f'<span class="tile-value">{in_call}</span>' in page
    assert "/exports/" not in page
    client.post("/logout")
    _login(client, "manager@kokeilu.example")
    page = client.get(f"/statistics?programme={loaded}&call={call_id}").text
    assert f"/exports/statistics.csv?programme={loaded}&amp;call={call_id}" in page
    assert f"/exports/proposals.xlsx?programme={loaded}" in page


def test_year_filter_and_invalid_choices(client, loaded, app):
    with app.app_context():
        in_2016 = programme_statistics(loaded, year=2016).proposals
    page = client.get(f"/statistics?programme={loaded}&year=2016").text
    assert "proposals submitted in 2016" in page
    assert f'<span class="tile-value">{in_2016}</span>' in page
    # A year outside the programme, or not a number, shows the whole programme.
    for year in ("1999", "abc", "-1", "99999999999999999999"):
        response = client.get(f"/statistics?programme={loaded}&year={year}")
        assert response.status_code == 200
        assert "proposals submitted in" not in response.text
    assert client.get("/statistics?programme=999999").status_code == 404
    assert client.get("/statistics?programme=abc").status_code == 200


def test_staff_asking_for_a_call_of_another_programme_get_404(client, app, people):
    with app.app_context():
        first, second = builders.make_programme(), builders.make_programme()
        other_call = db.session.scalar(select(Call.id).where(Call.programme_id == second))
    _login(client, "staff@test.example")
    assert client.get(f"/statistics?programme={first}&call={other_call}").status_code == 404
    assert client.get(f"/statistics?programme={first}&call=x").status_code == 200


def test_without_programmes(client):
    page = client.get("/statistics")
    assert page.status_code == 200
    assert "There are no programmes yet." in page.text


def test_first_programme_when_there_is_no_digital_agenda(client, app, people):
    with app.app_context():
        programme_id = builders.make_programme()
        owner = db.session.scalar(select(User.id).where(User.email == "applicant@test.example"))
        proposal_id = builders.make_proposal(owner, programme_id, status=Status.ADOPTED)
        experiment = db.session.scalar(
            select(Experiment).where(Experiment.proposal_id == proposal_id)
        )
        db.session.add(
            Participation(
                experiment_id=experiment.id, date=date(2020, 1, 1), category="employees", count=7
            )
        )
        db.session.commit()
        name = db.session.get(Programme, programme_id).name
        assert db.session.get(Proposal, proposal_id).status == Status.ADOPTED
    page = client.get("/statistics").text
    assert name in page
    assert (
        '<span class="tile-value">7</span> <span class="tile-label">City employees involved</span>'
        in page
    )


def test_every_route_of_the_area_declares_who_may_use_it(app):
    from experiments.views import catalogue, exports, statistics

    for module in (statistics, catalogue, exports):
        for name, view in app.view_functions.items():
            if name.startswith(module.bp.name + "."):
                assert getattr(view, "allowed", None), name
    assert app.view_functions["exports.proposals_csv"].allowed == (Role.MANAGER,)
