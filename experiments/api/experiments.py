"""A running experiment's partners, participation, expenses, risks and evaluation (staff)."""

from __future__ import annotations

from ..lifecycle import Role
from ..models import Evaluation, Expense, ExperimentPartner, Participation, Risk
from ..services import evaluations, expenses, participation, partners, risks
from ..services.experiments import experiment_or_404
from .core import ApiBlueprint, api_user, authenticated
from .schemas import (
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
    RiskInSchema,
    RiskListSchema,
    RiskSchema,
)

blp = ApiBlueprint(
    "api_experiments",
    "experiments",
    "Running experiments: partners, participation, expenses, risks, evaluation",
)

STAFF = (Role.STAFF, Role.MANAGER)
CLOSED = "The experiment is decided: it takes no more records."
ID = "<id:experiment_id>"


def _experiment(experiment_id: int):
    return experiment_or_404(experiment_id, api_user())


def partner_json(partner: ExperimentPartner) -> dict:
    org = partner.organisation
    return {
        "id": partner.id,
        "role": partner.role,
        "organisation": {
            "id": org.id,
            "name": org.name,
            "type": org.type,
            "business_id": org.business_id,
        },
    }


def participation_json(record: Participation) -> dict:
    return {
        "id": record.id,
        "date": record.date,
        "category": record.category,
        "count": record.count,
        "note": record.note or "",
    }


def expense_json(expense: Expense) -> dict:
    return {
        "id": expense.id,
        "date": expense.date,
        "amount": expense.amount,
        "description": expense.description,
    }


def risk_json(risk: Risk) -> dict:
    return {
        "id": risk.id,
        "description": risk.description,
        "probability": risk.probability,
        "impact": risk.impact,
        "mitigation": risk.mitigation or "",
        "status": risk.status,
    }


def evaluation_json(evaluation: Evaluation) -> dict:
    return {
        "experiment_id": evaluation.experiment_id,
        "got_users": evaluation.got_users,
        "users_count": evaluation.users_count,
        "part_of_services": evaluation.part_of_services,
        "benefits_city": evaluation.benefits_city or "",
        "benefits_customers": evaluation.benefits_customers or "",
        "research_value": evaluation.research_value,
        "research_link": evaluation.research_link or "",
        "findings": evaluation.findings or "",
        "recommendation": evaluation.recommendation,
        "updated_at": evaluation.updated_at,
    }


@blp.route(f"/experiments/{ID}/partners", methods=["GET"])
@authenticated(*STAFF)
@blp.response(200, PartnerListSchema)
@blp.problems(401, 403, 404)
def list_partners(experiment_id: int):
    """The experiment's partner organisations and their roles."""
    return {"items": [partner_json(p) for p in _experiment(experiment_id).partners]}


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
    return partner_json(partner)


@blp.route(f"/experiments/{ID}/participation", methods=["GET"])
@authenticated(*STAFF)
@blp.response(200, ParticipationListSchema)
@blp.problems(401, 403, 404)
def list_participation(experiment_id: int):
    """Participation records, oldest first."""
    return {"items": [participation_json(r) for r in _experiment(experiment_id).participation]}


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
    return participation_json(records[0])


@blp.route(f"/experiments/{ID}/expenses", methods=["GET"])
@authenticated(*STAFF)
@blp.response(200, ExpenseListSchema)
@blp.problems(401, 403, 404)
def list_expenses(experiment_id: int):
    """Expenses, oldest first."""
    return {"items": [expense_json(e) for e in _experiment(experiment_id).expenses]}


@blp.route(f"/experiments/{ID}/expenses", methods=["POST"])
@authenticated(*STAFF)
@blp.arguments(ExpenseInSchema)
@blp.response(201, ExpenseSchema)
@blp.problems(401, 403, 404, 409, because={409: CLOSED})
def add_expense(body, experiment_id: int):
    """Record money spent on the experiment."""
    return expense_json(expenses.record_expense(_experiment(experiment_id), api_user(), **body))


@blp.route(f"/experiments/{ID}/risks", methods=["GET"])
@authenticated(*STAFF)
@blp.response(200, RiskListSchema)
@blp.problems(401, 403, 404)
def list_risks(experiment_id: int):
    """Risks, as on the city's scorecards."""
    return {"items": [risk_json(r) for r in _experiment(experiment_id).risks]}


@blp.route(f"/experiments/{ID}/risks", methods=["POST"])
@authenticated(*STAFF)
@blp.arguments(RiskInSchema)
@blp.response(201, RiskSchema)
@blp.problems(401, 403, 404, 409, because={409: CLOSED})
def add_risk(body, experiment_id: int):
    """Add a risk: probability and impact 1–4, status green, yellow or red."""
    body.setdefault("mitigation", "")
    return risk_json(risks.add_risk(_experiment(experiment_id), api_user(), **body))


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
    evaluation = evaluations.save_evaluation(_experiment(experiment_id), api_user(), **body)
    return evaluation_json(evaluation)
