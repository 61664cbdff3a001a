"""Similar proposals and experiments: the staff list and the public one, who may use them,
what the public one never shows, and their quality on the demo data."""

import pytest
import time_machine
from sqlalchemy import event, select

from experiments.demo.storyline import load_demo
from experiments.demo.texts.twins import twin_titles
from experiments.demo.users import DEMO_USERS
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Experiment, Proposal, User
from experiments.services.tokens import issue_token_for
from tests import builders
from tests.conftest import TEST_DATABASE_URL, TEST_NOW, _close, _make_app


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo loaded once for the module (it takes a while); a staff token."""
    with time_machine.travel(TEST_NOW, tick=True):
        app = _make_app(tmp_path_factory.mktemp("demo"), TEST_DATABASE_URL)
        with app.app_context():
            for email, name, role, _password in DEMO_USERS:
                builders.make_user(role, email=email, name=name)
            load_demo()
            staff = builders.make_user(Role.STAFF, email="similar-staff@test.example")
            token = issue_token_for(db.session.get(User, staff))[0]
            ids = dict(db.session.execute(select(Proposal.title, Proposal.id)).all())
    yield app, token, ids
    _close(app)


@pytest.mark.parametrize("pair", twin_titles(), ids=lambda pair: pair[0][:30])
def test_each_planted_twin_is_the_first_similar(demo, pair):
    app, token, ids = demo
    client = app.test_client()
    for this, other in (pair, pair[::-1]):
        response = client.get(
            f"/api/v1/proposals/{ids[this]}/similar",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.json
        items = response.json["items"]
        assert items[0]["title"] == other, [i["title"] for i in items]
        assert items[0]["id"] == ids[other]


@pytest.mark.parametrize("pair", twin_titles(), ids=lambda pair: pair[0][:30])
def test_the_form_suggests_the_earlier_experiment_of_a_twin(demo, pair):
    """What an applicant writing the later twin sees: the earlier one first if it is a public
    experiment, and otherwise never."""
    app, token, ids = demo
    client = app.test_client()
    staff = {"Authorization": f"Bearer {token}"}
    earlier, later = (client.get(f"/api/v1/proposals/{ids[t]}", headers=staff).json for t in pair)
    written = " ".join([later["title"], later["need"] or "", later["summary"] or ""])
    response = client.get("/api/v1/public/experiments/similar", query_string={"text": written})
    assert response.status_code == 200
    titles = [item["title"] for item in response.json["items"]]
    if earlier["status"] in ("pilot", "evaluation", "adopted", "discontinued"):
        assert titles[0] == earlier["title"], titles
    else:
        assert earlier["title"] not in titles
        assert later["title"] not in titles


LIBRARY = dict(
    title="Makerspace with 3D printers in the library",
    summary="Residents book 3D printers in the library makerspace for their own projects.",
    need="Few residents have access to 3D printers or learn modelling.",
)


def _make(ctx_people, programme, status="submitted", **overrides):
    values = LIBRARY | overrides
    return builders.make_proposal(ctx_people["applicant"], programme, status=status, **values)


@pytest.fixture
def library(app, people, programme):
    """Two proposals of one idea, an unrelated one, and a pilot of the same idea."""
    with app.app_context():
        made = {
            "first": _make(people, programme),
            "again": _make(people, programme, title="3D printers for residents in the library"),
            "other": _make(
                people,
                programme,
                title="Snow-clearing robot for Tapiola",
                summary="An autonomous robot clears snow on pedestrian streets.",
                need="Pavements ice over before the crews arrive.",
            ),
            "pilot": _make(people, programme, status="pilot"),
        }
        made["experiment"] = db.session.scalar(
            select(Experiment.id).where(Experiment.proposal_id == made["pilot"])
        )
        return made


def test_staff_and_managers_see_the_most_similar_first(api, library):
    for who in ("staff", "manager"):
        response = api.get(f"/proposals/{library['first']}/similar", who)
        assert response.status_code == 200
        items = response.json["items"]
        ids = [item["id"] for item in items]
        assert library["first"] not in ids
        assert set(ids[:2]) == {library["again"], library["pilot"]}
        assert library["other"] not in ids
        assert all(0 < item["score"] <= 1 for item in items)
        assert {item["status"] for item in items} == {"submitted", "pilot"}


def test_applicants_and_strangers_may_not_ask(api, library):
    path = f"/proposals/{library['first']}/similar"
    assert api.get(path, "applicant").status_code == 403
    assert api.get(path, "admin").status_code == 403
    response = api.get(path)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"


def test_an_unknown_proposal_is_not_found(api, library):
    response = api.get("/proposals/999999/similar", "staff")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_the_public_list_has_public_experiments_only(api, library):
    response = api.get("/public/experiments/similar", query_string={"text": "3D printers library"})
    assert response.status_code == 200
    assert [item["id"] for item in response.json["items"]] == [library["experiment"]]
    assert response.json["items"][0]["status"] == "pilot"


def test_the_public_list_never_shows_a_business_secret(app, api, people, programme):
    with app.app_context():
        _make(
            people,
            programme,
            status="pilot",
            title="Heat pumps for sports halls",
            summary="The zyxquartz method recovers heat from the ice rink.",
            confidential_summary=True,
        )
        _make(people, programme, status="screening", title="Another zyxquartz idea")
    for text in ("zyxquartz", "zyxquartz method recovers rink"):
        response = api.get("/public/experiments/similar", query_string={"text": text})
        assert response.status_code == 200
        assert response.json["items"] == []


PILOT_WORDS = "3D printers library makerspace"
UNPUBLISHED = ("draft", "submitted", "screening", "more_info", "rejected", "withdrawn")


def _public_scores(api, text: str) -> list[tuple[int, float]]:
    response = api.get("/public/experiments/similar", query_string={"text": text})
    assert response.status_code == 200
    return [(item["id"], item["score"]) for item in response.json["items"]]


def test_an_unpublished_proposals_words_do_not_show_in_a_public_score(app, api, people, programme):
    """A word only unpublished proposals have weighs as much as a word no one has: nothing,
    so an anonymous caller cannot learn from the scores whether a draft names it."""
    with app.app_context():
        _make(people, programme, status="pilot")
        draft = _make(people, programme, status="draft", title="Quorbexa printers in the library")
        db.session.get(Proposal, draft).organisation.name = "Vextrilon Oy"
        builders.commit()
    nowhere = _public_scores(api, f"{PILOT_WORDS} Zwyrtanek")
    assert [score for _id, score in nowhere] == [1.0]
    for rare in ("Quorbexa", "Vextrilon"):
        assert _public_scores(api, f"{PILOT_WORDS} {rare}") == nowhere, rare


def test_adding_or_removing_unpublished_proposals_changes_no_public_score(
    app, api, people, programme, library
):
    texts = (
        PILOT_WORDS,
        "3D printers for residents in the library",
        "library robot snow modelling projects",
        f"{PILOT_WORDS} Quorbexa autonomous pedestrian",
    )

    def scores():
        return [_public_scores(api, text) for text in texts]

    before = scores()
    assert before[0], "the pilot is found"
    with app.app_context():
        added = [
            _make(
                people,
                programme,
                status=status,
                title=f"Quorbexa library robot {n}",
                summary="Residents book printers and snow robots in the library.",
            )
            for n, status in enumerate(UNPUBLISHED)
        ]
        added += [_make(people, programme, status=status) for status in UNPUBLISHED]
    assert scores() == before
    with app.app_context():
        for proposal_id in added + [library["first"], library["again"], library["other"]]:
            db.session.delete(db.session.get(Proposal, proposal_id))
        builders.commit()
    assert scores() == before


@pytest.mark.parametrize("text", [None, "", "x" * 2001])
def test_the_public_list_needs_a_text_of_reasonable_length(api, text):
    query = {} if text is None else {"text": text}
    response = api.get("/public/experiments/similar", query_string=query)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "text" in response.json["errors"]


def test_a_text_of_common_words_only_finds_nothing_much(api, library):
    response = api.get("/public/experiments/similar", query_string={"text": "zzz qqq"})
    assert response.status_code == 200
    assert response.json["items"] == []


def _statements(app, call) -> int:
    with app.app_context():
        engine = db.engine
    found = []

    def count(conn, cursor, statement, parameters, context, executemany):
        found.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(found)


def test_the_number_of_statements_does_not_grow_with_the_data(app, api, people, programme, library):
    def staff():
        return api.get(f"/proposals/{library['first']}/similar", "staff")

    def public():
        return api.get("/public/experiments/similar", query_string={"text": "3D printers"})

    api.token("staff")
    before = (_statements(app, staff), _statements(app, public))
    with app.app_context():
        for n in range(12):
            _make(people, programme, status="pilot" if n % 2 else "submitted")
    assert (_statements(app, staff), _statements(app, public)) == before
    assert before[1] <= 3


def _decide(experiment_id: int, lessons: str) -> None:
    experiment = db.session.get(Experiment, experiment_id)
    experiment.proposal.status = Status.DISCONTINUED
    experiment.lessons_learned = lessons
    builders.commit()


def test_the_staff_page_lists_similar_proposals_with_outcome_and_lesson(app, auth, client, library):
    with app.app_context():
        _decide(library["experiment"], "Book the printers by the hour. Nobody came at night.")
    auth.login("staff")
    page = client.get(f"/proposals/{library['first']}").get_data(as_text=True)
    assert "Similar proposals and earlier experiments" in page
    assert f'href="/proposals/{library["again"]}"' in page
    assert f'href="/proposals/{library["pilot"]}"' in page
    assert "Discontinued" in page
    assert "Book the printers by the hour." in page
    assert "Nobody came at night." not in page.split("Similar proposals")[1].split("</section>")[0]


def test_the_applicant_sees_no_similar_proposals(app, auth, client, library):
    auth.login("applicant")
    page = client.get(f"/proposals/{library['first']}").get_data(as_text=True)
    assert "Similar proposals and earlier experiments" not in page


def test_the_form_of_a_draft_shows_public_experiments_only(app, auth, client, people, programme):
    with app.app_context():
        draft = _make(people, programme, status="draft")
        pilot = _make(people, programme, status="pilot")
        others = _make(people, programme, status="screening")
        experiment = db.session.scalar(select(Experiment.id).where(Experiment.proposal_id == pilot))
    auth.login("applicant")
    page = client.get(f"/proposals/{draft}/edit").get_data(as_text=True)
    tried = page.split("Experiments like this were tried")[1].split("</section>")[0]
    assert f'href="/experiments/{experiment}"' in tried
    assert f"/proposals/{others}" not in tried
    assert 'aria-live="polite"' in tried
    assert 'src="/static/js/similar.js"' in page


def test_the_new_proposal_form_explains_the_list(auth, client, programme):
    auth.login("applicant")
    page = client.get("/proposals/new").get_data(as_text=True)
    assert "Experiments like this were tried" in page
    assert "earlier experiments like yours are shown here" in page


@pytest.mark.parametrize(
    "language, heading",
    [
        ("fi", "Samankaltaiset ehdotukset ja aiemmat kokeilut"),
        ("sv", "Liknande förslag och tidigare försök"),
        ("en", "Similar proposals and earlier experiments"),
    ],
)
def test_the_list_speaks_the_readers_language(auth, client, library, language, heading):
    auth.login("staff")
    page = client.get(f"/proposals/{library['first']}?lang={language}").get_data(as_text=True)
    assert heading in page
