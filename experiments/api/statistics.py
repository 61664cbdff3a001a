"""Programme statistics, for anyone: the same figures as the dashboard and the export."""

from flask import abort

from ..statistics import programme_statistics, statistics_json
from .core import ApiBlueprint
from .schemas import StatisticsQuerySchema, StatisticsSchema

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
