"""The reports API (SPEC: Pilot reports): the team files, staff review; problems as JSON."""

from datetime import timedelta

import pytest

from experiments.extensions import db
from experiments.models import Attachment, Experiment, TeamMember
from tests import builders, files
from tests.pilot_support import count, make_pilot


@pytest.fixture
def pilot(app, people, programme):
    _, eid = make_pilot(app, people["applicant"], programme, experiment_owner_id=people["staff"])
    with app.app_context():
        start = db.session.get(Experiment, eid).start_date
    return eid, start


def _report(start, **overrides):
    body = {
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=27)).isoformat(),
        "summary": "Twelve walks.",
        "participation": [
            {"category": "residents_customers", "count": 40},
            {"category": "employees", "count": 0},
        ],
        "problems": "Snow.",
    }
    return body | overrides


def test_the_team_files_a_report_and_reads_it(api, pilot):
    eid, start = pilot
    response = api.post(f"/experiments/{eid}/reports", "applicant", json=_report(start))
    assert response.status_code == 201, response.text
    item = response.get_json()
    assert item["status"] == "submitted"
    assert item["submitted_by"]["name"] == "Applicant"
    assert item["reviewed_by"] is None and item["review_comment"] is None
    assert {c["category"]: c["count"] for c in item["participation"]} == {
        "residents_customers": 40,
        "companies_communities": 0,
        "employees": 0,
    }
    listed = api.get(f"/experiments/{eid}/reports", "applicant").get_json()["items"]
    assert [r["id"] for r in listed] == [item["id"]]
    assert api.get(f"/experiments/{eid}/reports", "manager").status_code == 200


@pytest.mark.parametrize("who, status", [("other", 404), ("admin", 403), (None, 401)])
def test_others_do_not_reach_the_reports(api, pilot, who, status):
    eid, start = pilot
    assert api.get(f"/experiments/{eid}/reports", who).status_code == status
    response = api.post(f"/experiments/{eid}/reports", who, json=_report(start))
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"summary": " "}, "summary"),
        ({"participation": [{"category": "robots", "count": 1}]}, "participation.0.category"),
        ({"participation": [{"category": "employees", "count": -1}]}, "participation.0.count"),
        (
            {
                "participation": [
                    {"category": "employees", "count": 1},
                    {"category": "employees", "count": 2},
                ]
            },
            "participation.1.category",
        ),
        ({"period_end": "2000-01-01"}, "period_end"),
    ],
)
def test_an_invalid_report_is_422(api, pilot, overrides, field):
    eid, start = pilot
    response = api.post(
        f"/experiments/{eid}/reports", "applicant", json=_report(start, **overrides)
    )
    assert response.status_code == 422, response.text
    assert field in response.get_json()["errors"]


def test_accepting_counts_once_and_twice_is_409(api, pilot, programme, client):
    eid, start = pilot
    before = client.get(f"/api/v1/statistics?programme={programme}").get_json()["participants"]
    rid = api.post(f"/experiments/{eid}/reports", "applicant", json=_report(start)).get_json()["id"]
    assert (
        api.post(
            f"/experiments/{eid}/reports/{rid}/review", "applicant", json={"decision": "accept"}
        ).status_code
        == 403
    )
    accepted = api.post(
        f"/experiments/{eid}/reports/{rid}/review", "staff", json={"decision": "accept"}
    )
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert accepted.get_json()["reviewed_by"]["name"] == "Staff"
    again = api.post(
        f"/experiments/{eid}/reports/{rid}/review",
        "manager",
        json={"decision": "return", "comment": "No."},
    )
    assert again.status_code == 409
    after = client.get(f"/api/v1/statistics?programme={programme}").get_json()["participants"]
    assert after["residents_customers"] - before["residents_customers"] == 40
    participation = api.get(f"/experiments/{eid}/participation", "staff").get_json()["items"]
    assert [p["count"] for p in participation] == [40]


def test_returning_needs_a_comment(api, pilot):
    eid, start = pilot
    rid = api.post(f"/experiments/{eid}/reports", "applicant", json=_report(start)).get_json()["id"]
    refused = api.post(
        f"/experiments/{eid}/reports/{rid}/review", "staff", json={"decision": "return"}
    )
    assert refused.status_code == 422 and "comment" in refused.get_json()["errors"]
    returned = api.post(
        f"/experiments/{eid}/reports/{rid}/review",
        "staff",
        json={"decision": "return", "comment": "Count the staff."},
    )
    assert returned.get_json()["review_comment"] == "Count the staff."


def test_another_experiments_report_is_404(api, pilot, app, people, programme):
    eid, start = pilot
    _, other = make_pilot(app, people["other"], programme)
    rid = api.post(f"/experiments/{eid}/reports", "applicant", json=_report(start)).get_json()["id"]
    response = api.post(
        f"/experiments/{other}/reports/{rid}/review", "staff", json={"decision": "accept"}
    )
    assert response.status_code == 404


def test_the_document_describes_the_reports(client):
    document = client.get("/api/openapi.json").get_json()
    paths = document["paths"]
    assert set(paths["/api/v1/experiments/{experiment_id}/reports"]) >= {"get", "post"}
    review = paths["/api/v1/experiments/{experiment_id}/reports/{report_id}/review"]["post"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(review["responses"])
    report = document["components"]["schemas"]["Report"]
    assert set(report["required"]) == {
        "id",
        "period_start",
        "period_end",
        "summary",
        "participation",
        "problems",
        "status",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "review_comment",
        "attachments",
    }
    upload = paths["/api/v1/experiments/{experiment_id}/reports/{report_id}/attachments"]["post"]
    assert {"201", "401", "403", "404", "409", "413", "415"} <= set(upload["responses"])
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert report["properties"]["status"]["enum"] == ["submitted", "accepted", "returned"]
    decision = document["components"]["schemas"]["ReportReviewIn"]["properties"]["decision"]
    assert decision["enum"] == ["accept", "return"]


def _upload(api, eid, rid, who, data=files.PDF, name="visitors.pdf", **fields):
    return api.post(
        f"/experiments/{eid}/reports/{rid}/attachments",
        who,
        data=files.multipart(data, name, **fields),
        content_type=files.MULTIPART,
    )


def test_the_team_adds_a_file_to_its_report_and_the_list_shows_it(app, api, pilot):
    eid, start = pilot
    rid = api.post(f"/experiments/{eid}/reports", "applicant", json=_report(start)).get_json()["id"]
    added = _upload(api, eid, rid, "applicant", name="Kävijät.pdf", confidential="true")
    assert added.status_code == 201, added.text
    item = added.get_json()
    assert (item["filename"], item["content_type"], item["size"]) == (
        "Kävijät.pdf",
        "application/pdf",
        len(files.PDF),
    )
    assert item["confidential"] is True and item["public"] is False
    with app.app_context():
        proposal_id = db.session.get(Experiment, eid).proposal_id
    url = f"/api/v1/proposals/{proposal_id}/attachments/{item['id']}"
    assert added.headers["Location"].endswith(url)
    listed = api.get(f"/experiments/{eid}/reports", "staff").get_json()["items"]
    assert listed[0]["attachments"] == [
        {
            "id": item["id"],
            "filename": "Kävijät.pdf",
            "content_type": "application/pdf",
            "size": len(files.PDF),
            "url": url,
        }
    ]
    downloaded = api.get(url.removeprefix("/api/v1"), "staff")
    assert downloaded.status_code == 200 and downloaded.data == files.PDF
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
    # Another report, filed without files, lists none.
    later = _report(start, period_start=(start + timedelta(days=28)).isoformat())
    later["period_end"] = (start + timedelta(days=40)).isoformat()
    assert api.post(f"/experiments/{eid}/reports", "applicant", json=later).status_code == 201
    newest, first = api.get(f"/experiments/{eid}/reports", "applicant").get_json()["items"]
    assert newest["attachments"] == [] and first["attachments"] == listed[0]["attachments"]


def test_a_co_worker_adds_and_reads_a_file_another_pilots_team_does_not(
    app, api, pilot, people, programme
):
    eid, start = pilot
    _, other = make_pilot(app, people["other"], programme)
    with app.app_context():
        for email, experiment_id, owner in (
            ("coworker@test.example", eid, "applicant"),
            ("rival@test.example", other, "other"),
        ):
            user_id = builders.make_user(email=email)
            api.people[email.split("@")[0]] = user_id
            db.session.add(
                TeamMember(experiment_id=experiment_id, user_id=user_id, added_by_id=people[owner])
            )
        builders.commit()
    rid = api.post(f"/experiments/{eid}/reports", "coworker", json=_report(start)).get_json()["id"]
    added = _upload(api, eid, rid, "coworker", data=files.PNG, name="photo.png")
    assert added.status_code == 201, added.text
    url = added.headers["Location"].split("/api/v1", 1)[1]
    assert api.get(url, "coworker").status_code == 200
    assert api.get(url, "rival").status_code == 404
    assert api.get(url, "other").status_code == 404
    assert _upload(api, eid, rid, "rival").status_code == 404
    assert _upload(api, other, rid, "other").status_code == 404


def test_a_refused_file_is_415_or_413_and_nothing_is_stored(app, api, pilot):
    eid, start = pilot
    rid = api.post(f"/experiments/{eid}/reports", "applicant", json=_report(start)).get_json()["id"]
    refused = _upload(api, eid, rid, "applicant", data=files.ELF, name="run.pdf")
    assert refused.status_code == 415
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert "file" in refused.get_json()["errors"]
    big = b"%PDF-1.4\n" + b"0" * (10 * files.MIB)
    assert _upload(api, eid, rid, "applicant", data=big).status_code == 413
    assert count(app, Attachment) == 0


def test_an_accepted_report_takes_no_more_files(app, api, pilot):
    eid, start = pilot
    rid = api.post(f"/experiments/{eid}/reports", "applicant", json=_report(start)).get_json()["id"]
    accepted = api.post(
        f"/experiments/{eid}/reports/{rid}/review", "staff", json={"decision": "accept"}
    )
    assert accepted.status_code == 200
    assert _upload(api, eid, rid, "applicant").status_code == 409
    assert count(app, Attachment) == 0
