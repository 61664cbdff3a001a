"""The screening queue as staff work it: search, sortable columns, every status, waiting time,
reviews done and needed, "answered" and "mine" markers, bulk start and kept query strings."""

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Proposal, Review, StatusChange
from experiments.models.types import utcnow
from tests import builders

SCORES = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")


def _titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<td><a href="/proposals/\d+"[^>]*>([^<]+)</a>', html)]


def _row(html: str, title: str) -> str:
    """The row of the proposal with this title, as its words without tags."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if f">{title}</a>" in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {title}")


def _review(proposal_id, reviewer_id, score):
    db.session.add(
        Review(proposal_id=proposal_id, reviewer_id=reviewer_id, **dict.fromkeys(SCORES, score))
    )


@pytest.fixture
def made(app, people, programme):
    """Five proposals of known age, history and reviews (titles in alphabetical order)."""
    with app.app_context():
        now = utcnow()
        ids = {}
        for title, status, submitted_days_ago, summary in (
            ("Apple orchard", Status.SUBMITTED, 10, "Fruit trees for a school yard."),
            ("Bike library", Status.SCREENING, 20, "Lend cargo bikes from the library."),
            ("Cold robot", Status.MORE_INFO, 30, "A snow robot for pavements."),
            ("Dance hall", Status.SUBMITTED, 2, "Evenings of dance for seniors."),
            ("Echo chamber", Status.REJECTED, 40, "Acoustic robot for the library."),
        ):
            pid = builders.make_proposal(
                people["applicant"], programme, status=status, title=title, summary=summary
            )
            db.session.get(Proposal, pid).submitted_at = now - timedelta(days=submitted_days_ago)
            ids[title] = pid
        builders.make_proposal(people["applicant"], programme, title="Draft robot")

        def move(title, source, target, days_ago, actor):
            db.session.add(
                StatusChange(
                    proposal_id=ids[title],
                    from_status=source,
                    to_status=target,
                    actor_id=actor,
                    at=now - timedelta(days=days_ago, hours=1),
                )
            )

        # Bike library: screening for 5 days. Cold robot: asked 3 days ago.
        # Apple orchard: asked, then answered 1 day ago.
        move("Bike library", Status.SUBMITTED, Status.SCREENING, 5, people["staff"])
        move("Cold robot", Status.SCREENING, Status.MORE_INFO, 3, people["staff"])
        move("Apple orchard", Status.SCREENING, Status.MORE_INFO, 6, people["staff"])
        move("Apple orchard", Status.MORE_INFO, Status.SUBMITTED, 1, people["applicant"])
        other = builders.make_user(Role.STAFF)
        _review(ids["Bike library"], people["staff"], 4)
        _review(ids["Bike library"], other, 2)
        _review(ids["Dance hall"], other, 5)
        builders.commit()
    return ids


@pytest.fixture
def staff(auth):
    auth.login("staff")
    return auth


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=snow", ["Cold robot"]),
        ("q=ACOUSTIC&status=all", ["Echo chamber"]),  # the summary counts too
        ("q=library&status=all&sort=title", ["Bike library", "Echo chamber"]),
        ("q=nothing+like+it", []),
    ],
)
def test_search(client, staff, made, query, expected):
    html = client.get(f"/screening?{query}").text
    assert _titles(html) == expected
    words = re.search(r"q=([^&]*)", query).group(1).replace("+", " ")
    assert f'id="q" name="q" value="{words}"' in html


def test_the_search_is_the_apis(app, client, api, staff, made):
    """One rule for q: the page finds what the API finds."""
    for words in ("robot", "library", "for the"):
        page = _titles(client.get(f"/screening?status=all&q={words}&sort=title").text)
        answer = api.get(f"/proposals?q={words}&sort=title&per_page=100", "staff")
        found = [p["title"] for p in answer.json["items"] if p["status"] != "draft"]
        assert page == found, words


def test_all_statuses_lists_everything_but_drafts(client, staff, made):
    html = client.get("/screening?status=all&sort=title").text
    assert _titles(html) == [
        "Apple orchard",
        "Bike library",
        "Cold robot",
        "Dance hall",
        "Echo chamber",
    ]
    assert '<option value="all" selected>All statuses</option>' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Apple orchard", "Bike library", "Cold robot", "Dance hall"]),
        ("-title", ["Dance hall", "Cold robot", "Bike library", "Apple orchard"]),
        # Waiting since the last move: Cold robot 3 days, Bike library 5, Apple orchard 1
        # (answered), Dance hall 2 (submitted, no move recorded).
        ("-waiting", ["Bike library", "Cold robot", "Dance hall", "Apple orchard"]),
        ("waiting", ["Apple orchard", "Dance hall", "Cold robot", "Bike library"]),
        ("reviews", ["Apple orchard", "Cold robot", "Dance hall", "Bike library"]),
        ("-reviews", ["Bike library", "Dance hall", "Apple orchard", "Cold robot"]),
    ],
)
def test_columns_sort_both_ways(client, staff, made, sort, expected):
    assert _titles(client.get(f"/screening?sort={sort}").text) == expected


def _headers(html: str) -> dict[str, tuple[str | None, str]]:
    """Each sortable column header: its aria-sort and the sort its link asks for."""
    found = {}
    for attrs, href, label in re.findall(
        r'<th scope="col"([^>]*)><a href="([^"]+)">([^<]+)<', html
    ):
        sort = re.search(r'aria-sort="(\w+)"', attrs)
        found[label] = (sort.group(1) if sort else None, unescape(href))
    return found


def test_column_headers_say_the_sort_and_link_to_the_other_way(client, staff, made):
    headers = _headers(client.get("/screening?q=robot&status=all&sort=title&page=1").text)
    assert set(headers) == {
        "Title",
        "Submitted",
        "Waiting",
        "Reviews done / needed",
        "Average score",
    }
    assert headers["Title"] == ("ascending", "/screening?q=robot&status=all&sort=-title")
    # Other columns carry no aria-sort; their first click sorts their natural way.
    assert headers["Waiting"] == (None, "/screening?q=robot&status=all&sort=-waiting")
    assert headers["Submitted"] == (None, "/screening?q=robot&status=all&sort=-submitted_at")
    assert headers["Reviews done / needed"][1].endswith("sort=reviews")
    headers = _headers(client.get("/screening?sort=-waiting").text)
    assert headers["Waiting"] == ("descending", "/screening?sort=waiting")
    # The default view is sorted newest submission first, and says so.
    assert _headers(client.get("/screening").text)["Submitted"][0] == "descending"


def test_waiting_time_reviews_and_markers(client, staff, made):
    html = client.get("/screening?status=all").text
    assert _row(html, "Bike library").startswith("Bike library Reviewed by you In screening")
    assert _row(html, "Bike library").endswith("5 days 2 / 2 3")  # (4 + 2) / 2
    # Reviewed by someone else only: the count, but not the score before one's own review.
    assert _row(html, "Dance hall").endswith("2 days 1 / 2 after your review")
    assert "Reviewed by you" not in _row(html, "Dance hall")
    assert "Apple orchard Answered Back to screening" in _row(html, "Apple orchard")
    assert _row(html, "Apple orchard").endswith("1 day 0 / 2 –")
    assert _row(html, "Cold robot").endswith("3 days 0 / 2 –")
    assert "Answered" not in _row(html, "Cold robot")


def test_waiting_less_than_a_day(app, client, staff, people, programme):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, status=Status.SUBMITTED, title="Now")
    assert "less than a day 0 / 2" in _row(client.get("/screening").text, "Now")


def test_only_submitted_proposals_can_be_selected(client, staff, made):
    html = client.get("/screening?status=all").text
    boxes = re.findall(
        r'<input type="checkbox" name="proposal" value="(\d+)" form="bulk-start">', html
    )
    assert sorted(int(b) for b in boxes) == sorted([made["Apple orchard"], made["Dance hall"]])
    assert 'id="bulk-start"' in html
    assert 'name="back" type="hidden" value="status=all"' in html
    # Nothing to select, no bulk bar.
    assert 'id="bulk-start"' not in client.get("/screening?status=screening").text


def _history_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StatusChange))


def _statuses(app, ids):
    with app.app_context():
        return [db.session.get(Proposal, i).status for i in ids]


def test_bulk_start_asks_first_then_starts_each(app, client, staff, made, outbox):
    chosen = [made["Apple orchard"], made["Dance hall"]]
    before = _history_count(app)
    page = client.post(
        "/screening/start", data={"proposal": chosen, "back": "status=all&sort=title"}
    )
    assert page.status_code == 200
    assert "Confirm: Start screening" in page.text
    assert "Nothing has changed yet." in page.text
    assert ">Apple orchard</a>" in page.text and ">Dance hall</a>" in page.text
    assert "Start screening 2 proposals" in page.text
    assert 'name="confirmed" type="hidden" value="yes"' in page.text
    assert _statuses(app, chosen) == [Status.SUBMITTED, Status.SUBMITTED]
    assert outbox == []

    response = client.post(
        "/screening/start",
        data={"proposal": chosen, "confirmed": "yes", "back": "status=all&sort=title"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/screening?status=all&sort=title"
    assert _statuses(app, chosen) == [Status.SCREENING, Status.SCREENING]
    assert _history_count(app) == before + 2  # one move each, through the workflow
    assert len(outbox) == 2
    html = client.get(response.headers["Location"]).text
    assert "Screening started for 2 proposals." in html


def test_bulk_start_reports_each_refusal(app, client, staff, made):
    chosen = [made["Dance hall"], made["Bike library"], 999999]
    response = client.post(
        "/screening/start", data={"proposal": chosen, "confirmed": "yes"}, follow_redirects=True
    )
    assert _statuses(app, chosen[:2]) == [Status.SCREENING, Status.SCREENING]
    html = response.text
    assert "Screening started for 1 proposal." in html
    assert "“Bike library”: From “In screening” the proposal may move to:" in html
    assert "“Untitled proposal”: No such proposal." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select at least one proposal."),
        ({"proposal": ["abc"]}, "The selection could not be read."),
        ({"proposal": ["99999999999999999999"]}, "None of the selected proposals was found."),
        ({"proposal": [str(i) for i in range(1, 102)]}, "Select at most 100 proposals at once."),
    ],
)
def test_bulk_start_refuses_a_bad_selection(app, client, staff, made, data, message):
    before = _history_count(app)
    response = client.post("/screening/start", data={**data, "back": "q=x&evil=1&page=3"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/screening?q=x"  # only the queue's own parameters
    assert message in client.get("/screening").text
    assert _history_count(app) == before


def test_applicants_may_not_start_screening(app, client, auth, made):
    auth.login("applicant")
    response = client.post(
        "/screening/start", data={"proposal": [made["Dance hall"]], "confirmed": "yes"}
    )
    assert response.status_code == 403
    assert _statuses(app, [made["Dance hall"]]) == [Status.SUBMITTED]


def test_pagination_keeps_the_query(app, client, staff, people, programme):
    with app.app_context():
        for n in range(27):
            builders.make_proposal(
                people["applicant"], programme, status=Status.SUBMITTED, title=f"Robot {n:02}"
            )
    html = client.get("/screening?q=robot&status=all&sort=title").text
    assert len(_titles(html)) == 25
    assert 'href="/screening?q=robot&amp;status=all&amp;sort=title&amp;page=2" rel="next"' in html
    second = client.get("/screening?q=robot&status=all&sort=title&page=2").text
    assert _titles(second) == ["Robot 25", "Robot 26"]
    assert "Page 2 of 2" in second
    # A sort link starts again from the first page, keeping the search.
    assert _headers(second)["Title"][1] == "/screening?q=robot&status=all&sort=-title"


@pytest.mark.parametrize("q", ["\x00robot", "robot\n", "r" * 500, "%", "_"])
def test_odd_searches_never_fail(client, staff, made, q):
    assert client.get("/screening", query_string={"q": q}).status_code == 200


def test_a_page_follows_every_change_at_once(app, client, staff, made):
    """A page's proposals are chosen once per write (cached by data generation): a new title
    or a new proposal is in its place at the next view, in a sort and in a search."""
    assert _titles(client.get("/screening?sort=title").text)[0] == "Apple orchard"
    assert _titles(client.get("/screening?q=snow").text) == ["Cold robot"]
    with app.app_context():
        db.session.get(Proposal, made["Dance hall"]).title = "Aardvark snow hall"
        builders.commit()
    assert _titles(client.get("/screening?sort=title").text)[0] == "Aardvark snow hall"
    assert sorted(_titles(client.get("/screening?q=snow").text)) == [
        "Aardvark snow hall",
        "Cold robot",
    ]
