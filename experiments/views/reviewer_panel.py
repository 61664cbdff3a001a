"""What the proposal page shows staff about its reviewers and the reader's conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_wtf import FlaskForm

from ..forms.assignments import AssignForm, ConflictForm, UnassignForm
from ..forms.fields import as_choices
from ..forms.screening import CRITERIA_LABELS
from ..models import Proposal, ReviewerAssignment, User
from ..queries import criteria_below_minimum
from ..services import assignments


@dataclass
class ReviewerPanel:
    assigned: list[tuple[ReviewerAssignment, bool, FlaskForm]]
    assignable: bool
    assign_form: AssignForm | None
    declared: set[str]  # what the reader declared a conflict with
    conflict_form: ConflictForm | None
    reader_conflicted: bool
    score: object = None
    below_minimum: list[str] = field(default_factory=list)  # labels of the criteria


def reviewer_panel(
    proposal: Proposal,
    reader: User,
    assign_form: AssignForm | None = None,
    conflict_form: ConflictForm | None = None,
) -> ReviewerPanel:
    """The panel's facts and forms, in a handful of statements whatever the team's size."""
    assigned = [
        (assignment, reviewed, UnassignForm(formdata=None))
        for assignment, reviewed in assignments.assignments_of(proposal)
    ]
    assignable = proposal.status in assignments.ASSIGNABLE_STATES
    if assignable:
        taken = {a.reviewer_id for a, _done, _form in assigned}
        blocked = taken | assignments.conflicted_reviewers(proposal)
        assign_form = assign_form or AssignForm(formdata=None)
        assign_form.reviewer_id.choices = as_choices(
            (u.id, u.display_name) for u in assignments.eligible_reviewers() if u.id not in blocked
        )
    declared = assignments.declared_on(proposal, reader)
    open_subjects = {"proposal"} | ({"organisation"} if proposal.organisation_id else set())
    if open_subjects - declared:
        conflict_form = conflict_form or ConflictForm(formdata=None)
        conflict_form.subject.choices = [
            c for c in conflict_form.subject.choices if c.value in open_subjects - declared
        ]
    else:
        conflict_form = None
    return ReviewerPanel(
        assigned=assigned,
        assignable=assignable,
        assign_form=assign_form if assignable else None,
        declared=declared,
        conflict_form=conflict_form,
        reader_conflicted=bool(declared) or proposal.owner_id == reader.id,
        score=proposal.review_score,
        below_minimum=[
            str(CRITERIA_LABELS[c])
            for c in criteria_below_minimum([proposal.id]).get(proposal.id, [])
        ],
    )
