"""Forms of the experiment page: partners, participation, expenses, risks, evaluation.

They give input its shape; the rules (ranges, dates, duplicates) live in the services
(partners, participation, expenses, risks, evaluations), whose field errors come back onto
these fields by name.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField, TextAreaField, URLField
from wtforms.validators import InputRequired, Optional

from ..rules import (
    BUSINESS_ID_TYPED_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    NAME_MAX,
    NOTE_MAX,
    REASON_MAX,
)
from ..vocabulary import (
    OrganisationType,
    ParticipationCategory,
    PartnerRole,
    Recommendation,
    RiskStatus,
    choices,
)
from .base import PageForm
from .confirm import ConfirmForm
from .fields import ChoiceRadioField, TranslatedSelectField
from .validators import MoneyField, WholeNumberField

CHOOSE = ("", _l("Choose…"))
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
DATE_MESSAGE = _l("Enter a date, e.g. 2025-03-31.")
SCALE = [(str(n), str(n)) for n in range(1, 5)]


class _Date(DateField):
    """A date (type=date in the browser) whose parse error says what to enter."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(DATE_MESSAGE)) from error


def _date(label):
    return _Date(label, validators=[InputRequired(message=DATE_MESSAGE)])


class _Whole(WholeNumberField):
    """A whole number typed in a text box with a numeric keyboard."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, message, **kwargs)


class _Amount(MoneyField):
    """Euros; the parse error says what to enter."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            text = str(error)
            if text == str(self.gettext("Not a valid decimal value.")):
                text = str(_l("Enter an amount in euros, e.g. 250 or 250.50."))
            raise ValueError(text) from error


class PartnerForm(PageForm):
    # Typed with the register's names offered as the person types (a datalist): searchable
    # without JavaScript. The view gives the register's (id, label) pairs as organisations.
    organisation_id = StringField(
        _l("Organisation already in the register"),
        validators=[Optional()],
        description=_l(
            "Start typing its name or business ID and choose it from the suggestions. "
            "Or leave this empty and enter a new organisation below."
        ),
        render_kw={"list": "organisations", "autocomplete": "off", "maxlength": NAME_MAX + 20},
    )
    organisation_name = StringField(
        _l("New organisation: name"), validators=[Optional()], render_kw={"maxlength": NAME_MAX}
    )
    organisation_type = TranslatedSelectField(
        _l("New organisation: type"),
        choices=choices(OrganisationType),
        default=OrganisationType.COMPANY.value,
        validate_choice=False,
    )
    organisation_business_id = StringField(
        _l("New organisation: business ID (Y-tunnus)"),
        validators=[Optional()],
        render_kw={"maxlength": BUSINESS_ID_TYPED_MAX},
        description=_l(
            "For example 0112038-9, if it has one. An organisation already "
            "registered with this ID is used as it is."
        ),
    )
    role = TranslatedSelectField(
        _l("Role in the experiment"), choices=[CHOOSE, *choices(PartnerRole)], validate_choice=False
    )

    organisations: list[tuple[int, str]] = []

    def values(self) -> dict:
        new = (self.organisation_name.data or "").strip() or (
            self.organisation_business_id.data or ""
        ).strip()
        typed = (self.organisation_id.data or "").strip()
        # A label from the suggestions is its organisation's id; anything else goes to the
        # service as it is (an id, or text it refuses as no organisation of the list).
        chosen = next((id_ for id_, label in self.organisations if label == typed), typed)
        return {
            "role": self.role.data,
            "organisation_id": chosen or None,
            "organisation": {
                "name": self.organisation_name.data or "",
                "type": self.organisation_type.data,
                "business_id": self.organisation_business_id.data or None,
            }
            if new
            else None,
        }


# Service error keys (the API's body names) → the partner form's fields.
PARTNER_RENAMES = {
    "organisation": "organisation_name",
    "organisation.name": "organisation_name",
    "organisation.type": "organisation_type",
    "organisation.business_id": "organisation_business_id",
}


class ParticipationForm(PageForm):
    date = _date(_l("Date"))
    category = TranslatedSelectField(
        _l("Who took part"),
        choices=[CHOOSE, *choices(ParticipationCategory)],
        validate_choice=False,
    )
    count = _Whole(
        _l("Number of people"),
        validators=[InputRequired(message=_l("Enter how many people took part (1 or more)."))],
        message=_l("Enter a whole number, e.g. 25."),
    )
    note = StringField(_l("Note"), validators=[Optional()], render_kw={"maxlength": NOTE_MAX})

    def values(self) -> dict:
        return {
            "date": self.date.data,
            "category": self.category.data,
            "count": self.count.data,
            "note": self.note.data or "",
        }


class ParticipationImportForm(PageForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(message=_l("Choose a CSV file to upload."))],
        description=_l(
            "UTF-8 CSV with the header date,category,count,note; one record per "
            "row; at most 5,000 rows and 1 MB. Dates as 2025-03-31; the category as its "
            "code: residents_customers (residents and customers), companies_communities "
            "(companies and communities) or employees (city employees)."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )


class ExpenseForm(ConfirmForm):
    """An expense; sent again from its confirmation page when it overspends the allocation."""

    date = _date(_l("Date"))
    amount = _Amount(
        _l("Amount (EUR)"),
        validators=[InputRequired(message=_l("Enter an amount in euros."))],
        description=_l("More than zero, at most two decimals."),
    )
    description = StringField(_l("What was bought"), render_kw={"maxlength": DESCRIPTION_MAX})

    def values(self) -> dict:
        return {
            "date": self.date.data,
            "amount": self.amount.data,
            "description": self.description.data or "",
        }


class RiskForm(PageForm):
    description = TextAreaField(_l("Risk"), render_kw={"rows": 3, "maxlength": REASON_MAX})
    probability = ChoiceRadioField(
        _l("Probability"),
        choices=SCALE,
        validate_choice=False,
        description=_l("1 unlikely, 2 possible, 3 likely, 4 almost certain."),
        validators=[InputRequired(message=_l("Choose a probability from 1 to 4."))],
    )
    impact = ChoiceRadioField(
        _l("Impact"),
        choices=SCALE,
        validate_choice=False,
        description=_l("1 minor, 2 moderate, 3 serious, 4 critical."),
        validators=[InputRequired(message=_l("Choose an impact from 1 to 4."))],
    )
    mitigation = TextAreaField(_l("Mitigation"), render_kw={"rows": 3, "maxlength": REASON_MAX})
    owner = StringField(
        _l("Risk owner"), validators=[Optional()], render_kw={"maxlength": NAME_MAX}
    )
    status = TranslatedSelectField(
        _l("Status"), choices=[CHOOSE, *choices(RiskStatus)], validate_choice=False
    )

    def values(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in ("description", "probability", "impact", "mitigation", "status", "owner")
        }


class EvaluationForm(PageForm):
    got_users = ChoiceRadioField(
        _l("Did the service get users?"),
        choices=YES_NO,
        validators=[InputRequired(message=_l("Answer yes or no."))],
    )
    users_count = _Whole(
        _l("How many users?"),
        validators=[Optional()],
        message=_l("Enter the number of users as a whole number."),
    )
    part_of_services = ChoiceRadioField(
        _l("Does it work as part of the city's services?"),
        choices=YES_NO,
        validators=[InputRequired(message=_l("Answer yes or no."))],
    )
    benefits_city = TextAreaField(
        _l("Benefits for the city"), render_kw={"rows": 4, "maxlength": REASON_MAX}
    )
    benefits_customers = TextAreaField(
        _l("Benefits for customers"), render_kw={"rows": 4, "maxlength": REASON_MAX}
    )
    research_value = ChoiceRadioField(
        _l("Did it have research value?"),
        choices=YES_NO,
        validators=[InputRequired(message=_l("Answer yes or no."))],
    )
    research_link = URLField(
        _l("Link to the research"),
        validators=[Optional()],
        description=_l("A web address starting with https://."),
        render_kw={"maxlength": LINK_MAX},
    )
    findings = TextAreaField(_l("Findings"), render_kw={"rows": 6, "maxlength": REASON_MAX})
    recommendation = ChoiceRadioField(
        _l("Recommendation"),
        choices=choices(Recommendation),
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose a recommendation."))],
    )

    def values(self) -> dict:
        yes = {"yes": True, "no": False}
        return {
            "got_users": yes.get(self.got_users.data),
            "users_count": self.users_count.data,
            "part_of_services": yes.get(self.part_of_services.data),
            "benefits_city": self.benefits_city.data or "",
            "benefits_customers": self.benefits_customers.data or "",
            "research_value": yes.get(self.research_value.data),
            "research_link": self.research_link.data or "",
            "findings": self.findings.data or "",
            "recommendation": self.recommendation.data,
        }

    def fill(self, evaluation) -> None:
        """Show a saved evaluation in the form."""
        no_yes = {True: "yes", False: "no"}
        for name in ("got_users", "part_of_services", "research_value"):
            getattr(self, name).data = no_yes[getattr(evaluation, name)]
        for name in (
            "users_count",
            "benefits_city",
            "benefits_customers",
            "research_link",
            "findings",
        ):
            getattr(self, name).data = getattr(evaluation, name)
        self.recommendation.data = evaluation.recommendation.value
