"""Files on the proposal page, and published files on the experiment's public page."""

import io
import re

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Attachment, Experiment, Proposal
from tests import builders, files


@pytest.fixture
def draft(app, people, programme):
    with app.app_context():
        return builders.make_proposal(people["applicant"], programme, status=Status.DRAFT)


@pytest.fixture
def adopted(app, people, programme):
    """A public experiment's proposal id and the experiment's id."""
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"],
            programme,
            status=Status.ADOPTED,
            experiment_owner_id=people["staff"],
        )
        return proposal_id, db.session.get(Proposal, proposal_id).experiment.id


def _post(client, path, data, name, **fields):
    fields = {f"attachment-{key}": value for key, value in fields.items()}
    return client.post(
        path,
        data=files.multipart(data, name, field="attachment-file", **fields),
        content_type=files.MULTIPART,
    )


def _add(client, proposal_id, data=files.PDF, name="pitch.pdf", **fields):
    return _post(client, f"/proposals/{proposal_id}/attachments", data, name, **fields)


def _files(app, proposal_id):
    with app.app_context():
        return db.session.scalars(
            select(Attachment).where(Attachment.proposal_id == proposal_id).order_by(Attachment.id)
        ).all()


def test_the_applicant_adds_a_file_on_the_proposal_page(app, client, auth, draft):
    auth.login("applicant")
    page = client.get(f"/proposals/{draft}")
    assert 'enctype="multipart/form-data"' in page.text
    assert "Add a file" in page.text
    added = _add(client, draft, name="Liiketoimintasuunnitelma ö.pdf")
    assert added.status_code == 303
    assert added.headers["Location"].endswith(f"/proposals/{draft}#attachments")
    page = client.get(f"/proposals/{draft}")
    assert "The file is added." in page.text
    assert "Liiketoimintasuunnitelma ö.pdf" in page.text
    assert "PDF document" in page.text
    (stored,) = _files(app, draft)
    download = client.get(f"/proposals/{draft}/attachments/{stored.id}")
    assert download.data == files.PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_refused_file_is_said_beside_the_form(app, client, auth, draft):
    auth.login("applicant")
    spoofed = _add(client, draft, data=files.SCRIPT, name="invoice.pdf")
    assert spoofed.status_code == 415
    assert "By its content the file is: plain text. Its name must end with .txt" in spoofed.text
    assert 'id="attachment-file-error"' in spoofed.text
    unknown = _add(client, draft, data=files.ELF, name="invoice.pdf")
    assert unknown.status_code == 415
    assert "This kind of file is not taken." in unknown.text
    hostile = _add(client, draft, name="../../etc/passwd.pdf")
    assert hostile.status_code == 422
    assert "may not contain folders" in hostile.text
    empty = _add(client, draft, data=b"", name="empty.txt")
    assert empty.status_code == 422
    assert "The file is empty." in empty.text
    assert _files(app, draft) == []


def test_an_oversized_upload_is_said_on_the_page_even_with_csrf(make_app, tmp_path):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        applicant = builders.make_user(Role.APPLICANT, email="a@test.example")
        proposal_id = builders.make_proposal(applicant, builders.make_programme())
    client = app.test_client()
    login = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login.text).group(1)
    client.post(
        "/login",
        data={"email": "a@test.example", "password": builders.PASSWORD, "csrf_token": token},
    )
    page = client.get(f"/proposals/{proposal_id}")
    token = re.search(r'name="attachment-csrf_token" type="hidden" value="([^"]+)"', page.text)
    fields = {"csrf_token": token.group(1)}
    # A file of 10 MiB passes the CSRF check, which reads the body before the view does.
    ten = _add(client, proposal_id, data=b"a" * (10 * files.MIB), name="big.txt", **fields)
    assert ten.status_code == 303
    over = _add(client, proposal_id, data=b"a" * (12 * files.MIB), name="bigger.txt", **fields)
    assert over.status_code == 413
    assert "The file is too large: at most 10 MB." in over.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_no_form_once_the_applicant_may_not_add(app, client, auth, people, programme):
    with app.app_context():
        submitted = builders.make_proposal(people["applicant"], programme, status=Status.SUBMITTED)
    auth.login("applicant")
    assert "Add a file" not in client.get(f"/proposals/{submitted}").text
    refused = _add(client, submitted)
    assert refused.status_code == 303
    assert _files(app, submitted) == []


def test_deleting_is_confirmed_first_and_then_shown_in_the_history(app, client, auth, draft):
    auth.login("applicant")
    _add(
        client,
        draft,
        name="budget.ods",
        data=files.odf("application/vnd.oasis.opendocument.spreadsheet"),
    )
    (stored,) = _files(app, draft)
    path = f"/proposals/{draft}/attachments/{stored.id}/delete"
    confirm = client.post(path)
    assert confirm.status_code == 200
    assert "This cannot be undone." in confirm.text
    assert "budget.ods" in confirm.text
    assert not _files(app, draft)[0].deleted
    done = client.post(path, data={"confirmed": "yes"})
    assert done.status_code == 303
    page = client.get(f"/proposals/{draft}")
    assert "The file “budget.ods” is deleted." in page.text
    assert "Deleted files" in page.text
    assert "“budget.ods” deleted" in page.text
    assert client.get(f"/proposals/{draft}/attachments/{stored.id}").status_code == 404
    # Staff read the same line, with who deleted it.
    auth.logout()
    auth.login("staff")
    page = client.get(f"/proposals/{draft}")
    assert "“budget.ods” deleted" in page.text and "(Applicant)" in page.text
    # The proposal's "All changes" lists the file's addition and its deletion.
    changes = page.text[page.text.index('id="all-changes-title"') :]
    assert "Created: File 1" in changes and "Changed: File 1" in changes
    assert "budget.ods" in changes
    assert '<span class="field">Deleted by</span>: – → Applicant' in changes


@pytest.mark.parametrize("who", ["other", "admin"])
def test_others_find_no_file_pages(app, client, auth, draft, who):
    auth.login("applicant")
    _add(client, draft)
    (stored,) = _files(app, draft)
    auth.logout()
    auth.login(who)
    base = f"/proposals/{draft}/attachments"
    expected = 404 if who == "other" else 403
    assert client.get(f"{base}/{stored.id}").status_code == expected
    assert _add(client, draft).status_code == expected
    assert client.post(f"{base}/{stored.id}/delete").status_code == expected
    assert client.post(f"{base}/{stored.id}/public", data={"public": "1"}).status_code == 403
    assert len(_files(app, draft)) == 1 and not _files(app, draft)[0].deleted


def test_signed_out_people_are_sent_to_sign_in(app, client, auth, draft):
    auth.login("applicant")
    _add(client, draft)
    (stored,) = _files(app, draft)
    auth.logout()
    assert client.get(f"/proposals/{draft}/attachments/{stored.id}").status_code == 302
    assert _add(client, draft).status_code == 302


def test_the_applicant_may_not_publish(app, client, auth, adopted, people):
    proposal_id, _experiment_id = adopted
    with app.app_context():
        db.session.get(Proposal, proposal_id).status = Status.DRAFT  # editable again
        builders.commit()
    auth.login("applicant")
    added = _add(client, proposal_id, public="y")
    assert added.status_code == 303
    assert _files(app, proposal_id)[0].public is False  # the checkbox is staff's only


def test_staff_publish_a_file_on_the_experiments_public_page(app, client, auth, adopted):
    proposal_id, experiment_id = adopted
    auth.login("staff")
    _add(client, proposal_id, name="Loppuraportti.pdf", public="y")
    _add(client, proposal_id, name="Sopimus.pdf", confidential="y")
    _add(client, proposal_id, name="Muistio.pdf")
    report, contract, memo = _files(app, proposal_id)
    assert (report.public, contract.public, contract.confidential) == (True, False, True)
    # A confidential file offers no publishing, and publishing it anyway is refused.
    page = client.get(f"/proposals/{proposal_id}")
    assert f"/attachments/{contract.id}/public" not in page.text
    refused = client.post(
        f"/proposals/{proposal_id}/attachments/{contract.id}/public", data={"public": "1"}
    )
    assert refused.status_code == 303
    assert "A confidential file is never published." in client.get(f"/proposals/{proposal_id}").text
    assert _files(app, proposal_id)[1].public is False
    auth.logout()

    public_page = client.get(f"/experiments/{experiment_id}")
    assert "Loppuraportti.pdf" in public_page.text
    assert "Sopimus.pdf" not in public_page.text and "Muistio.pdf" not in public_page.text
    download = client.get(f"/experiments/{experiment_id}/files/{report.id}")
    assert download.status_code == 200 and download.data == files.PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    for hidden in (contract.id, memo.id):
        assert client.get(f"/experiments/{experiment_id}/files/{hidden}").status_code == 404

    items = client.get("/api/v1/public/experiments").get_json()["items"]
    (item,) = [i for i in items if i["id"] == experiment_id]
    assert [a["filename"] for a in item["attachments"]] == ["Loppuraportti.pdf"]
    assert item["attachments"][0]["url"].endswith(f"/experiments/{experiment_id}/files/{report.id}")
    assert item["attachments"][0]["content_type"] == "application/pdf"
    open_data = client.get("/experiments/open-data.json").get_data(as_text=True)
    assert "Loppuraportti.pdf" in open_data and "Sopimus.pdf" not in open_data

    # Taken off the page, or deleted, the file is no longer public anywhere.
    auth.login("staff")
    client.post(f"/proposals/{proposal_id}/attachments/{report.id}/public", data={"public": "0"})
    assert client.get(f"/experiments/{experiment_id}/files/{report.id}").status_code == 404
    client.post(f"/proposals/{proposal_id}/attachments/{report.id}/public", data={"public": "1"})
    client.post(
        f"/proposals/{proposal_id}/attachments/{report.id}/delete", data={"confirmed": "yes"}
    )
    auth.logout()
    assert client.get(f"/experiments/{experiment_id}/files/{report.id}").status_code == 404
    assert "Loppuraportti.pdf" not in client.get(f"/experiments/{experiment_id}").text


def test_a_public_file_of_a_proposal_not_yet_public_is_not_served(
    app, client, auth, people, programme
):
    with app.app_context():
        screening = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    auth.login("staff")
    _add(client, screening, public="y")
    (stored,) = _files(app, screening)
    assert stored.public
    auth.logout()
    with app.app_context():
        experiment_ids = db.session.scalars(select(Experiment.id)).all()
    for experiment_id in [*experiment_ids, 1]:
        assert client.get(f"/experiments/{experiment_id}/files/{stored.id}").status_code == 404


def test_a_name_with_markup_and_quotes_is_shown_and_sent_safely(app, client, auth, draft):
    from werkzeug.http import parse_options_header

    name = '<img src=x onerror=alert(1)> "quoted"; part.pdf'
    auth.login("applicant")
    assert _add(client, draft, name=name).status_code == 303
    page = client.get(f"/proposals/{draft}").text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    (stored,) = _files(app, draft)
    download = client.get(f"/proposals/{draft}/attachments/{stored.id}")
    kind, options = parse_options_header(download.headers["Content-Disposition"])
    assert kind == "attachment"
    assert options["filename"] == name  # filename*, decoded, wins over the ASCII fallback


def test_the_uploaders_data_download_lists_their_files_without_the_bytes(app, client, auth, draft):
    auth.login("applicant")
    _add(client, draft, name="pitch.pdf")
    data = client.get("/account/data.json").get_json()
    (row,) = data["records"]["attachment"]
    assert row["filename"] == "pitch.pdf" and row["size"] == len(files.PDF)
    assert "attachment_content" not in data["records"]


@pytest.mark.parametrize("who", ["applicant", "staff"])
def test_the_proposal_page_reads_its_files_in_the_same_statements_however_many(
    app, client, auth, draft, who
):
    from tests.test_query_counts_pages import statements_for

    auth.login(who)
    _add(client, draft, name="first.pdf")
    few = len(statements_for(app, client, f"/proposals/{draft}"))
    for n in range(4):
        _add(client, draft, name=f"more{n}.pdf")
    with app.app_context():
        for stored in _files(app, draft)[:2]:
            deleted = db.session.get(Attachment, stored.id)
            deleted.deleted_at, deleted.deleted_by_id = stored.uploaded_at, stored.uploaded_by_id
        builders.commit()
    assert len(statements_for(app, client, f"/proposals/{draft}")) == few


def test_a_download_is_never_kept_in_a_cache(app, client, auth, draft):
    auth.login("applicant")
    _add(client, draft)
    (stored,) = _files(app, draft)
    download = client.get(f"/proposals/{draft}/attachments/{stored.id}")
    assert download.headers["Cache-Control"] == "private, no-store"


def test_the_applicant_reads_the_role_of_the_staff_member_who_added_a_file(
    app, client, auth, draft
):
    auth.login("staff")
    assert _add(client, draft, name="contract.pdf").status_code == 303
    staff_page = client.get(f"/proposals/{draft}?lang=en").text
    with app.app_context():
        from experiments.models import User

        (stored,) = _files(app, draft)
        name = db.session.get(User, stored.uploaded_by_id).name
    assert f"Added by {name} on" in staff_page
    auth.logout()
    auth.login("applicant")
    page = client.get(f"/proposals/{draft}?lang=en").text
    assert "Added by City staff on" in page or "Added by Staff on" in page
    assert f"Added by {name}" not in page


def test_a_file_offered_after_the_proposal_was_submitted_is_refused(app, people, draft):
    """The state is read again under the proposal's lock: a page opened on the draft, sent
    after the proposal moved on, stores nothing."""
    from experiments.errors import Conflict
    from experiments.models import User
    from experiments.services import attachments

    with app.app_context():
        proposal = db.session.get(Proposal, draft)
        applicant = db.session.get(User, proposal.owner_id)
        assert proposal.status == Status.DRAFT  # what the applicant's request saw
        # The submission lands meanwhile; the loaded object still says draft.
        db.session.execute(
            Proposal.__table__.update()
            .where(Proposal.id == draft)
            .values(status=Status.SUBMITTED.value)
        )
        assert proposal.status == Status.DRAFT
        with pytest.raises(Conflict):
            attachments.add_attachment(proposal, applicant, io.BytesIO(files.PDF), "late.pdf")
    assert _files(app, draft) == []
