"""The proposal form. Every field is optional for a draft; submitting requires them."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..i18n import LANGUAGE_NAMES, grouped
from ..models.written import writing_language
from ..rules import (
    BUDGET_MAX,
    BUDGET_MIN,
    BUSINESS_ID_TYPED_MAX,
    DURATION_MAX,
    DURATION_MIN,
    NAME_MAX,
    NEED_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TITLE_MIN,
)
from ..vocabulary import (
    SDG_LABELS,
    CityCentre,
    OrganisationType,
    ProposerType,
    ServiceArea,
    choices,
)
from .base import PageForm, PartForm
from .fields import CheckboxesField, SdgField, TranslatedSelectField
from .validators import MoneyField, WholeNumberField

PARTNER_SLOTS = 3

# The proposal service's field names (the API's) → the form's fields.
ORGANISATION_RENAMES = {
    "organisation": "organisation_name",
    "organisation.name": "organisation_name",
    "organisation.business_id": "organisation_business_id",
}


def organisation_name_field() -> StringField:
    """The proposing organisation's name, which a resident leaves empty."""
    return StringField(
        _l("Organisation"),
        validators=[Optional()],
        description=_l("Required unless you propose as a resident."),
        render_kw={"autocomplete": "organization", "maxlength": NAME_MAX},
    )


def business_id_field(hint: str) -> StringField:
    """The proposing organisation's business ID, as typed."""
    return StringField(
        _l("Business ID (Y-tunnus)"),
        validators=[Optional()],
        description=hint,
        render_kw={"maxlength": BUSINESS_ID_TYPED_MAX},
    )


class PartnerForm(PartForm):
    name = StringField(
        _l("Partner organisation"),
        validators=[Optional()],
        render_kw={"maxlength": NAME_MAX},
    )
    business_id = StringField(
        _l("Business ID (Y-tunnus)"),
        validators=[Optional()],
        render_kw={"maxlength": BUSINESS_ID_TYPED_MAX},
    )
    type = TranslatedSelectField(
        _l("Type"),
        choices=choices(OrganisationType),
        default=OrganisationType.COMPANY.value,
        validate_choice=False,
    )


class ProposalForm(PageForm):
    """The proposal's fields; the proposal service checks what is given (lengths, ranges,
    codes, the organisation) and its messages come back onto these fields."""

    renames = ORGANISATION_RENAMES
    # The fields about the experiment, in the order the page shows them.
    EXPERIMENT_FIELDS = (
        "call_id",
        "language",
        "title",
        "summary",
        "confidential_summary",
        "need",
        "confidential_need",
        "service_area",
        "city_centres",
        "requested_budget",
        "planned_duration_months",
        "sdgs",
    )

    version = HiddenField()
    call_id = TranslatedSelectField(
        _l("Call for proposals"), coerce=int, validators=[Optional()], validate_choice=False
    )
    language = SelectField(
        _l("Language of the proposal"),
        # Each language named in itself, as in the language switcher.
        choices=[
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in LANGUAGE_NAMES.items()
        ],
        default=writing_language,
        description=_l(
            "The language you write the texts in. Pages mark them with it, so "
            "that screen readers pronounce them right."
        ),
        validate_choice=False,
    )
    title = StringField(
        _l("Title"),
        validators=[Optional()],
        description=_l("%(min)d–%(max)d characters.", min=TITLE_MIN, max=TITLE_MAX),
        render_kw={"minlength": TITLE_MIN, "maxlength": TITLE_MAX},
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[Optional()],
        description=_l("At most %(n)d characters.", n=SUMMARY_MAX),
        render_kw={"rows": 5, "maxlength": SUMMARY_MAX},
    )
    need = TextAreaField(
        _l("The need: what problem does the experiment test?"),
        validators=[Optional()],
        description=_l("At most %(n)d characters.", n=NEED_MAX),
        render_kw={"rows": 8, "maxlength": NEED_MAX},
    )
    confidential_summary = BooleanField(
        _l("The summary contains business secrets: do not publish it"),
        description=_l(
            "City staff still read it; the public catalogue and open data leave it out."
        ),
    )
    confidential_need = BooleanField(
        _l("The need contains business secrets: do not publish it"),
    )
    proposer_type = TranslatedSelectField(
        _l("Proposer"),
        choices=[("", _l("Choose…"))] + choices(ProposerType),
        validators=[Optional()],
        validate_choice=False,
    )
    organisation_name = organisation_name_field()
    organisation_business_id = business_id_field(
        _l("For example 0112038-9, if the organisation has one.")
    )
    service_area = TranslatedSelectField(
        _l("Service area"),
        choices=[("", _l("Choose…"))] + choices(ServiceArea),
        validators=[Optional()],
        validate_choice=False,
    )
    city_centres = CheckboxesField(
        _l("City centres"),
        choices=choices(CityCentre),
        validators=[Optional()],
        validate_choice=False,
    )
    requested_budget = MoneyField(
        _l("Requested budget (EUR)"),
        validators=[Optional()],
        description=_l(
            "From %(low)s to %(high)s euros, at most two decimals.",
            low=grouped(BUDGET_MIN),
            high=grouped(BUDGET_MAX),
        ),
    )
    planned_duration_months = WholeNumberField(
        _l("Planned duration (months)"),
        validators=[Optional()],
        description=_l("From %(min)d to %(max)d months.", min=DURATION_MIN, max=DURATION_MAX),
        render_kw={"inputmode": "numeric"},
    )
    sdgs = SdgField(
        _l("UN Sustainable Development Goals"),
        coerce=int,
        choices=list(SDG_LABELS.items()),
        validators=[Optional()],
        validate_choice=False,
    )
    partners = FieldList(FormField(PartnerForm), min_entries=PARTNER_SLOTS, max_entries=10)

    def values(self) -> dict:
        """The values the proposal service takes: texts as written, None where left empty."""
        organisation = {
            "name": _given(self.organisation_name.data) or "",
            "business_id": _given(self.organisation_business_id.data),
        }
        return {
            "call_id": self.call_id.data,
            "language": self.language.data,
            "title": _given(self.title.data),
            "summary": _given(self.summary.data),
            "need": _given(self.need.data),
            "confidential_summary": bool(self.confidential_summary.data),
            "confidential_need": bool(self.confidential_need.data),
            "proposer_type": self.proposer_type.data or None,
            "service_area": self.service_area.data or None,
            "city_centres": self.city_centres.data or [],
            "sdgs": self.sdgs.data or [],
            "requested_budget": self.requested_budget.data,
            "planned_duration_months": self.planned_duration_months.data,
            # The organisation's type follows the proposer's (the service's default).
            "organisation": organisation if any(organisation.values()) else None,
            # Every row, empty ones too: the service's messages name rows by their place.
            "partners": [entry.data for entry in self.partners],
        }


def _given(text: str | None) -> str | None:
    """The text as written, or None if nothing but spaces was typed."""
    return text if text and text.strip() else None
