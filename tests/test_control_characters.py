"""Control characters in what people write: one rule, on every page and in the API."""

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Form, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

import experiments.forms
from experiments.forms.base import PageForm, PartForm
from experiments.services.inputs import Fields, acceptable_text, text_error
from tests.test_api_proposals import COMPLETE
from tests.test_proposals import _call_id, _form

CONTROL = "Remove the invisible control characters from the text."
ONE_LINE = "Write this on one line, without line breaks."
# Every C0 control character but tab, LF and CR; no person types them.
REFUSED = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
ENGLISH = {"Accept-Language": "en"}
LINE_BREAKS = ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029"]


def test_the_rule_refuses_every_c0_control_character_but_tab_and_line_ends(app):
    with app.test_request_context(headers=ENGLISH):
        for character in REFUSED:
            assert text_error(f"a{character}b") == CONTROL, repr(character)
            assert text_error(f"a{character}b", one_line=True) == CONTROL, repr(character)


def test_one_line_texts_refuse_line_breaks(app):
    with app.test_request_context(headers=ENGLISH):
        for line_break in LINE_BREAKS:
            assert text_error(f"a{line_break}b") is None, repr(line_break)
            assert text_error(f"a{line_break}b", one_line=True) == ONE_LINE, repr(line_break)


def test_tabs_and_ordinary_text_are_fine(app):
    with app.test_request_context(headers=ENGLISH):
        for text in ("", "Tab\tseparated", "Ääkköset – “quoted” ✓", "\u00a0non-breaking"):
            assert text_error(text, one_line=True) is None


def test_the_acceptable_text_passes_the_rule(app):
    text = "".join(REFUSED) + "a\tb" + "".join(LINE_BREAKS) + "c"
    assert acceptable_text(text) == "a\tb" + "".join(LINE_BREAKS) + "c"
    assert acceptable_text(text, one_line=True) == "a\tb" + " " * len(LINE_BREAKS) + "c"
    with app.test_request_context(headers=ENGLISH):
        assert text_error(acceptable_text(text)) is None
        assert text_error(acceptable_text(text, one_line=True), one_line=True) is None


def test_the_services_input_layer_applies_the_rule(app):
    with app.test_request_context(headers=ENGLISH):
        fields = Fields()
        assert fields.text("a", "Fine\nlines", max_length=50) == "Fine\nlines"
        fields.text("b", "Bad\x0btab", max_length=50)
        fields.text("c", "Two\nlines", max_length=50, one_line=True)
        assert fields.errors == {"b": [CONTROL], "c": [ONE_LINE]}


# --- forms -----------------------------------------------------------------------------------


def _form_classes():
    """Every form class of the modules of experiments.forms."""
    for info in pkgutil.iter_modules(experiments.forms.__path__):
        module = importlib.import_module(f"experiments.forms.{info.name}")
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, Form)
                and value.__module__ == module.__name__
            ):
                yield value


def _has_text_fields(form_class) -> bool:
    return any(
        isinstance(value, UnboundField)
        and issubclass(value.field_class, StringField)
        and not issubclass(value.field_class, PasswordField | HiddenField)
        for value in (getattr(form_class, name) for name in dir(form_class))
    )


def _written_fields(form):
    for field in form:
        if isinstance(field, StringField) and not isinstance(field, PasswordField | HiddenField):
            yield field


def test_every_form_has_the_base_that_binds_the_rule(app):
    classes = list(_form_classes())
    assert len(classes) > 20
    outside = [c.__qualname__ for c in classes if not issubclass(c, PageForm | PartForm)]
    assert outside == []


# Parts of forms (the proposal's partners) are checked through the page that holds them.
PAGE_FORMS = [c for c in _form_classes() if issubclass(c, FlaskForm) and _has_text_fields(c)]


@pytest.mark.parametrize("form_class", PAGE_FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_text_field_of_every_form_applies_the_rule(app, form_class):
    with app.test_request_context(method="POST", headers=ENGLISH):
        names = [f.name for f in _written_fields(form_class(formdata=None))]
        form = form_class(formdata=MultiDict({name: "Odd\x0btext" for name in names}))
        for field in _written_fields(form):
            field.validate(form)
            assert CONTROL in field.errors, field.name
        form = form_class(formdata=MultiDict({name: "Two\r\nlines" for name in names}))
        for field in _written_fields(form):
            field.validate(form)
            one_line = not isinstance(field, TextAreaField)
            assert (ONE_LINE in field.errors) == one_line, field.name


@pytest.fixture
def applicant(auth, client):
    auth.login("applicant")
    return auth


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Vertical\x0btab", CONTROL),
        ("title", "Two\r\nlines", ONE_LINE),
        ("summary", "Start of heading\x01", CONTROL),
        ("partners-0-name", "Partner\x1f Oy", CONTROL),
    ],
)
def test_the_proposal_page_refuses_them(app, client, applicant, programme, field, value, message):
    response = client.post("/proposals/new", data=_form(_call_id(app, programme), **{field: value}))
    assert response.status_code == 422
    assert message in response.text


def test_the_proposal_page_keeps_line_breaks_in_a_summary(app, client, applicant, programme):
    data = _form(_call_id(app, programme), summary="First line.\r\nSecond line.")
    assert client.post("/proposals/new", data=data).status_code == 302


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Vertical\x0btab", CONTROL),
        ("title", "Two\nlines", ONE_LINE),
        ("summary", "Start of heading\x01", CONTROL),
        ("need", "Escape\x1b[31m", CONTROL),
    ],
)
def test_the_api_refuses_them(api, programme, field, value, message):
    response = api.post("/proposals", "applicant", json={**COMPLETE, field: value})
    assert response.status_code == 422, response.text
    assert response.get_json()["errors"][field] == [message]


def test_the_api_refuses_them_in_an_organisation_name(api, programme):
    body = {**COMPLETE, "organisation": {"name": "Two\nlines Oy", "business_id": "1572860-0"}}
    response = api.post("/proposals", "applicant", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["organisation.name"] == [ONE_LINE]


def test_the_api_keeps_line_breaks_in_a_summary(api, programme):
    body = {**COMPLETE, "summary": "First line.\nSecond line.\tTabbed."}
    response = api.post("/proposals", "applicant", json=body)
    assert response.status_code == 201, response.text
    assert response.get_json()["summary"] == "First line.\nSecond line.\tTabbed."


def test_the_scorecard_service_applies_the_rule(app, people, programme):
    from experiments.errors import Invalid
    from experiments.extensions import db
    from experiments.models import Programme, User
    from experiments.services import scorecard

    values = {"description": "Odd\x0btext", "probability": 1, "impact": 1, "status": "green"}
    with app.test_request_context(headers=ENGLISH):
        manager = db.session.get(User, people["manager"])
        with pytest.raises(Invalid) as refused:
            scorecard.create_risk(
                db.session.get(Programme, programme), manager, {**values, "owner": "Two\nlines"}
            )
    assert refused.value.errors == {"description": [CONTROL], "owner": [ONE_LINE]}


def test_the_page_offers_the_text_without_them_to_save_again(app, client, applicant, programme):
    # Pasted from a slide, say: the person cannot see the characters to remove them.
    data = _form(_call_id(app, programme), title="Pasted\x0b title", summary="One\x0btwo\x01")
    refused = client.post("/proposals/new", data=data)
    assert refused.status_code == 422
    assert 'value="Pasted title"' in refused.text
    assert "\nOnetwo</textarea>" in refused.text
    again = _form(_call_id(app, programme), title="Pasted title", summary="Onetwo")
    assert client.post("/proposals/new", data=again).status_code == 302
