"""Public pages kept for anonymous readers per data generation: a repeat costs one statement,
any write shows at once, languages never mix, 304 for a repeat visit, and nothing of a
signed-in person or a session (CSRF tokens, flashed messages, cookies) is ever kept."""

import re
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime

import pytest
from flask import flash, render_template_string
from sqlalchemy import select

from experiments import page_cache
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Attachment, Call, Experiment, Proposal, User
from experiments.models.statistics_generation import StatisticsGeneration
from experiments.services.workflow import change_status
from tests import builders, files
from tests.clock import HELSINKI
from tests.test_query_counts_pages import counting

PUBLIC = (
    "/",
    "/statistics",
    "/experiments",
    "/experiments?status=adopted&sort=-start_date",
    "/experiments/{experiment}",
    "/experiments/open-data",
    "/experiments/open-data.csv",
    "/experiments/open-data.json",
    "/experiments.atom",
    "/calls.ics",
    "/experiments/open-data.ttl",
    "/experiments/open-data.jsonld",
    "/api/v1/public/experiments",
    "/api/v1/public/experiments?status=adopted&per_page=5",
    "/api/v1/public/experiments/similar?text=Snow+robot",
)


@pytest.fixture
def shown(app, people, programme):
    """An adopted experiment and a running pilot (owned by staff): (proposal, experiment)."""
    with app.app_context():
        made = {}
        for name, status in (("adopted", Status.ADOPTED), ("pilot", Status.PILOT)):
            proposal_id = builders.make_proposal(
                people["applicant"],
                programme,
                status=status,
                experiment_owner_id=people["staff"],
                title=f"Snow robot {name}",
            )
            made[name] = (proposal_id, db.session.get(Proposal, proposal_id).experiment.id)
        return made


def _path(path, shown):
    return path.format(experiment=shown["adopted"][1])


def _get(app, client, path, **headers):
    """The response and the number of statements it cost."""
    with counting(app) as statements:
        response = client.get(path, headers=headers)
        response.get_data()  # a streamed body is made as it is read
    return response, len(statements)


def _kept(app, client, path, **headers):
    """Ask twice: the second answer comes from the cache (one statement) and is the same."""
    first, _ = _get(app, client, path, **headers)
    assert first.status_code == 200, first.text[:300]
    again, statements = _get(app, client, path, **headers)
    assert statements <= 1, path
    assert again.status_code == 200 and again.data == first.data
    return again


def _stored(app) -> list[bytes]:
    return page_cache.store(app).bodies()


@pytest.mark.parametrize("path", PUBLIC)
def test_a_repeat_is_answered_from_the_cache_with_one_statement(app, client, shown, path):
    path = _path(path, shown)
    first = client.get(path)
    again = _kept(app, client, path)
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers.get("Content-Disposition") == first.headers.get("Content-Disposition")
    assert again.headers.get("Link") == first.headers.get("Link")
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["ETag"].startswith('W/"')
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert again.headers["Cache-Control"].endswith("max-age=0, must-revalidate")
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in again.headers["Vary"].split(",")}
    # Headers made for each response are made again, not kept.
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert again.headers["Content-Security-Policy"]


def test_a_cookieless_reader_may_share_the_page_a_session_keeps_it_private(app, client, shown):
    assert _kept(app, client, "/experiments").headers["Cache-Control"] == (
        "public, max-age=0, must-revalidate"
    )
    client.get("/experiments?lang=en")  # the visit's language is kept in the session
    assert client.get("/experiments").headers["Cache-Control"] == (
        "private, max-age=0, must-revalidate"
    )


def test_the_query_string_is_part_of_the_key(app, client, shown):
    adopted = _kept(app, client, "/experiments?status=adopted").text
    pilots = _kept(app, client, "/experiments?status=pilot").text
    assert "Snow robot adopted" in adopted and "Snow robot pilot" not in adopted
    assert "Snow robot pilot" in pilots and "Snow robot adopted" not in pilots


def _call_form(call, **changes):
    data = {
        "title": call.title,
        "description": call.description or "A call.",
        "opens_on": call.opens_on.isoformat(),
        "closes_on": call.closes_on.isoformat(),
        **{
            f"weight_{c}": "1"
            for c in ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")
        },
    }
    return data | changes


def test_a_call_saved_on_its_form_shows_at_once(app, client, auth, shown, programme):
    for path in ("/", "/calls.ics"):
        _kept(app, client, path)
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.programme_id == programme))
        form, url = (
            _call_form(call, title="Call for snow"),
            (f"/programmes/{programme}/calls/{call.id}/edit"),
        )
    manager = app.test_client()
    manager.post("/login", data={"email": "manager@test.example", "password": builders.PASSWORD})
    assert manager.post(url, data=form).status_code == 302
    assert "Call for snow" in client.get("/").text
    assert "Call for snow" in client.get("/calls.ics").text


def test_a_file_published_by_staff_shows_at_once(app, client, shown):
    proposal_id, experiment_id = shown["adopted"]
    path = f"/experiments/{experiment_id}"
    assert "Loppuraportti.pdf" not in _kept(app, client, path).text
    _kept(app, client, "/experiments/open-data.json")
    staff = app.test_client()
    staff.post("/login", data={"email": "staff@test.example", "password": builders.PASSWORD})
    added = staff.post(
        f"/proposals/{proposal_id}/attachments",
        data=files.multipart(files.PDF, "Loppuraportti.pdf", field="attachment-file"),
        content_type=files.MULTIPART,
    )
    assert added.status_code == 303
    assert "Loppuraportti.pdf" not in client.get(path).text  # not public yet
    with app.app_context():
        stored = db.session.scalars(
            select(Attachment).where(Attachment.proposal_id == proposal_id)
        ).one()
    published = staff.post(
        f"/proposals/{proposal_id}/attachments/{stored.id}/public", data={"public": "1"}
    )
    assert published.status_code == 303
    assert "Loppuraportti.pdf" in client.get(path).text
    assert "Loppuraportti.pdf" in client.get("/experiments/open-data.json").text


def test_participation_recorded_on_the_pilot_page_shows_at_once(app, client, shown):
    _, experiment_id = shown["pilot"]
    path = f"/experiments/{experiment_id}"
    assert "437" not in _kept(app, client, path).text
    with app.app_context():
        start = db.session.get(Experiment, experiment_id).start_date
    staff = app.test_client()
    staff.post("/login", data={"email": "staff@test.example", "password": builders.PASSWORD})
    recorded = staff.post(
        f"/pilots/{experiment_id}/participation",
        data={
            "participation-date": start.isoformat(),
            "participation-category": "residents_customers",
            "participation-count": "437",
            "participation-note": "",
        },
    )
    assert recorded.status_code in (302, 303), recorded.text[:500]
    assert "437" in client.get(path).text


def test_a_move_made_by_a_service_shows_at_once(app, client, people, shown):
    proposal_id, experiment_id = shown["pilot"]
    paths = ("/experiments", "/statistics", f"/experiments/{experiment_id}")
    before = {path: _kept(app, client, path).text for path in paths}
    atom = _kept(app, client, "/experiments.atom").text
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        experiment = proposal.experiment
        change_status(
            proposal,
            "evaluation",
            db.session.get(User, people["staff"]),
            proposal.version,
            actual_end_date=experiment.start_date,
        )
    for path, text in before.items():
        assert client.get(path).text != text, path
    assert client.get("/experiments.atom").text != atom


def test_data_changed_by_any_commit_that_replaces_the_token_shows(app, client, shown):
    _, experiment_id = shown["adopted"]
    assert "Snow robot adopted" in _kept(app, client, "/experiments").text
    with app.app_context():
        db.session.get(Experiment, experiment_id).proposal.title = "Ice robot"
        builders.commit()
    page = client.get("/experiments").text
    assert "Ice robot" in page and "Snow robot adopted" not in page


def test_the_next_day_is_rendered_again(app, client, frozen_clock, programme):
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.programme_id == programme))
        title, closes_on = call.title, call.closes_on
    first = _kept(app, client, "/")
    assert title in first.text
    frozen_clock.move_to(datetime.combine(closes_on + timedelta(days=1), time(1), HELSINKI))
    later = client.get("/", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert later.status_code == 200 and title not in later.text
    assert later.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("path", ["/experiments", "/statistics", "/experiments.atom"])
def test_languages_are_never_mixed(app, client, shown, path):
    finnish = _kept(app, client, path, **{"Accept-Language": "fi"})
    english = _kept(app, client, path, **{"Accept-Language": "en"})
    swedish = _kept(app, client, path, **{"Accept-Language": "sv-FI,sv;q=0.9"})
    marks = {"fi": 'lang="fi"', "en": 'lang="en"', "sv": 'lang="sv"'}
    for response, language in ((finnish, "fi"), (english, "en"), (swedish, "sv")):
        assert marks[language] in response.text[:150]
        assert all(marks[other] not in response.text[:150] for other in marks if other != language)
    assert len({finnish.headers["ETag"], english.headers["ETag"], swedish.headers["ETag"]}) == 3
    # A stated language (?lang=, kept in the session) wins over Accept-Language, cached too.
    chosen = app.test_client()
    assert 'lang="sv"' in chosen.get(f"{path}?lang=sv").text[:150]
    for _ in range(2):
        page = chosen.get(path, headers={"Accept-Language": "fi"})
        assert 'lang="sv"' in page.text[:150] and page.data != finnish.data
    assert 'lang="fi"' in client.get(path, headers={"Accept-Language": "fi"}).text[:150]


def test_a_repeat_visit_with_the_etag_is_not_modified(app, client, shown):
    first = _kept(app, client, "/experiments")
    again, statements = _get(
        app, client, "/experiments", **{"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b"" and statements <= 1
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "Content-Type" not in again.headers
    with app.app_context():
        db.session.get(Experiment, shown["adopted"][1]).proposal.title = "Ice robot"
        builders.commit()
    changed = client.get("/experiments", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "Ice robot" in changed.text
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_repeat_visit_with_the_date_is_not_modified(app, client, shown):
    first = _kept(app, client, "/statistics")
    since = first.headers["Last-Modified"]
    again, statements = _get(app, client, "/statistics", **{"If-Modified-Since": since})
    assert again.status_code == 304 and again.data == b"" and statements <= 1
    # A write within the same second still makes the page newer than the date held.
    with app.app_context():
        db.session.get(Experiment, shown["adopted"][1]).proposal.title = "Ice robot"
        builders.commit()
    changed = client.get("/statistics", headers={"If-Modified-Since": since})
    assert changed.status_code == 200
    assert changed.headers["Last-Modified"] != since


def test_each_generation_is_a_second_later_than_the_one_before(app):
    with app.app_context():
        times = []
        for _ in range(3):
            builders.commit()
            times.append(db.session.get(StatisticsGeneration, 1).changed_at)
        assert times[1] == times[0] + 1 and times[2] == times[1] + 1
        assert abs(times[0] - datetime.now(UTC).timestamp()) < 5


def test_an_unknown_page_is_never_not_modified(app, client):
    etag = client.get("/experiments").headers["ETag"]
    future = format_datetime(datetime(2099, 1, 1, tzinfo=UTC), usegmt=True)
    for headers in ({"If-None-Match": "*"}, {"If-Modified-Since": future}, {"If-None-Match": etag}):
        assert client.get("/experiments/999999", headers=headers).status_code == 404


def test_signed_in_people_get_their_own_page_never_a_kept_one(app, client, auth, shown):
    anonymous = _kept(app, client, "/statistics")
    _kept(app, client, "/")
    auth.login("manager")
    for path in ("/statistics", "/"):
        for _ in range(2):
            page = client.get(path, headers={"If-None-Match": anonymous.headers["ETag"]})
            assert page.status_code == 200
            assert "Manager" in page.text and "Sign out" in page.text
            assert page.headers["Cache-Control"] == "no-store"
            assert "ETag" not in page.headers and "Last-Modified" not in page.headers
    auth.logout()
    assert b"Manager" not in b"".join(_stored(app))
    assert "Sign out" not in client.get("/statistics").text


def test_no_session_data_is_ever_kept(app, client, shown):
    # As after the sign-in form (CSRF is off in the tests, so its token is put there here).
    token = "b3f1c0ffee" * 4
    with client.session_transaction() as session:
        session["csrf_token"] = token
    for language in ("fi", "sv", "en"):
        for path in PUBLIC:
            path = _path(path, shown)
            _kept(app, client, f"{path}{'&' if '?' in path else '?'}lang={language}")
    stored = _stored(app)
    assert len(stored) == len(PUBLIC) * 3
    for body in stored:
        assert token.encode() not in body
        assert body.count(b'name="csrf_token"') <= body.count(page_cache.CSRF_SLOT)
        assert b"@test.example" not in body and b"Sign out" not in body


def _probe(app, monkeypatch, view):
    """A page of our own, kept like the public ones."""
    app.add_url_rule("/probe", "probe", view)
    monkeypatch.setattr(page_cache, "ENDPOINTS", page_cache.ENDPOINTS | {"probe"})


def test_a_page_with_a_form_is_kept_with_each_visitors_own_token(make_app, monkeypatch):
    app = make_app(WTF_CSRF_ENABLED=True)

    def form():
        return render_template_string(
            '<form method="post" action="/probe"><input type="hidden" name="csrf_token" '
            'value="{{ csrf_token() }}"></form>'
        )

    _probe(app, monkeypatch, form)
    app.add_url_rule("/sent", "sent", lambda: "sent", methods=["POST"])
    first, second = app.test_client(), app.test_client()
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    mine = token.search(first.get("/probe").text).group(1)
    page, statements = _get(app, second, "/probe")
    assert statements <= 1  # kept
    theirs = token.search(page.text).group(1)
    assert theirs != mine
    # Each token is made for its visitor's session, and sent to them alone.
    assert page.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert "Set-Cookie" in page.headers
    assert second.post("/sent", data={"csrf_token": theirs}).text == "sent"
    assert second.post("/sent", data={"csrf_token": mine}).status_code == 400
    assert first.post("/sent", data={"csrf_token": mine}).text == "sent"
    kept = b"".join(_stored(app))
    assert page_cache.CSRF_SLOT in kept
    assert mine.encode() not in kept and theirs.encode() not in kept


def test_a_page_with_a_token_not_made_for_the_visitor_is_never_kept(app, client, monkeypatch):
    renders = []

    def form():
        renders.append(1)
        return '<form><input type="hidden" name="csrf_token" value="made elsewhere"></form>'

    _probe(app, monkeypatch, form)
    for _ in range(2):
        page = client.get("/probe")
        assert page.status_code == 200 and "made elsewhere" in page.text
        assert "ETag" not in page.headers
    assert len(renders) == 2 and _stored(app) == []


def test_a_page_that_sets_a_cookie_is_never_kept(app, client, monkeypatch):
    renders = []

    def cookie():
        renders.append(1)
        response = app.make_response("a cookie")
        response.set_cookie("seen", "yes")
        return response

    _probe(app, monkeypatch, cookie)
    for _ in range(2):
        assert "Set-Cookie" in client.get("/probe").headers
    assert len(renders) == 2 and _stored(app) == []


def test_flashed_messages_are_never_kept_nor_served_from_the_cache(app, client, monkeypatch):
    def flashing():
        flash("Only for you")
        return render_template_string("{{ get_flashed_messages() }}")

    _probe(app, monkeypatch, flashing)
    assert "Only for you" in client.get("/probe").text
    assert _stored(app) == []
    # A message waiting in the visitor's session is shown to them, on a page rendered for them.
    _kept(app, client, "/")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your proposal is saved.")]
    assert "Your proposal is saved." in client.get("/").text
    assert "Your proposal is saved." not in client.get("/").text
    assert all(b"Your proposal is saved." not in body for body in _stored(app))


def test_the_cache_is_counted_in_the_metrics(app, client, shown):
    _kept(app, client, "/experiments")
    etag = client.get("/experiments").headers["ETag"]
    client.get("/experiments", headers={"If-None-Match": etag})
    metrics = client.get("/metrics").text
    for result in ("hit", "miss", "not_modified"):
        assert f'kokeilu_page_cache_total{{result="{result}"}}' in metrics


def test_a_rebuilt_search_index_makes_the_searches_again(app, client, shown):
    path = "/experiments?q=robot"
    assert "Snow robot adopted" in _kept(app, client, path).text
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    again, statements = _get(app, client, path)
    assert statements > 1 and "Snow robot adopted" in again.text


@pytest.mark.parametrize("path", ["/experiments/open-data.json", "/experiments"])
def test_a_page_too_large_to_keep_is_rendered_but_still_not_modified(make_app, path):
    app = make_app(PAGE_CACHE_ENTRY_BYTES=100)
    client = app.test_client()
    first = client.get(path)
    assert first.status_code == 200 and len(first.data) > 100
    again, statements = _get(app, client, path)
    assert statements > 1 and again.data == first.data
    etag = again.headers["ETag"]
    assert etag == first.headers["ETag"]
    repeat, statements = _get(app, client, path, **{"If-None-Match": etag})
    assert repeat.status_code == 304 and statements <= 1
    assert _stored(app) == []


def test_the_least_recently_used_pages_make_room(make_app):
    app = make_app(PAGE_CACHE_BYTES=15_000)
    client = app.test_client()
    for language in ("fi", "sv", "en"):
        client.get("/experiments", headers={"Accept-Language": language})
    assert 0 < page_cache.store(app).size <= 15_000
    _, statements = _get(app, client, "/experiments", **{"Accept-Language": "en"})
    assert statements <= 1  # the newest is kept
    _, statements = _get(app, client, "/experiments", **{"Accept-Language": "fi"})
    assert statements > 1  # the oldest made room


def test_no_page_is_kept_when_the_cache_is_off(make_app):
    app = make_app(PAGE_CACHE_BYTES=0)
    client = app.test_client()
    client.get("/experiments")
    page, statements = _get(app, client, "/experiments")
    assert statements > 1 and "ETag" not in page.headers
    assert page_cache.store(app) is None


def test_an_api_call_with_a_token_is_answered_for_its_caller(app, client, api, shown):
    """The public experiments API is kept for callers without credentials; a caller with a
    token is answered by the view every time, and its answer is never kept."""
    _kept(app, client, "/api/v1/public/experiments")
    page_cache.store(app).clear()
    headers = {"Authorization": f"Bearer {api.token('staff')}"}
    for _ in range(2):
        answer, statements = _get(app, client, "/api/v1/public/experiments", **headers)
        assert answer.status_code == 200 and statements > 1
        assert "ETag" not in answer.headers
    assert _stored(app) == []
