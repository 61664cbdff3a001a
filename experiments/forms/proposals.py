"""The proposal form. Every field is optional for a draft; submitting requires them."""

from flask_babel import lazy_gettext as _l
from stdnum.fi import ytunnus
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
from wtforms.validators import Length, Optional, ValidationError

from ..i18n import LANGUAGE_NAMES
from ..models.written import writing_language
from ..rules import (
    BUDGET_MAX,
    BUDGET_MIN,
    DURATION_MAX,
    DURATION_MIN,
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
from .validators import Between, MoneyField, WholeNumberField

PARTNER_SLOTS = 3


def valid_business_id(form, field) -> None:
    """A Finnish business ID with a valid check digit, if one is given."""
    value = (field.data or "").strip()
    if value and not ytunnus.is_valid(value):
        raise ValidationError(_l("Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9."))


class PartnerForm(PartForm):
    name = StringField(_l("Partner organisation"), validators=[Optional(), Length(max=200)])
    business_id = StringField(
        _l("Business ID (Y-tunnus)"), validators=[Optional(), Length(max=20), valid_business_id]
    )
    type = TranslatedSelectField(
        _l("Type"), choices=choices(OrganisationType), default=OrganisationType.COMPANY.value
    )


class ProposalForm(PageForm):
    version = HiddenField()
    call_id = TranslatedSelectField(_l("Call for proposals"), coerce=int, validators=[Optional()])
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
    )
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(min=TITLE_MIN, max=TITLE_MAX)],
        description=_l("%(min)d–%(max)d characters.", min=TITLE_MIN, max=TITLE_MAX),
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[Optional(), Length(max=SUMMARY_MAX)],
        description=_l("At most %(n)d characters.", n=SUMMARY_MAX),
        render_kw={"rows": 5},
    )
    need = TextAreaField(
        _l("The need: what problem does the experiment test?"),
        validators=[Optional(), Length(max=NEED_MAX)],
        description=_l("At most %(n)d characters.", n=NEED_MAX),
        render_kw={"rows": 8},
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
    )
    organisation_name = StringField(
        _l("Organisation"),
        validators=[Optional(), Length(max=200)],
        description=_l("Required unless you propose as a resident."),
        render_kw={"autocomplete": "organization"},
    )
    organisation_business_id = StringField(
        _l("Business ID (Y-tunnus)"),
        validators=[Optional(), Length(max=20), valid_business_id],
        description=_l("For example 0112038-9, if the organisation has one."),
    )
    service_area = TranslatedSelectField(
        _l("Service area"),
        choices=[("", _l("Choose…"))] + choices(ServiceArea),
        validators=[Optional()],
    )
    city_centres = CheckboxesField(
        _l("City centres"), choices=choices(CityCentre), validators=[Optional()]
    )
    requested_budget = MoneyField(
        _l("Requested budget (EUR)"),
        validators=[Optional(), Between(BUDGET_MIN, BUDGET_MAX)],
        description=_l("From 0 to 10 000 000 euros, at most two decimals."),
    )
    planned_duration_months = WholeNumberField(
        _l("Planned duration (months)"),
        validators=[Optional(), Between(DURATION_MIN, DURATION_MAX)],
        description=_l("From %(min)d to %(max)d months.", min=DURATION_MIN, max=DURATION_MAX),
        render_kw={"inputmode": "numeric"},
    )
    sdgs = SdgField(
        _l("UN Sustainable Development Goals"),
        coerce=int,
        choices=list(SDG_LABELS.items()),
        validators=[Optional()],
    )
    partners = FieldList(FormField(PartnerForm), min_entries=PARTNER_SLOTS, max_entries=10)

    def validate_organisation_name(self, field):
        if self.proposer_type.data == ProposerType.RESIDENT and field.data:
            raise ValidationError(_l("A resident proposes without an organisation."))

    def values(self) -> dict:
        """The typed values the proposal service takes."""
        type_ = self.proposer_type.data or None
        org_type = (
            OrganisationType(type_).value
            if type_ and type_ != ProposerType.RESIDENT
            else OrganisationType.COMPANY.value
        )
        return {
            "call_id": self.call_id.data,
            "language": self.language.data,
            "title": (self.title.data or "").strip() or None,
            "summary": (self.summary.data or "").strip() or None,
            "need": (self.need.data or "").strip() or None,
            "confidential_summary": bool(self.confidential_summary.data),
            "confidential_need": bool(self.confidential_need.data),
            "proposer_type": type_,
            "service_area": self.service_area.data or None,
            "city_centres": self.city_centres.data or [],
            "sdgs": self.sdgs.data or [],
            "requested_budget": self.requested_budget.data,
            "planned_duration_months": self.planned_duration_months.data,
            "organisation": {
                "name": self.organisation_name.data.strip(),
                "type": org_type,
                "business_id": self.organisation_business_id.data,
            }
            if (self.organisation_name.data or "").strip()
            else None,
            "partners": [entry.data for entry in self.partners if entry.data["name"]],
        }
