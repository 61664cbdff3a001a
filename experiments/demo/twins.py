"""The planted near-duplicates (texts/twins.py) written over generated proposals."""

from __future__ import annotations

from .plans import CallInfo, PlannedProposal
from .texts.twins import TWINS, Planted


def plant_twins(plans: list[PlannedProposal], calls: list[CallInfo], skip_owner: int) -> None:
    """Give generated proposals the planted twins' texts, area, centres and goals. Each keeps
    its call, language, status, owner and history, so no figure of the demo changes; raises
    LookupError if the plans have no proposal to spare for one."""
    taken: set[int] = set()
    for planted in (side for pair in TWINS for side in pair if isinstance(side, Planted)):
        index = _spare(plans, calls[planted.call].id, planted, taken, skip_owner)
        taken.add(index)
        plan = plans[index]
        plan.row.update(
            title=planted.title,
            summary=planted.summary,
            need=planted.need,
            service_area=planted.service_area,
        )
        plan.centres = list(planted.centres)
        plan.sdgs = list(planted.sdgs)


def _spare(
    plans: list[PlannedProposal], call_id: int, planted: Planted, taken: set[int], skip: int
) -> int:
    """The first plan of the call and language with the first status the planted text takes."""
    for status in planted.statuses:
        for index, plan in enumerate(plans):
            row = plan.row
            if (
                index not in taken
                and row["call_id"] == call_id
                and row["language"] == planted.language
                and row["status"] == status
                and row["owner_id"] != skip
            ):
                return index
    raise LookupError(f"no generated proposal to plant {planted.title!r} over")
