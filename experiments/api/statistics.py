"""Programme statistics, for anyone: the same figures as the dashboard and the export.

The response schema is drawn from the statistics registry: each public entry is a field,
described by its label and typed by the way it is shown.
"""

from flask import abort
from marshmallow import Schema, fields, validate

from ..statistics import PUBLIC, Display, Metric, Shape, programme_statistics, statistics_json
from .core import ApiBlueprint
from .schemas import (
    BudgetYearSchema,
    MoneyOut,
    ParticipantsSchema,
    ProgrammeSchema,
    StatisticsQuerySchema,
    codes,
)

# The objects inside the statistics: a year's row of the budget, and the participants,
# whose parts are registry entries (tests/test_statistics_registry.py holds them together).
NESTED = {"budget": BudgetYearSchema, "participants": ParticipantsSchema}


def _field(metric: Metric) -> fields.Field:
    options = {"required": True, "metadata": {"description": metric.label}}
    if metric.shape is Shape.BREAKDOWN:
        keys = (
            fields.String(validate=validate.OneOf(codes(metric.vocabulary)))
            if metric.vocabulary
            else fields.String()
        )
        return fields.Dict(keys=keys, values=fields.Integer(validate=validate.Range(0)), **options)
    if metric.shape is Shape.YEARS:
        return fields.List(fields.Nested(NESTED[metric.name]), **options)
    if metric.display is Display.MONEY:
        return MoneyOut(**options)
    if metric.display is Display.PERCENT:
        return fields.Float(validate=validate.Range(0, 1), **options)
    if metric.display is Display.DAYS:
        return fields.Float(allow_none=True, **options)
    return fields.Integer(**options)


def statistics_schema() -> type[Schema]:
    """The statistics JSON's schema: the programme, then the registry's public entries."""
    members: dict[str, fields.Field] = {"programme": fields.Nested(ProgrammeSchema, required=True)}
    for metric in PUBLIC:
        if metric.part_of:
            members.setdefault(metric.part_of, fields.Nested(NESTED[metric.part_of], required=True))
        else:
            members[metric.name] = _field(metric)
    return Schema.from_dict(members, name="StatisticsSchema")


StatisticsSchema = statistics_schema()

blp = ApiBlueprint("api_statistics", "statistics", "Programme statistics (no personal data)")


@blp.route("/statistics", methods=["GET"])
@blp.arguments(StatisticsQuerySchema, location="query")
@blp.response(200, StatisticsSchema)
@blp.problems(404)
def get_statistics(query):
    """The programme's statistics, optionally for one call or one submission year."""
    stats = programme_statistics(
        query["programme"], call_id=query.get("call"), year=query.get("year")
    )
    if stats is None:
        abort(404)
    return statistics_json(stats)
