"""Forms of reviewer assignment and of conflicts of interest."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from ..rules import REASON_MAX, REVIEWERS_PER_PROPOSAL_MAX
from .base import PageForm
from .confirm import ConfirmForm
from .fields import ChoiceRadioField, id_or_none


class AssignForm(PageForm):
    """Assign one reviewer to a proposal; the view lists the people who may be chosen."""

    reviewer_id = SelectField(
        _l("Reviewer"),
        coerce=int,
        validate_choice=False,  # the service says who may review
        validators=[InputRequired(message=_l("Choose a reviewer."))],
    )


class UnassignForm(ConfirmForm):
    """Take a reviewer off a proposal, after a confirmation."""


def conflict_reason_field() -> TextAreaField:
    """The optional reason kept with a declared conflict (made per form, keeping field order)."""
    return TextAreaField(
        _l("Reason (optional)"),
        description=_l("Kept on record with the declaration; only city staff see it."),
        render_kw={"rows": 3, "maxlength": REASON_MAX},
    )


class ConflictForm(ConfirmForm):
    """A reviewer's declaration of a conflict of interest, with its reason."""

    subject = ChoiceRadioField(
        _l("Conflict of interest with"),
        choices=[("proposal", _l("This proposal")), ("organisation", _l("Its organisation"))],
        default="proposal",
        validators=[InputRequired(message=_l("Choose what the conflict is with."))],
    )
    reason = conflict_reason_field()


class OrganisationConflictForm(ConfirmForm):
    """A conflict of interest with an organisation, declared from the account page."""

    organisation = SelectField(
        _l("Organisation"),
        coerce=id_or_none,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose an organisation."))],
    )
    reason = conflict_reason_field()


class CallAssignForm(PageForm):
    """Assign the reviewers of a whole call at once."""

    call = SelectField(
        _l("Call"),
        coerce=id_or_none,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose a call."))],
    )
    reviewers_per_proposal = IntegerField(
        _l("Reviewers per proposal"),
        default=2,
        validators=[
            InputRequired(
                message=_l("Give a whole number from 1 to %(n)d.", n=REVIEWERS_PER_PROPOSAL_MAX)
            )
        ],
        render_kw={"min": 1, "max": REVIEWERS_PER_PROPOSAL_MAX, "inputmode": "numeric"},
    )
