"""Proposals through the API: create, read, list, edit, move, history, review; each refusal."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from experiments.errors import Invalid
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Programme, Proposal, Review, User
from experiments.services.reviews import save_review
from tests import builders

PROPOSAL_FIELDS = {
    "id",
    "programme_id",
    "call_id",
    "language",
    "title",
    "summary",
    "need",
    "proposer_type",
    "organisation",
    "service_area",
    "city_centres",
    "sdgs",
    "requested_budget",
    "planned_duration_months",
    "confidential_summary",
    "confidential_need",
    "status",
    "version",
    "owner",
    "submitted_at",
    "created_at",
    "updated_at",
    "experiment",
}
COMPLETE = {
    "title": "Snow-clearing robot",
    "summary": "A robot clears pavements.",
    "need": "Pavements ice over.",
    "proposer_type": "company",
    "organisation": {"name": "Robotics Oy", "business_id": "1572860-0"},
    "service_area": "mobility",
    "city_centres": ["tapiola", "leppavaara"],
    "sdgs": [11, 9],
    "requested_budget": "15000.50",
    "planned_duration_months": 6,
}


def _make(app, owner, programme, status=Status.DRAFT, **overrides):
    with app.app_context():
        return builders.make_proposal(owner, programme, status=status, **overrides)


def _create(api, body=None, who="applicant"):
    return api.post("/proposals", who, json=COMPLETE if body is None else body)


# Creating proposals.


def test_applicant_creates_a_draft(app, api, people, programme):
    response = _create(api)
    assert response.status_code == 201, response.text
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/proposals/{body['id']}")
    assert set(body) == PROPOSAL_FIELDS
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.programme_id == programme))
    assert body["programme_id"] == programme and body["call_id"] == call_id
    assert body["status"] == "draft" and body["version"] == 1
    assert body["owner"] == {"id": people["applicant"], "name": "Applicant"}
    assert body["requested_budget"] == "15000.50"
    assert body["organisation"]["name"] == "Robotics Oy"
    assert body["organisation"]["business_id"] == "1572860-0"
    assert body["city_centres"] == ["leppavaara", "tapiola"]
    assert sorted(body["sdgs"]) == [9, 11]
    assert body["submitted_at"] is None and body["experiment"] is None
    assert body["confidential_summary"] is False and body["confidential_need"] is False
    assert api.get(response.headers["Location"][len("/api/v1") :], "applicant").get_json() == body


def test_an_empty_draft_may_be_saved(api, programme):
    response = _create(api, {})
    assert response.status_code == 201
    assert response.get_json()["title"] is None


@pytest.mark.parametrize(
    "amount, stored",
    [(12500, "12500.00"), (12500.5, "12500.50"), ("0", "0.00"), ("10000000.00", "10000000.00")],
)
def test_money_accepts_strings_and_numbers(api, programme, amount, stored):
    response = _create(api, {"requested_budget": amount})
    assert response.status_code == 201, response.text
    assert response.get_json()["requested_budget"] == stored


@pytest.mark.parametrize("who", ["staff", "manager", "admin"])
def test_only_applicants_create(api, programme, who):
    assert _create(api, who=who).status_code == 403


INVALID_FIELDS = [
    ("title", "ab"),
    ("title", "x" * 201),
    ("title", 5),
    ("summary", "x" * 2001),
    ("need", "x" * 5001),
    ("title", "nul\x00byte"),
    ("title", "\ud800 lone surrogate"),
    ("proposer_type", "alien"),
    ("service_area", "space"),
    ("city_centres", ["atlantis"]),
    ("city_centres", "tapiola"),
    ("sdgs", [0]),
    ("sdgs", [18]),
    ("sdgs", ["5"]),
    ("sdgs", [True]),
    ("requested_budget", "-1"),
    ("requested_budget", -1),
    ("requested_budget", "NaN"),
    ("requested_budget", "Infinity"),
    ("requested_budget", "1.005"),
    ("requested_budget", 1.005),
    ("requested_budget", "10000000.01"),
    ("requested_budget", "abc"),
    ("requested_budget", True),
    ("requested_budget", "1e3"),
    ("requested_budget", [1]),
    ("planned_duration_months", 0),
    ("planned_duration_months", 25),
    ("planned_duration_months", "6"),
    ("planned_duration_months", 1.5),
    ("planned_duration_months", True),
    ("call_id", 0),
    ("call_id", 2**40),
    ("organisation", "Robotics Oy"),
    ("organisation", {"business_id": "1572860-0"}),
    ("organisation", {"name": "X", "type": "alien"}),
    ("organisation", {"name": "X", "extra": 1}),
    ("confidential_summary", "yes"),
    ("confidential_summary", 1),
    ("confidential_summary", None),
    ("confidential_need", "true"),
    ("confidential_need", 0),
    ("confidential_need", None),
]


@pytest.mark.parametrize("field, value", INVALID_FIELDS)
def test_each_invalid_field_is_422_and_nothing_is_saved(app, api, programme, field, value):
    response = _create(api, {"title": "Valid title", field: value})
    assert response.status_code == 422, response.text
    assert response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]
    assert any(key == field or key.startswith(field + ".") for key in errors), errors
    with app.app_context():
        assert db.session.scalar(select(Proposal.id)) is None


@pytest.mark.parametrize("field, key", [("requested_budget", "requested_budget")])
@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_json_nan_and_infinities_are_refused(api, programme, field, key, raw):
    response = api.post(
        "/proposals", "applicant", data=f'{{"{field}": {raw}}}', content_type="application/json"
    )
    assert response.status_code == 422
    assert key in response.get_json()["errors"]


def test_invalid_business_id_is_named_inside_organisation(api, programme):
    response = _create(api, {"organisation": {"name": "X Oy", "business_id": "1234567-8"}})
    assert response.status_code == 422
    assert "organisation.business_id" in response.get_json()["errors"]


def test_a_resident_proposes_without_an_organisation(api, programme):
    response = _create(api, {"proposer_type": "resident", "organisation": {"name": "X"}})
    assert response.status_code == 422
    assert "organisation" in response.get_json()["errors"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("status", "adopted"),
        ("owner", {"id": 1}),
        ("owner_id", 1),
        ("version", 7),
        ("id", 99),
        ("programme_id", 1),
        ("submitted_at", "2020-01-01T00:00:00Z"),
        ("experiment", None),
        ("unknown", "x"),
    ],
)
def test_unknown_and_protected_fields_are_refused(app, api, programme, field, value):
    response = _create(api, {"title": "Valid title", field: value})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(select(Proposal.id)) is None


def test_call_must_be_named_when_several_are_open(app, api, programme):
    with app.app_context():
        builders.make_programme()
    # Well-formed drafts, refused by the calls there are: conflicts, named by field.
    response = _create(api, {"title": "Which call?"})
    assert response.status_code == 409
    assert "call_id" in response.get_json()["errors"]
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).order_by(Call.id.desc()))
    assert _create(api, {"title": "This call", "call_id": call_id}).status_code == 201
    response = _create(api, {"title": "No such call", "call_id": 999})
    assert response.status_code == 409
    assert "call_id" in response.get_json()["errors"]


# Reading one proposal.


@pytest.mark.parametrize(
    "who, status",
    [("applicant", 200), ("other", 404), ("staff", 200), ("manager", 200), ("admin", 403)],
)
def test_who_may_read_a_proposal(app, api, people, programme, who, status):
    proposal_id = _make(app, people["applicant"], programme)
    response = api.get(f"/proposals/{proposal_id}", who)
    assert response.status_code == status
    if status == 404:
        missing = api.get("/proposals/999999", who)
        assert missing.status_code == 404
        assert response.get_json() == missing.get_json()  # ids leak nothing


@pytest.mark.parametrize(
    "path", ["/proposals/0", "/proposals/99999999999999999999", "/proposals/-1", "/proposals/abc"]
)
def test_impossible_ids_are_404(api, people, path):
    response = api.get(path, "staff")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_experiment_fields(app, api, people, programme):
    proposal_id = _make(
        app,
        people["applicant"],
        programme,
        status=Status.PILOT,
        experiment_owner_id=people["staff"],
    )
    body = api.get(f"/proposals/{proposal_id}", "manager").get_json()
    experiment = body["experiment"]
    assert set(experiment) == {
        "id",
        "allocated_budget",
        "start_date",
        "planned_end_date",
        "actual_end_date",
        "owner",
        "city_unit",
        "outcome",
    }
    assert experiment["allocated_budget"] == "10000.00"
    assert experiment["owner"] == {"id": people["staff"], "name": "Staff"}
    assert experiment["actual_end_date"] is None and experiment["outcome"] is None
    date.fromisoformat(experiment["start_date"])


# Listing proposals.


def test_lists_show_own_proposals_to_applicants_and_all_to_staff(app, api, people, programme):
    mine = _make(app, people["applicant"], programme, title="Mine")
    theirs = _make(app, people["other"], programme, title="Theirs")
    own = api.get("/proposals", "applicant").get_json()
    assert [p["id"] for p in own["items"]] == [mine]
    assert (own["page"], own["per_page"], own["total"]) == (1, 20, 1)
    assert set(own["items"][0]) == PROPOSAL_FIELDS
    every = api.get("/proposals", "staff").get_json()
    assert {p["id"] for p in every["items"]} == {mine, theirs} and every["total"] == 2
    assert api.get("/proposals", "admin").status_code == 403
    assert api.get("/proposals").status_code == 401


def test_list_filters_sorts_and_pages(app, api, people, programme):
    ids = {}
    for n, (title, status, budget, area) in enumerate(
        [
            ("Bravo", Status.SUBMITTED, "300.00", "mobility"),
            ("Alpha", Status.SCREENING, "100.00", "education"),
            ("Charlie", Status.SUBMITTED, "200.00", "mobility"),
        ]
    ):
        ids[title] = _make(
            app,
            people["applicant"],
            programme,
            status=status,
            requested_budget=budget,
            service_area=area,
            title=title,
            proposer_type="research" if n == 2 else "company",
        )

    def titles(query):
        response = api.get("/proposals?" + query, "staff")
        assert response.status_code == 200, response.text
        return [p["title"] for p in response.get_json()["items"]]

    assert titles("sort=title") == ["Alpha", "Bravo", "Charlie"]
    assert titles("sort=requested_budget") == ["Alpha", "Charlie", "Bravo"]
    assert titles("status=submitted&sort=title") == ["Bravo", "Charlie"]
    assert titles("status=submitted&status=screening&sort=title") == ["Alpha", "Bravo", "Charlie"]
    assert titles("service_area=education") == ["Alpha"]
    assert titles("proposer_type=research") == ["Charlie"]
    assert titles("q=charl") == ["Charlie"]  # the beginning of a word (SPEC: Search)
    assert titles(f"year={date.today().year}&sort=title") == ["Alpha", "Bravo", "Charlie"]
    assert titles("year=2001") == []
    assert set(titles("sort=submitted_at")) == set(titles("sort=-submitted_at")) == set(ids)
    page = api.get("/proposals?sort=title&per_page=2&page=2", "staff").get_json()
    assert [p["title"] for p in page["items"]] == ["Charlie"]
    assert (page["page"], page["per_page"], page["total"]) == (2, 2, 3)
    assert api.get("/proposals?page=9", "staff").get_json()["items"] == []


@pytest.mark.parametrize(
    "query, field",
    [
        ("per_page=1000000000", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=-1", "page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=", "page"),
        ("page=99999999999999999999", "page"),
        ("sort=score", "sort"),
        ("sort=id", "sort"),
        ("status=finished", "status.0"),
        ("proposer_type=alien", "proposer_type"),
        ("service_area=space", "service_area"),
        ("year=abc", "year"),
        ("year=99999", "year"),
        ("q=" + "x" * 201, "q"),
        ("q=%00", "q"),
    ],
)
def test_bad_query_parameters_are_422(api, people, query, field):
    response = api.get("/proposals?" + query, "staff")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


# Editing proposals.


def test_owner_edits_a_draft_with_its_version(app, api, people, programme):
    proposal_id = _make(app, people["applicant"], programme)
    response = api.patch(
        f"/proposals/{proposal_id}",
        "applicant",
        json={"version": 1, "title": "Better title", "requested_budget": 99},
    )
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["title"] == "Better title" and body["requested_budget"] == "99.00"
    assert body["version"] == 2
    assert body["summary"]  # fields not given stay as they were

    stale = api.patch(
        f"/proposals/{proposal_id}", "applicant", json={"version": 1, "title": "Lost update"}
    )
    assert stale.status_code == 409
    assert stale.content_type == "application/problem+json"
    cleared = api.patch(
        f"/proposals/{proposal_id}",
        "applicant",
        json={"version": 2, "summary": None, "organisation": None},
    )
    assert cleared.status_code == 200
    assert cleared.get_json()["summary"] is None and cleared.get_json()["organisation"] is None


SECRET_SUMMARY = "Our unreleased sensor design, patent pending."


def test_business_secret_flags_are_written_read_and_kept_out_of_open_data(
    app, api, client, people, programme
):
    created = _create(api, {**COMPLETE, "summary": SECRET_SUMMARY, "confidential_need": True})
    assert created.status_code == 201, created.text
    body = created.get_json()
    assert (body["confidential_summary"], body["confidential_need"]) == (False, True)
    proposal_id = body["id"]
    patched = api.patch(
        f"/proposals/{proposal_id}",
        "applicant",
        json={"version": 1, "confidential_summary": True, "confidential_need": False},
    )
    assert patched.status_code == 200, patched.text
    assert (
        patched.get_json()["confidential_summary"],
        patched.get_json()["confidential_need"],
    ) == (True, False)
    untouched = api.patch(
        f"/proposals/{proposal_id}", "applicant", json={"version": 2, "title": "Sensor pilot"}
    )
    assert untouched.get_json()["confidential_summary"] is True  # left out: kept
    for who in ("applicant", "staff"):
        read = api.get(f"/proposals/{proposal_id}", who).get_json()
        assert read["confidential_summary"] is True and read["summary"] == SECRET_SUMMARY
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.confidential_summary and not proposal.confidential_need

    # Through the workflow to a pilot: the flagged section stays out of everything public.
    assert _move(api, proposal_id, "applicant", to="submitted", version=3).status_code == 200
    assert _move(api, proposal_id, "staff", to="screening", version=4).status_code == 200
    piloted = api.post(
        f"/proposals/{proposal_id}/transitions", "manager", json=_pilot_body(people, 5)
    )
    assert piloted.status_code == 200, piloted.text
    public = client.get("/api/v1/public/experiments").get_json()
    item = next(i for i in public["items"] if i["title"] == "Sensor pilot")
    assert item["summary"] == "" and item["need"] == COMPLETE["need"]
    for url in (
        "/api/v1/public/experiments",
        "/experiments/open-data.json",
        "/experiments/open-data.csv",
        "/experiments",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "unreleased sensor design" not in response.get_data(as_text=True), url


@pytest.mark.parametrize("field", ["confidential_summary", "confidential_need"])
@pytest.mark.parametrize("value", ["yes", 1, None])
def test_patch_refuses_a_flag_that_is_not_a_boolean(app, api, people, programme, field, value):
    proposal_id = _make(app, people["applicant"], programme)
    response = api.patch(
        f"/proposals/{proposal_id}", "applicant", json={"version": 1, field: value}
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).version == 1


@pytest.mark.parametrize(
    "who, status", [("other", 404), ("staff", 403), ("manager", 403), ("admin", 403)]
)
def test_only_the_owner_edits(app, api, people, programme, who, status):
    proposal_id = _make(app, people["applicant"], programme)
    response = api.patch(f"/proposals/{proposal_id}", who, json={"version": 1, "title": "Mine!"})
    assert response.status_code == status


def test_a_submitted_proposal_cannot_be_edited(app, api, people, programme):
    proposal_id = _make(app, people["applicant"], programme, status=Status.SUBMITTED)
    response = api.patch(
        f"/proposals/{proposal_id}", "applicant", json={"version": 1, "title": "Too late"}
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "No version"}, "version"),
        ({"version": "1"}, "version"),
        ({"version": 1, "status": "pilot"}, "status"),
        ({"version": 1, "owner_id": 3}, "owner_id"),
        ({"version": 1, "title": "x"}, "title"),
    ],
)
def test_patch_refuses_invalid_and_protected_fields(app, api, people, programme, body, field):
    proposal_id = _make(app, people["applicant"], programme)
    response = api.patch(f"/proposals/{proposal_id}", "applicant", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert (proposal.version, proposal.status) == (1, Status.DRAFT)


# Workflow moves.


def _move(api, proposal_id, who, **body):
    return api.post(f"/proposals/{proposal_id}/transitions", who, json=body)


def test_moves_follow_the_table(app, api, people, programme, outbox):
    proposal_id = _create(api).get_json()["id"]
    response = _move(api, proposal_id, "applicant", to="submitted", version=1)
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["status"] == "submitted" and body["version"] == 2 and body["submitted_at"]

    assert _move(api, proposal_id, "manager", **_pilot_body(people, 2)).status_code == 409
    assert _move(api, proposal_id, "applicant", to="screening", version=2).status_code == 403
    assert _move(api, proposal_id, "staff", to="screening", version=1).status_code == 409
    assert _move(api, proposal_id, "other", to="withdrawn", version=2).status_code == 404
    assert _move(api, proposal_id, "admin", to="screening", version=2).status_code == 403
    assert _move(api, proposal_id, "staff", to="screening", version=2).status_code == 200

    missing = _move(api, proposal_id, "staff", to="more_info", version=3)
    assert missing.status_code == 422
    assert "question" in missing.get_json()["errors"]
    extra = _move(
        api,
        proposal_id,
        "staff",
        to="more_info",
        version=3,
        question="Where?",
        allocated_budget="100",
    )
    assert extra.status_code == 422
    assert "allocated_budget" in extra.get_json()["errors"]
    asked = _move(api, proposal_id, "staff", to="more_info", version=3, question="Where?")
    assert asked.status_code == 200

    history = api.get(f"/proposals/{proposal_id}/history", "applicant").get_json()["items"]
    assert [(h["from"], h["to"], h["by"]["id"], h["reason"]) for h in history] == [
        ("draft", "submitted", people["applicant"], None),
        ("submitted", "screening", people["staff"], None),
        ("screening", "more_info", people["staff"], "Where?"),
    ]
    assert all(set(h) == {"from", "to", "by", "at", "reason"} for h in history)
    assert len(outbox) == 3


def test_a_refused_move_names_the_allowed_ones(app, api, people, programme):
    proposal_id = _make(app, people["applicant"], programme, status=Status.SUBMITTED)
    response = _move(
        api, proposal_id, "manager", to="adopted", version=1, decision="Yes", lessons_learned="-"
    )
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["status"] == 409 and problem["detail"]


def test_an_incomplete_draft_cannot_be_submitted(api, programme):
    # The request is well-formed; the stored draft is what is missing fields.
    proposal_id = _create(api, {"title": "Only a title"}).get_json()["id"]
    response = _move(api, proposal_id, "applicant", to="submitted", version=1)
    assert response.status_code == 409
    assert {"summary", "need", "service_area"} <= set(response.get_json()["errors"])


@pytest.mark.parametrize(
    "body, field",
    [
        ({"to": "nowhere", "version": 1}, "to"),
        ({"version": 1}, "to"),
        ({"to": "submitted"}, "version"),
        ({"to": "submitted", "version": "1"}, "version"),
        ({"to": "submitted", "version": 1, "status": "adopted"}, "status"),
        ({"to": "submitted", "version": 1, "start_date": "yesterday"}, "start_date"),
        ({"to": "submitted", "version": 1, "start_date": "9999-12-31"}, "start_date"),
        ({"to": "submitted", "version": 1, "allocated_budget": "-5"}, "allocated_budget"),
        ({"to": "submitted", "version": 1, "owner_id": 2**40}, "owner_id"),
    ],
)
def test_invalid_transition_bodies_are_422(app, api, people, programme, body, field):
    proposal_id = _make(app, people["applicant"], programme)
    response = api.post(f"/proposals/{proposal_id}/transitions", "applicant", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def _pilot_body(people, version, **overrides):
    start = date.today()
    body = {
        "to": "pilot",
        "version": version,
        "allocated_budget": "20000.00",
        "start_date": start.isoformat(),
        "planned_end_date": (start + timedelta(days=180)).isoformat(),
        "owner_id": people["staff"],
        "city_unit": "Mobility services",
    }
    body.update(overrides)
    return body


def test_manager_starts_a_pilot_within_the_budget(app, api, people, programme):
    proposal_id = _make(app, people["applicant"], programme, status=Status.SCREENING)
    assert (
        api.post(
            f"/proposals/{proposal_id}/transitions", "staff", json=_pilot_body(people, 1)
        ).status_code
        == 403
    )
    too_much = api.post(
        f"/proposals/{proposal_id}/transitions",
        "manager",
        json=_pilot_body(people, 1, allocated_budget="250000.01"),
    )
    assert too_much.status_code == 409  # the year's budget refuses it
    assert "allocated_budget" in too_much.get_json()["errors"]
    bad_owner = api.post(
        f"/proposals/{proposal_id}/transitions",
        "manager",
        json=_pilot_body(people, 1, owner_id=people["other"]),
    )
    assert bad_owner.status_code == 409  # an applicant's id: the users refuse it
    assert "owner_id" in bad_owner.get_json()["errors"]
    long = api.post(
        f"/proposals/{proposal_id}/transitions",
        "manager",
        json=_pilot_body(
            people, 1, planned_end_date=(date.today() + timedelta(days=800)).isoformat()
        ),
    )
    assert long.status_code == 422
    assert "planned_end_date" in long.get_json()["errors"]

    response = api.post(
        f"/proposals/{proposal_id}/transitions", "manager", json=_pilot_body(people, 1)
    )
    assert response.status_code == 200, response.text
    experiment = response.get_json()["experiment"]
    assert experiment["allocated_budget"] == "20000.00"
    assert experiment["city_unit"] == "Mobility services"
    assert experiment["owner"]["id"] == people["staff"]


# Screening reviews.

SCORES = {"need": 4, "benefit": 5, "reusability": 3, "feasibility": 4, "cost_effectiveness": 2}


def test_staff_put_their_own_review(app, api, people, programme):
    proposal_id = _make(app, people["applicant"], programme, status=Status.SCREENING)
    response = api.put(
        f"/proposals/{proposal_id}/review", "staff", json={**SCORES, "comment": "Promising."}
    )
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["reviewer"] == {"id": people["staff"], "name": "Staff"}
    assert body["need"] == 4 and body["comment"] == "Promising."
    again = api.put(f"/proposals/{proposal_id}/review", "staff", json={**SCORES, "need": 1})
    assert again.status_code == 200 and again.get_json()["need"] == 1
    assert api.put(f"/proposals/{proposal_id}/review", "manager", json=SCORES).status_code == 200
    with app.app_context():
        reviews = db.session.scalars(select(Review).order_by(Review.id)).all()
        assert [(r.reviewer_id, r.need) for r in reviews] == [
            (people["staff"], 1),
            (people["manager"], 4),
        ]


@pytest.mark.parametrize("who, status", [("applicant", 403), ("admin", 403), (None, 401)])
def test_only_staff_review(app, api, people, programme, who, status):
    proposal_id = _make(app, people["applicant"], programme, status=Status.SCREENING)
    assert api.put(f"/proposals/{proposal_id}/review", who, json=SCORES).status_code == status


@pytest.mark.parametrize(
    "change",
    [
        {"need": 0},
        {"benefit": 6},
        {"feasibility": "4"},
        {"reusability": 2.5},  # null is no error: the reviewer abstains
        {"score": 3},
        {"comment": 5},
    ],
)
def test_invalid_reviews_are_422(app, api, people, programme, change):
    proposal_id = _make(app, people["applicant"], programme, status=Status.SCREENING)
    body = {**SCORES, **change}
    response = api.put(f"/proposals/{proposal_id}/review", "staff", json=body)
    assert response.status_code == 422
    assert set(change) <= set(response.get_json()["errors"])


def test_the_review_service_says_what_is_wrong(app, api, people, programme):
    proposal_id = _make(app, people["applicant"], programme, status=Status.SCREENING)
    body = {**SCORES, "need": 0, "benefit": 6, "comment": "c" * 5001}
    response = api.put(f"/proposals/{proposal_id}/review", "staff", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "need": ["Give a whole number from 1 to 5."],
        "benefit": ["Give a whole number from 1 to 5."],
        "comment": ["At most 5000 characters."],
    }
    with app.app_context():
        assert db.session.scalars(select(Review)).all() == []


def test_the_review_service_itself_refuses_a_score_out_of_range(app, people, programme):
    """Whatever calls it (the page's form offers only 1 to 5), the service decides."""
    proposal_id = _make(app, people["applicant"], programme, status=Status.SCREENING)
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        staff = db.session.get(User, people["staff"])
        with pytest.raises(Invalid) as refused:
            save_review(proposal, staff, {**SCORES, "feasibility": 7}, "")
        assert refused.value.errors == {"feasibility": ["Give a whole number from 1 to 5."]}
        assert db.session.scalars(select(Review)).all() == []


def test_a_review_scores_at_the_limits_and_leaves_no_comment(app, api, people, programme):
    proposal_id = _make(app, people["applicant"], programme, status=Status.SCREENING)
    body = {**SCORES, "need": 1, "benefit": 5, "comment": None}
    response = api.put(f"/proposals/{proposal_id}/review", "staff", json=body)
    assert response.status_code == 200, response.text
    assert (response.get_json()["need"], response.get_json()["comment"]) == (1, "")


def test_reviews_only_while_screening(app, api, people, programme):
    proposal_id = _make(app, people["applicant"], programme, status=Status.PILOT)
    assert api.put(f"/proposals/{proposal_id}/review", "staff", json=SCORES).status_code == 409


def test_programmes_are_public(app, api, programme):
    response = api.get("/programmes")
    assert response.status_code == 200
    with app.app_context():
        name = db.session.get(Programme, programme).name
    assert response.get_json()["items"] == [
        {
            "id": programme,
            "name": name,
            "start_year": date.today().year - 1,
            "end_year": date.today().year + 1,
        }
    ]


def test_listing_takes_the_same_number_of_queries_for_more_proposals(app, api, people, programme):
    from sqlalchemy import event

    def statements(n_more: int) -> int:
        for n in range(n_more):
            _make(
                app,
                people["applicant"],
                programme,
                status=Status.PILOT if n % 2 else Status.SUBMITTED,
                experiment_owner_id=people["staff"],
            )
        api.token("staff")
        count = 0

        def counter(*_args):
            nonlocal count
            count += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            response = api.get("/proposals?per_page=100", "staff")
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        assert response.status_code == 200
        return count

    assert statements(2) == statements(10)
