"""Files on a proposal through the API: who may do what, which files are taken, downloads."""

import pytest
from sqlalchemy import func, select

from experiments.errors import Invalid
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Attachment, AttachmentContent, AuditEntry, Proposal
from tests import builders, files


@pytest.fixture
def draft(app, people, programme):
    with app.app_context():
        return builders.make_proposal(people["applicant"], programme, status=Status.DRAFT)


@pytest.fixture
def pilot(app, people, programme):
    with app.app_context():
        return builders.make_proposal(
            people["applicant"], programme, status=Status.PILOT, experiment_owner_id=people["staff"]
        )


def _add(api, proposal_id, who, data=files.PDF, name="pitch.pdf", **fields):
    return api.post(
        f"/proposals/{proposal_id}/attachments",
        who,
        data=files.multipart(data, name, **fields),
        content_type=files.MULTIPART,
    )


def _stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment))


def test_the_applicant_adds_a_file_to_a_draft_and_reads_it_back(app, api, draft):
    added = _add(api, draft, "applicant", name="Esitys ääkkösin.pdf", confidential="true")
    assert added.status_code == 201, added.text
    body = added.get_json()
    assert body["filename"] == "Esitys ääkkösin.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(files.PDF)
    assert body["confidential"] is True
    assert body["public"] is False
    assert body["uploaded_by"]["name"] == "Applicant"
    assert added.headers["Location"].endswith(f"/proposals/{draft}/attachments/{body['id']}")

    listed = api.get(f"/proposals/{draft}/attachments", "applicant").get_json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]

    download = api.get(f"/proposals/{draft}/attachments/{body['id']}", "staff")
    assert download.status_code == 200
    assert download.data == files.PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Esitys%20%C3%A4%C3%A4kk%C3%B6sin.pdf" in disposition


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (files.PDF, "report.pdf", "application/pdf"),
        (files.PNG, "chart.png", "image/png"),
        (files.JPEG, "photo.JPG", "image/jpeg"),
        (files.odf(), "plan.odt", "application/vnd.oasis.opendocument.text"),
        (
            files.odf("application/vnd.oasis.opendocument.spreadsheet"),
            "budget.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            files.ooxml(),
            "letter.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            files.ooxml("xl/workbook.xml"),
            "budget.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (files.CSV, "counts.csv", "text/csv"),
        ("Hei, tässä suunnitelma.\r\n".encode(), "notes.txt", "text/plain"),
        # HTML is text: it is kept as text/plain and only ever downloaded (nosniff).
        (files.HTML, "page.txt", "text/plain"),
    ],
)
def test_the_kinds_taken_are_recognised_by_their_content(api, draft, data, name, content_type):
    added = _add(api, draft, "applicant", data=data, name=name)
    assert added.status_code == 201, added.text
    assert added.get_json()["content_type"] == content_type


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (files.SCRIPT, "invoice.pdf"),  # a script named as a PDF
        (files.ELF, "invoice.pdf"),
        (files.ELF, "program.txt"),
        (files.plain_zip(), "archive.docx"),  # a zip that is no document
        (files.PDF, "report.txt"),  # a real PDF whose name says otherwise
        (files.PNG, "photo.jpg"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anim.gif"),
        (b"teksti\x00jossa nolla", "notes.txt"),
        (b"\xff\xfe\x00t\x00e", "notes.txt"),  # not UTF-8
    ],
)
def test_a_file_not_what_it_claims_is_refused_with_415(app, api, draft, data, name):
    refused = _add(api, draft, "applicant", data=data, name=name)
    assert refused.status_code == 415, refused.text
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.get_json()["errors"]["file"]
    assert _stored(app) == 0


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("../x.pdf", "folders"),
        ("..\\x.pdf", "folders"),
        ("dir/x.pdf", "folders"),
        ("a\x00b.pdf", "control characters"),
        ("tab\there.pdf", "control characters"),
        ("evil\u202efdp.txt", "control characters"),
        ("x" * 197 + ".pdf", "too long"),
        (".pdf", "ends with its type"),
        ("noending", "ends with its type"),
    ],
)
def test_a_hostile_or_unusable_name_is_refused_and_nothing_stored(app, api, draft, name, said):
    refused = _add(api, draft, "applicant", name=name)
    assert refused.status_code == 422, refused.text
    assert said in " ".join(refused.get_json()["errors"]["file"])
    assert _stored(app) == 0


@pytest.mark.parametrize("name", ["a\r\nX-Evil: 1.pdf", "a\nb.pdf", "a\x85b.pdf", "a\u2028b.pdf"])
def test_a_name_with_a_line_break_is_refused(ctx, name):
    from experiments.services.attachments import checked_filename

    with pytest.raises(Invalid) as refused:
        checked_filename(name)
    assert "control characters" in refused.value.errors["file"][0]


def test_unicode_letters_are_kept_in_names(ctx):
    from experiments.services.attachments import checked_filename

    assert checked_filename("Budjetti å ä ö.xlsx") == "Budjetti å ä ö.xlsx"
    # The same letters written decomposed are kept in their composed form.
    assert checked_filename("a\u0308.pdf") == "ä.pdf"


def test_an_empty_file_is_refused(app, api, draft):
    refused = _add(api, draft, "applicant", data=b"", name="empty.txt")
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["file"] == ["The file is empty."]
    assert _stored(app) == 0


def test_a_file_over_10_mib_is_refused_with_413(app, api, draft):
    refused = _add(api, draft, "applicant", data=b"a" * (10 * files.MIB + 1), name="big.txt")
    assert refused.status_code == 413
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.get_json()["errors"]["file"] == ["The file is too large: at most 10 MB."]
    assert _stored(app) == 0
    exactly = _add(api, draft, "applicant", data=b"a" * (10 * files.MIB), name="big.txt")
    assert exactly.status_code == 201


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(app, api, draft):
    refused = _add(api, draft, "applicant", data=b"a" * (12 * files.MIB), name="big.txt")
    assert refused.status_code == 413
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert _stored(app) == 0


def test_other_requests_keep_the_1_mib_limit(api, draft):
    body = b'{"title": "' + b"a" * (1024 * 1024) + b'"}'
    refused = api.patch(
        f"/proposals/{draft}", "applicant", data=body, content_type="application/json"
    )
    assert refused.status_code == 413


def test_a_proposal_keeps_at_most_50_mib_of_files(app, api, draft):
    chunk = b"a" * (10 * files.MIB)
    for n in range(5):
        assert _add(api, draft, "applicant", data=chunk, name=f"part{n}.txt").status_code == 201
    refused = _add(api, draft, "applicant", data=b"one more", name="last.txt")
    assert refused.status_code == 413
    assert "at most 50 MB" in refused.get_json()["errors"]["file"][0]
    # A deleted file's bytes no longer count.
    first = api.get(f"/proposals/{draft}/attachments", "applicant").get_json()["items"][0]
    assert (
        api.delete(f"/proposals/{draft}/attachments/{first['id']}", "applicant").status_code == 204
    )
    assert _add(api, draft, "applicant", data=b"one more", name="last.txt").status_code == 201


def test_the_applicant_adds_files_only_while_the_proposal_is_editable(app, api, people, programme):
    with app.app_context():
        submitted = builders.make_proposal(people["applicant"], programme, status=Status.SUBMITTED)
        more_info = builders.make_proposal(people["applicant"], programme, status=Status.MORE_INFO)
    assert _add(api, more_info, "applicant").status_code == 201
    refused = _add(api, submitted, "applicant")
    assert refused.status_code == 409
    assert "while the proposal is a draft or awaits more" in refused.get_json()["detail"]
    # Staff add files at any stage.
    assert _add(api, submitted, "staff").status_code == 201
    assert _add(api, submitted, "manager").status_code == 201


def test_who_sees_a_proposals_files(app, api, draft):
    added = _add(api, draft, "applicant").get_json()
    one = f"/proposals/{draft}/attachments/{added['id']}"
    for who in ("applicant", "staff", "manager"):
        assert api.get(f"/proposals/{draft}/attachments", who).status_code == 200
        assert api.get(one, who).status_code == 200
    # Another applicant and an admin see nothing, not even that the proposal exists.
    for who in ("other", "admin"):
        assert api.get(f"/proposals/{draft}/attachments", who).status_code in (403, 404)
        assert api.get(one, who).status_code in (403, 404)
        assert _add(api, draft, who).status_code in (403, 404)
        assert api.delete(one, who).status_code in (403, 404)
    assert api.get(f"/proposals/{draft}/attachments", "other").status_code == 404
    assert api.get(one, "other").status_code == 404
    assert api.delete(one, "other").status_code == 404
    assert _add(api, draft, "other").status_code == 404
    assert api.get(f"/proposals/{draft}/attachments").status_code == 401
    # A file is found only under its own proposal.
    assert (
        api.get(f"/proposals/{draft + 999}/attachments/{added['id']}", "staff").status_code == 404
    )


def test_a_file_of_another_proposal_is_not_found_under_this_one(app, api, people, programme):
    with app.app_context():
        mine = builders.make_proposal(people["applicant"], programme, status=Status.DRAFT)
        theirs = builders.make_proposal(people["other"], programme, status=Status.DRAFT)
    their_file = _add(api, theirs, "other").get_json()["id"]
    assert api.get(f"/proposals/{mine}/attachments/{their_file}", "applicant").status_code == 404
    assert api.delete(f"/proposals/{mine}/attachments/{their_file}", "applicant").status_code == 404


def test_only_staff_publish_and_never_a_confidential_file(app, api, pilot):
    refused = _add(api, pilot, "applicant", public="true")
    assert refused.status_code in (403, 409)
    both = _add(api, pilot, "staff", public="true", confidential="true")
    assert both.status_code == 422
    assert both.get_json()["errors"]["public"] == ["A confidential file is never published."]
    assert _stored(app) == 0

    secret = _add(api, pilot, "staff", confidential="true").get_json()
    published = api.patch(
        f"/proposals/{pilot}/attachments/{secret['id']}", "staff", json={"public": True}
    )
    assert published.status_code == 409
    with app.app_context():
        assert db.session.get(Attachment, secret["id"]).public is False


def test_a_bad_flag_is_refused(api, draft):
    refused = _add(api, draft, "applicant", confidential="yes please")
    assert refused.status_code == 422
    assert "confidential" in refused.get_json()["errors"]


def test_deleting_a_file_keeps_its_name_who_and_when(app, api, people, draft):
    added = _add(api, draft, "applicant", name="budget.pdf").get_json()
    path = f"/proposals/{draft}/attachments/{added['id']}"
    assert api.delete(path, "applicant").status_code == 204
    assert api.get(path, "applicant").status_code == 404
    assert api.get(f"/proposals/{draft}/attachments", "staff").get_json()["items"] == []
    assert api.delete(path, "staff").status_code == 404
    with app.app_context():
        kept = db.session.get(Attachment, added["id"])
        assert kept.filename == "budget.pdf"
        assert kept.deleted_by_id == people["applicant"]
        assert kept.deleted_at is not None
        assert db.session.get(AttachmentContent, added["id"]) is None
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "attachment", AuditEntry.object_id == added["id"])
            .order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == ["created", "updated"]
        assert entries[0].changes["filename"] == [None, "budget.pdf"]
        assert entries[0].actor_id == people["applicant"]
        assert entries[1].changes["deleted_by_id"] == [None, people["applicant"]]
        # The bytes are never copied into the trail.
        assert not db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.object_type == "attachment_content")
        )
    audit = api.get(f"/audit?object_type=attachment&object_id={added['id']}", "manager")
    assert audit.status_code == 200
    assert {item["action"] for item in audit.get_json()["items"]} == {"created", "updated"}


def test_who_may_delete_a_file(app, api, people, programme, draft):
    staff_file = _add(api, draft, "staff").get_json()["id"]
    own_file = _add(api, draft, "applicant").get_json()["id"]
    # The applicant may not delete the city's file.
    assert (
        api.delete(f"/proposals/{draft}/attachments/{staff_file}", "applicant").status_code == 403
    )
    with app.app_context():
        proposal = db.session.get(Proposal, draft)
        proposal.status = Status.SUBMITTED
        builders.commit()
    # Nor, once submitted, their own.
    refused = api.delete(f"/proposals/{draft}/attachments/{own_file}", "applicant")
    assert refused.status_code == 409
    # Staff delete any file at any stage.
    assert api.delete(f"/proposals/{draft}/attachments/{own_file}", "manager").status_code == 204
    assert api.delete(f"/proposals/{draft}/attachments/{staff_file}", "staff").status_code == 204


def test_account_deletion_keeps_the_files_of_the_programmes_record(app, api, client, people, draft):
    added = _add(api, draft, "applicant").get_json()
    with app.app_context():
        from experiments.models import User
        from experiments.services.account_deletion import delete_account

        delete_account(db.session.get(User, people["applicant"]), builders.PASSWORD)
    listed = api.get(f"/proposals/{draft}/attachments", "staff").get_json()["items"]
    assert [item["id"] for item in listed] == [added["id"]]
    assert listed[0]["uploaded_by"]["name"] == "Deleted user"
    assert api.get(f"/proposals/{draft}/attachments/{added['id']}", "staff").data == files.PDF


def test_the_database_refuses_a_public_confidential_file(app, api, draft):
    from sqlalchemy.exc import IntegrityError

    added = _add(api, draft, "staff", confidential="true").get_json()
    with app.app_context():
        db.session.get(Attachment, added["id"]).public = True
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_download_is_of_a_documented_type(client, api, draft):
    doc = client.get("/api/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/proposals/{proposal_id}/attachments/{attachment_id}"]["get"]
    documented = set(operation["responses"]["200"]["content"])
    for data, name in ((files.PDF, "a.pdf"), (files.CSV, "b.csv"), (b"hello\n", "c.txt")):
        added = _add(api, draft, "applicant", data=data, name=name).get_json()
        download = api.get(f"/proposals/{draft}/attachments/{added['id']}", "applicant")
        assert download.mimetype in documented
        assert download.mimetype == added["content_type"]
