"""The development outbox shows the e-mail the app wrote to files; nowhere else."""

from experiments import create_app
from experiments.extensions import db
from experiments.models import Proposal
from experiments.services.workflow import change_status
from tests import builders


def test_outbox_page_shows_mail_written_to_files(tmp_path):
    app = create_app(
        "testing",
        MAIL_BACKEND="file",
        MAIL_FILE_PATH=str(tmp_path),
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )
    with app.app_context():
        db.create_all()
        programme = builders.make_programme()
        owner = builders.make_user("applicant", email="åsa@test.example", name="Åsa Öberg")
        staff = builders.make_user("staff")
        proposal_id = builders.make_proposal(
            owner, programme, status="submitted", title="Ääniopas museoon"
        )
        proposal = db.session.get(Proposal, proposal_id)
        change_status(
            proposal, "screening", db.session.get(type(proposal.owner), staff), proposal.version
        )
    page = app.test_client().get("/dev/outbox")
    assert page.status_code == 200
    assert "Ääniopas museoon" in page.text
    assert "Åsa Öberg" in page.text


def test_no_outbox_page_where_mail_is_sent(client):
    assert client.get("/dev/outbox").status_code == 404
