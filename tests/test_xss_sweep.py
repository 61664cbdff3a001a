"""An XSS canary in every free-text field is never rendered unescaped, for any role.

The data is built with the builders, then every free-text column of every table (long
enough to hold it) is overwritten with the canary, so new tables and fields are swept
without changes here. Then every GET page, export and API resource is fetched as each
role: an HTML response must never contain the canary's markup; any other response must
not be HTML and must carry ``X-Content-Type-Options: nosniff``, so no browser renders it.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from experiments import append_only
from experiments.append_only import APPEND_ONLY_TABLES
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import (
    Expense,
    ExperimentMilestone,
    ExperimentPartner,
    ExperimentReport,
    Organisation,
    Participation,
    Proposal,
    ProposalMessage,
    Review,
    Risk,
    StatusChange,
)
from experiments.vocabulary import OrganisationType
from tests import builders

CANARY = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
MARKUP = ("<script>alert(1)", "<img src=x onerror")
# Columns that hold codes, addresses or secrets rather than prose.
NOT_PROSE = ("email", "password", "token", "secret", "locale", "business_id", "metric")
HTML_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml"}
ROLES = ["anonymous", "applicant", "staff", "manager", "admin"]


def _fill_every_text_column() -> list[str]:
    """Overwrite each prose column with the canary (plus the row id); the columns filled.

    The history tables refuse UPDATE: their triggers are lifted for the sweep, and put back.
    """
    filled = []
    append_only.remove(db.session.connection(), APPEND_ONLY_TABLES)
    for table in db.metadata.sorted_tables:
        id_column = table.c.get("id")
        for column in table.columns:
            length = getattr(column.type, "length", None)
            if (
                not isinstance(column.type, sa.String)
                or isinstance(column.type, sa.Enum)
                or column.primary_key
                or column.foreign_keys
                or any(word in column.name for word in NOT_PROSE)
                or (length is not None and length < len(CANARY) + 12)
            ):
                continue
            value = sa.literal(CANARY + " #")
            if id_column is not None:
                value = value + sa.cast(id_column, sa.String)
            db.session.execute(sa.update(table).values({column.name: value}))
            filled.append(f"{table.name}.{column.name}")
    append_only.install(db.session.connection(), APPEND_ONLY_TABLES)
    db.session.commit()
    return filled


@pytest.fixture
def canary_data(app, people, programme):
    """Proposals in several states with every kind of record, all prose set to the canary."""
    with app.app_context():
        owner, staff = people["applicant"], people["staff"]
        ids = {"programme_id": programme}
        for status in (
            Status.DRAFT,
            Status.SCREENING,
            Status.MORE_INFO,
            Status.REJECTED,
            Status.PILOT,
            Status.EVALUATION,
            Status.ADOPTED,
        ):
            ids[status] = builders.make_proposal(
                owner, programme, status=status, experiment_owner_id=staff
            )
        for status in (Status.SCREENING, Status.MORE_INFO, Status.REJECTED, Status.ADOPTED):
            db.session.add(
                StatusChange(
                    proposal_id=ids[status],
                    from_status=Status.SUBMITTED,
                    to_status=status,
                    actor_id=staff,
                    reason="x",
                )
            )
        db.session.add(
            Review(
                proposal_id=ids[Status.SCREENING],
                reviewer_id=staff,
                need=3,
                benefit=3,
                reusability=3,
                feasibility=3,
                cost_effectiveness=3,
                comment="x",
            )
        )
        db.session.add_all(
            ProposalMessage(
                proposal_id=ids[Status.MORE_INFO],
                author_id=author,
                text="x",
                visibility=visibility,
            )
            for author, visibility in (
                (staff, "internal"),
                (staff, "applicant"),
                (owner, "applicant"),
            )
        )
        for status in (Status.PILOT, Status.EVALUATION, Status.ADOPTED):
            proposal = db.session.get(Proposal, ids[status])
            experiment = proposal.experiment
            ids.setdefault("experiment_id", experiment.id)
            partner = Organisation(name="x", type=OrganisationType.COMMUNITY)
            proposal.partners.append(partner)
            day = experiment.start_date + timedelta(days=10)
            db.session.add_all(
                [
                    ExperimentPartner(
                        experiment_id=experiment.id, organisation=partner, role="partner"
                    ),
                    Participation(
                        experiment_id=experiment.id,
                        date=day,
                        category="residents_customers",
                        count=5,
                        note="x",
                    ),
                    Expense(
                        experiment_id=experiment.id,
                        date=day,
                        amount=Decimal("10.00"),
                        description="x",
                    ),
                    Risk(
                        experiment_id=experiment.id,
                        description="x",
                        probability=2,
                        impact=3,
                        mitigation="x",
                        owner="x",
                        status="yellow",
                    ),
                ]
            )
            # The public timeline shows milestones, reached and ahead, and accepted reports.
            db.session.add_all(
                ExperimentMilestone(
                    experiment_id=experiment.id,
                    title="x",
                    description="x",
                    planned_date=day,
                    done_date=done,
                    created_by_id=staff,
                )
                for done in (day, None)
            )
            db.session.add(
                ExperimentReport(
                    experiment_id=experiment.id,
                    period_start=day,
                    period_end=day,
                    summary="x",
                    problems="x",
                    status="accepted",
                    submitted_by_id=owner,
                    reviewed_by_id=staff,
                    reviewed_at=experiment.created_at,
                    review_comment="x",
                )
            )
            experiment.city_unit = "x"
            experiment.decision = experiment.lessons_learned = "x"
            if status != Status.PILOT:
                builders.make_evaluation(proposal.id, staff)
        db.session.commit()
        filled = _fill_every_text_column()
        assert {
            "proposal.title",
            "proposal.summary",
            "proposal.need",
            "status_change.reason",
            "review.comment",
            "proposal_message.text",
            "organisation.name",
            "participation.note",
            "risk.description",
            "evaluation.findings",
            "user.name",
            "experiment_milestone.title",
            "experiment_report.summary",
        } <= set(filled)
        ids["proposal_id"] = ids[Status.EVALUATION]
        ids["call_id"] = db.session.scalar(sa.select(sa.func.max(db.metadata.tables["call"].c.id)))
        ids["user_id"] = owner
        return ids


def _ids_for(argument: str, ids: dict) -> list:
    """Values to put in a URL argument: known ids, else ids of the table it names."""
    if argument == "proposal_id":
        return [value for key, value in ids.items() if isinstance(key, Status)]
    if argument in ids:
        return [ids[argument]]
    if argument == "year":
        return [date.today().year]
    if not argument.endswith("_id"):
        return []
    name = argument.removesuffix("_id")
    for table in db.metadata.sorted_tables:
        if (table.name == name or table.name.endswith("_" + name)) and "id" in table.c:
            return list(db.session.scalars(sa.select(table.c.id).order_by(table.c.id).limit(3)))
    return []


def _urls(app, ids: dict, api: bool) -> list[str]:
    urls = []
    with app.app_context(), app.test_request_context():
        for rule in app.url_map.iter_rules():
            if (
                "GET" not in rule.methods
                or rule.endpoint == "static"
                or rule.rule.startswith("/api/") != api
            ):
                continue
            arguments = sorted(rule.arguments)
            if len(arguments) > 1:
                continue
            if not arguments:
                urls.append(rule.rule)
                continue
            for value in _ids_for(arguments[0], ids):
                try:
                    urls.append(app.url_for(rule.endpoint, **{arguments[0]: value}))
                except Exception:  # a converter refused the value: not a URL of this route
                    continue
    return urls


def _check(response, url: str, who: str) -> None:
    response.get_data()  # read streamed bodies to the end
    response.close()
    mimetype = response.mimetype or ""
    if mimetype in HTML_TYPES:
        for markup in MARKUP:
            assert markup not in response.text, f"{who} {url}: unescaped canary"
    else:
        assert response.headers.get("X-Content-Type-Options") == "nosniff", (who, url)


@pytest.mark.parametrize("who", ROLES)
def test_no_page_renders_the_canary(app, client, auth, canary_data, who):
    if who != "anonymous":
        auth.login(who)
    urls = _urls(app, canary_data, api=False)
    assert "/" in urls and len(urls) > 10
    seen_canary = 0
    for url in urls:
        response = client.get(url)
        _check(response, url, who)
        seen_canary += response.mimetype in HTML_TYPES and "&lt;script&gt;alert(1)" in response.text
    # The sweep saw the escaped canary somewhere (else it proves nothing).
    assert seen_canary > 0


@pytest.mark.parametrize("who", ROLES)
def test_no_api_resource_serves_the_canary_as_html(app, client, canary_data, who):
    headers = {}
    if who != "anonymous":
        response = client.post(
            "/api/v1/tokens", json={"email": f"{who}@test.example", "password": builders.PASSWORD}
        )
        assert response.status_code == 201, response.text
        headers = {"Authorization": f"Bearer {response.json['token']}"}
    for url in _urls(app, canary_data, api=True):
        _check(client.get(url, headers=headers), url, who)


def test_the_error_pages_escape_what_the_address_carries(client):
    response = client.get("/proposals/1%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert "<script>alert(1)" not in response.text
    response = client.get("/login?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in response.text
