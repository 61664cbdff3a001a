"""A running experiment's partners, participation, expenses, risks and evaluation (staff)."""

from __future__ import annotations

from flask import url_for

from ..lifecycle import Role
from ..rules import ATTACHMENT_MAX_BYTES
from ..services import evaluations, expenses, participation, partners, pilot_reports, risks
from ..services.experiments import experiment_or_404, team_experiment_or_404
from ..uploads import accepts_files
from .core import ApiBlueprint, api_user, authenticated
from .schemas import (
    AttachmentSchema,
    EvaluationInSchema,
    EvaluationSchema,
    ExpenseInSchema,
    ExpenseListSchema,
    ExpenseSchema,
    ParticipationInSchema,
    ParticipationListSchema,
    ParticipationSchema,
    PartnerInSchema,
    PartnerListSchema,
    PartnerSchema,
    ReportAttachmentInSchema,
    ReportInSchema,
    ReportListSchema,
    ReportReviewInSchema,
    ReportSchema,
    RiskInSchema,
    RiskListSchema,
    RiskSchema,
)

blp = ApiBlueprint(
    "api_experiments",
    "experiments",
    "Running experiments: partners, participation, expenses, risks, evaluation, reports",
)

STAFF = (Role.STAFF, Role.MANAGER)
CLOSED = "The experiment is decided: it takes no more records."
ID = "<id:experiment_id>"


def _experiment(experiment_id: int):
    return experiment_or_404(experiment_id, api_user())


@blp.route(f"/experiments/{ID}/partners", methods=["GET"])
@authenticated(*STAFF)
@blp.response(200, PartnerListSchema)
@blp.problems(401, 403, 404)
def list_partners(experiment_id: int):
    """The experiment's partner organisations and their roles."""
    return {"items": _experiment(experiment_id).partners}


@blp.route(f"/experiments/{ID}/partners", methods=["POST"])
@authenticated(*STAFF)
@blp.arguments(PartnerInSchema)
@blp.response(201, PartnerSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    because={
        409: f"{CLOSED} Or (errors name the field) organisation_id names no organisation, "
        "or the organisation is a partner already."
    },
)
def add_partner(body, experiment_id: int):
    """Add a partner: an existing organisation_id, or a new organisation {name, type,
    business_id}."""
    partner = partners.add_partner(_experiment(experiment_id), api_user(), **body)
    return partner


@blp.route(f"/experiments/{ID}/participation", methods=["GET"])
@authenticated(*STAFF)
@blp.response(200, ParticipationListSchema)
@blp.problems(401, 403, 404)
def list_participation(experiment_id: int):
    """Participation records, oldest first."""
    return {"items": _experiment(experiment_id).participation}


@blp.route(f"/experiments/{ID}/participation", methods=["POST"])
@authenticated(*STAFF)
@blp.arguments(ParticipationInSchema)
@blp.response(201, ParticipationSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    because={409: f"{CLOSED} Or (errors name date) the date is before the pilot started."},
)
def add_participation(body, experiment_id: int):
    """Record how many people of a category took part on a date."""
    records = participation.record_participation(_experiment(experiment_id), api_user(), [body])
    return records[0]


@blp.route(f"/experiments/{ID}/expenses", methods=["GET"])
@authenticated(*STAFF)
@blp.response(200, ExpenseListSchema)
@blp.problems(401, 403, 404)
def list_expenses(experiment_id: int):
    """Expenses, oldest first."""
    return {"items": _experiment(experiment_id).expenses}


@blp.route(f"/experiments/{ID}/expenses", methods=["POST"])
@authenticated(*STAFF)
@blp.arguments(ExpenseInSchema)
@blp.response(201, ExpenseSchema)
@blp.problems(401, 403, 404, 409, because={409: CLOSED})
def add_expense(body, experiment_id: int):
    """Record money spent on the experiment."""
    # A client's request is its decision: the API has no confirmation step for overspending.
    return expenses.record_expense(
        _experiment(experiment_id), api_user(), **body, over_allocation_confirmed=True
    )


@blp.route(f"/experiments/{ID}/risks", methods=["GET"])
@authenticated(*STAFF)
@blp.response(200, RiskListSchema)
@blp.problems(401, 403, 404)
def list_risks(experiment_id: int):
    """Risks, as on the city's scorecards."""
    return {"items": _experiment(experiment_id).risks}


@blp.route(f"/experiments/{ID}/risks", methods=["POST"])
@authenticated(*STAFF)
@blp.arguments(RiskInSchema)
@blp.response(201, RiskSchema)
@blp.problems(401, 403, 404, 409, because={409: CLOSED})
def add_risk(body, experiment_id: int):
    """Add a risk: probability and impact 1–4, status green, yellow or red."""
    body.setdefault("mitigation", "")
    return risks.add_risk(_experiment(experiment_id), api_user(), **body)


@blp.route(f"/experiments/{ID}/evaluation", methods=["PUT"])
@authenticated(*STAFF)
@blp.arguments(EvaluationInSchema)
@blp.response(200, EvaluationSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    because={
        409: "The experiment is decided, so its evaluation is final; or someone else "
        "saved it at the same moment."
    },
)
def put_evaluation(body, experiment_id: int):
    """Write or revise the evaluation (until the decision on the experiment)."""
    return evaluations.save_evaluation(_experiment(experiment_id), api_user(), **body)


TEAM = (Role.APPLICANT, Role.STAFF, Role.MANAGER)


@blp.route(f"/experiments/{ID}/reports", methods=["GET"])
@authenticated(*TEAM)
@blp.response(200, ReportListSchema)
@blp.problems(401, 403, 404)
def list_reports(experiment_id: int):
    """The experiment's reports, latest period first (its team, staff and managers)."""
    experiment = team_experiment_or_404(experiment_id, api_user())
    return {"items": pilot_reports.reports_of(experiment)}


@blp.route(f"/experiments/{ID}/reports", methods=["POST"])
@authenticated(*TEAM)
@blp.arguments(ReportInSchema)
@blp.response(201, ReportSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    because={
        409: f"{CLOSED} Or (errors name the field) the period reaches outside the pilot's dates."
    },
)
def file_report(body, experiment_id: int):
    """File a progress report: the period, what was done, people per category, problems."""
    experiment = team_experiment_or_404(experiment_id, api_user())
    return pilot_reports.submit_report(experiment, api_user(), body)


@blp.route(f"/experiments/{ID}/reports/<id:report_id>/review", methods=["POST"])
@authenticated(*STAFF)
@blp.arguments(ReportReviewInSchema)
@blp.response(200, ReportSchema)
@blp.problems(401, 403, 404, 409, because={409: "The report has already been reviewed."})
def review_report(body, experiment_id: int, report_id: int):
    """Accept a report (its counts become participation records, once) or return it to the
    team with a comment."""
    experiment = _experiment(experiment_id)
    report = pilot_reports.report_or_404(experiment, report_id)
    return pilot_reports.review_report(experiment, report, api_user(), **body)


@blp.route(f"/experiments/{ID}/reports/<id:report_id>/attachments", methods=["POST"])
@accepts_files(ATTACHMENT_MAX_BYTES)
@authenticated(*TEAM)
@blp.arguments(ReportAttachmentInSchema, location="multipart")
@blp.response(
    201,
    AttachmentSchema,
    headers={"Location": {"description": "The file", "schema": {"type": "string"}}},
)
@blp.problems(
    401,
    403,
    404,
    409,
    413,
    415,
    because={
        409: f"{CLOSED} Or the report is accepted: it takes no more files.",
        413: "The file is over 10 MiB, or the proposal's files would be over 50 MiB.",
        415: "The content is none of the kinds taken, or not the kind its name ends with.",
    },
)
def add_report_file(values, experiment_id: int, report_id: int):
    """Add a file to a report not yet accepted (its team, staff and managers); the file is
    one of the pilot's proposal's files, downloaded as they are."""
    user = api_user()
    experiment = team_experiment_or_404(experiment_id, user)
    report = pilot_reports.report_or_404(experiment, report_id)
    upload = values["file"]
    attachment = pilot_reports.add_report_file(
        experiment,
        report,
        user,
        upload.stream,
        upload.filename,
        confidential=values["confidential"],
    )
    location = url_for(
        "api_attachments.get_attachment",
        proposal_id=attachment.proposal_id,
        attachment_id=attachment.id,
    )
    return attachment, 201, {"Location": location}
