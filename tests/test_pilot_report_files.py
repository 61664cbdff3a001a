"""Files sent with a pilot's report: stored as the proposal's files, with the report, all or
nothing; the pilot's team and staff read them, nobody else."""

import hashlib

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.models import (
    Attachment,
    AttachmentContent,
    AuditEntry,
    Experiment,
    ExperimentReport,
    TeamMember,
)
from tests import builders, files
from tests.pilot_support import count, login, make_pilot
from tests.test_pilot_reports import _form, _report_id, _review


@pytest.fixture
def pilot(app, people, programme):
    """The applicant's pilot with a co-worker in its team, and another applicant's pilot with
    a co-worker of its own (the rival)."""
    proposal_id, eid = make_pilot(app, people["applicant"], programme)
    _, other = make_pilot(app, people["other"], programme)
    with app.app_context():
        for email, experiment_id, owner in (
            ("coworker@test.example", eid, "applicant"),
            ("rival@test.example", other, "other"),
        ):
            user_id = builders.make_user(email=email, name=email.split("@")[0].title())
            db.session.add(
                TeamMember(experiment_id=experiment_id, user_id=user_id, added_by_id=people[owner])
            )
        builders.commit()
    return proposal_id, eid


def _body(fields: dict, uploads: list[tuple[str, bytes]]) -> bytes:
    """A multipart body as a browser sends the report form: its fields, then each file."""
    parts = [
        f'--{files.BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        f"{value}\r\n".encode()
        for key, value in fields.items()
    ]
    for name, data in uploads or [("", b"")]:
        parts.append(
            f'--{files.BOUNDARY}\r\nContent-Disposition: form-data; name="report-files"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{files.BOUNDARY}--\r\n".encode()


def _file(app, client, eid, uploads, path=None, **overrides):
    return client.post(
        path or f"/pilots/{eid}/reports",
        data=_body(_form(app, eid, **overrides), uploads),
        content_type=files.MULTIPART,
    )


def _stored(app):
    with app.app_context():
        return [
            (a.filename, a.report_id, a.content_type, a.size, a.confidential)
            for a in db.session.scalars(select(Attachment).order_by(Attachment.id))
        ]


def test_the_team_sends_files_with_a_report_and_staff_see_them(app, client, auth, pilot):
    proposal_id, eid = pilot
    login(auth, client, "coworker")
    page = client.get(f"/pilots/{eid}")
    assert 'enctype="multipart/form-data"' in page.text and 'name="report-files"' in page.text
    sent = _file(
        app,
        client,
        eid,
        [("Kävijät tammikuu.csv", files.CSV), ("kuva.png", files.PNG)],
        **{"report-confidential": "y"},
    )
    assert sent.status_code == 303
    rid = _report_id(app)
    assert _stored(app) == [
        ("Kävijät tammikuu.csv", rid, "text/csv", len(files.CSV), True),
        ("kuva.png", rid, "image/png", len(files.PNG), True),
    ]
    with app.app_context():
        first = db.session.scalars(select(Attachment).order_by(Attachment.id)).first()
        assert first.proposal_id == proposal_id
        assert first.uploaded_by.email == "coworker@test.example"
        assert first.sha256 == hashlib.sha256(files.CSV).hexdigest()
        file_id = first.id
        # Recorded in the audit trail, with the report it was sent with.
        entry = db.session.scalar(
            select(AuditEntry).where(
                AuditEntry.object_type == "attachment", AuditEntry.object_id == file_id
            )
        )
        assert entry.action == "created" and entry.changes["report_id"] == [None, rid]
    team_page = client.get(f"/pilots/{eid}").text
    assert "Kävijät tammikuu.csv" in team_page and "kuva.png" in team_page
    link = f"/proposals/{proposal_id}/attachments/{file_id}"
    assert link in team_page
    downloaded = client.get(link)
    assert downloaded.status_code == 200 and downloaded.data == files.CSV
    assert downloaded.headers["Content-Disposition"].startswith("attachment")
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"

    login(auth, client, "staff")
    staff_page = client.get(f"/pilots/{eid}").text
    assert "Kävijät tammikuu.csv" in staff_page and "Confidential: never published" in staff_page
    assert client.get(link).status_code == 200
    confirmation = _review(client, eid, rid, "accept", confirmed=False)
    assert "Accept the report" in confirmation.text and "kuva.png" in confirmation.text
    # Among the proposal's files, they say which report they came with.
    proposal_page = client.get(f"/proposals/{proposal_id}").text
    assert "kuva.png" in proposal_page and "Sent with the pilot" in proposal_page


def test_a_report_without_files_stores_none(app, client, auth, pilot):
    _, eid = pilot
    login(auth, client, "applicant")
    assert _file(app, client, eid, []).status_code == 303
    assert count(app, ExperimentReport) == 1 and count(app, Attachment) == 0


def test_another_pilots_team_and_others_do_not_get_the_file(app, client, auth, pilot):
    proposal_id, eid = pilot
    login(auth, client, "applicant")
    assert _file(app, client, eid, [("notes.txt", b"Twelve walks.\n")]).status_code == 303
    with app.app_context():
        file_id = db.session.scalar(select(Attachment.id))
    link = f"/proposals/{proposal_id}/attachments/{file_id}"
    assert client.get(link).status_code == 200
    for who in ("rival", "other"):
        login(auth, client, who)
        assert client.get(link).status_code == 404
        assert client.get(f"/pilots/{eid}").status_code == 404
    # A co-worker reads the report's files, not the proposal's other files.
    with app.app_context():
        own = Attachment(
            proposal_id=proposal_id,
            filename="budget.pdf",
            content_type="application/pdf",
            size=len(files.PDF),
            sha256="0" * 64,
            uploaded_by_id=db.session.get(Experiment, eid).proposal.owner_id,
        )
        db.session.add(own)
        db.session.flush()
        db.session.add(AttachmentContent(attachment_id=own.id, data=files.PDF))
        builders.commit()
        own_id = own.id
    login(auth, client, "coworker")
    assert client.get(link).status_code == 200
    assert client.get(f"/proposals/{proposal_id}/attachments/{own_id}").status_code == 404


def test_a_file_of_a_kind_not_taken_refuses_the_whole_report(app, client, auth, pilot):
    _, eid = pilot
    login(auth, client, "applicant")
    refused = _file(app, client, eid, [("notes.txt", b"Walks.\n"), ("run.pdf", files.ELF)])
    assert refused.status_code == 415
    assert "run.pdf: This kind of file is not taken." in refused.text
    # The other fields are kept for sending again.
    assert "Twelve walks with the robot." in refused.text
    assert count(app, ExperimentReport) == 0 and count(app, Attachment) == 0


def test_the_files_and_the_fields_are_refused_together(app, client, auth, pilot):
    _, eid = pilot
    login(auth, client, "applicant")
    refused = _file(app, client, eid, [("run.sh", files.ELF)], **{"report-summary": ""})
    assert refused.status_code == 422
    assert "Tell what was done in the period." in refused.text
    assert "run.sh: This kind of file is not taken." in refused.text
    assert count(app, ExperimentReport) == 0 and count(app, Attachment) == 0


def test_a_file_over_10_mib_is_413_and_nothing_is_stored(app, client, auth, pilot):
    _, eid = pilot
    login(auth, client, "applicant")
    big = b"%PDF-1.4\n" + b"0" * (10 * files.MIB)
    refused = _file(app, client, eid, [("big.pdf", big)])
    assert refused.status_code == 413
    assert "The file is too large: at most 10 MB." in refused.text
    assert count(app, ExperimentReport) == 0 and count(app, Attachment) == 0


def test_a_body_over_the_limit_is_413_beside_the_form(app, client, auth, pilot):
    _, eid = pilot
    login(auth, client, "applicant")
    huge = b"%PDF-1.4\n" + b"0" * (51 * files.MIB)
    refused = _file(app, client, eid, [("huge.pdf", huge)])
    assert refused.status_code == 413
    assert "The files are too large: at most 10 MB each and 50 MB" in refused.text
    assert 'name="report-files"' in refused.text
    assert count(app, ExperimentReport) == 0
    login(auth, client, "rival")
    assert _file(app, client, eid, [("huge.pdf", huge)]).status_code == 404
    auth.logout()
    anonymous = _file(app, client, eid, [("huge.pdf", huge)])
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_files_past_the_proposals_limit_leave_no_report_behind(app, client, auth, pilot):
    """The report is written before its files; the refusal of the files undoes it too."""
    proposal_id, eid = pilot
    with app.app_context():
        db.session.add(
            Attachment(
                proposal_id=proposal_id,
                filename="video.pdf",
                content_type="application/pdf",
                size=50 * files.MIB - 10,
                sha256="0" * 64,
                uploaded_by_id=db.session.get(Experiment, eid).proposal.owner_id,
            )
        )
        builders.commit()
    login(auth, client, "applicant")
    refused = _file(app, client, eid, [("notes.txt", b"Twelve walks with the robot.\n")])
    assert refused.status_code == 413
    assert "A proposal keeps at most 50 MB of files" in refused.text
    assert count(app, ExperimentReport) == 0 and count(app, Attachment) == 1


def test_a_corrected_report_takes_more_files(app, client, auth, pilot):
    proposal_id, eid = pilot
    login(auth, client, "applicant")
    assert _file(app, client, eid, [("first.txt", b"First.\n")]).status_code == 303
    rid = _report_id(app)
    login(auth, client, "staff")
    assert _review(client, eid, rid, "return", "Add the photos.").status_code == 303
    login(auth, client, "coworker")
    path = f"/pilots/{eid}/reports/{rid}/correct"
    page = client.get(path)
    assert "first.txt" in page.text and 'enctype="multipart/form-data"' in page.text
    refused = _file(app, client, eid, [("photo.png", files.ELF)], path=path)
    assert refused.status_code == 415 and "first.txt" in refused.text
    assert _file(app, client, eid, [("photo.png", files.PNG)], path=path).status_code == 303
    assert [(name, report) for name, report, *_ in _stored(app)] == [
        ("first.txt", rid),
        ("photo.png", rid),
    ]
    with app.app_context():
        assert db.session.get(ExperimentReport, rid).status.value == "submitted"
