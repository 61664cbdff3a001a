"""The `flask …` commands speak the operator's language (LC_ALL, LC_MESSAGES, LANG)."""

import pytest
from flask_babel import gettext

from config import Config
from tests import builders

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
CREATED = {
    "fi": "Tili new@test.example luotu (Kaupungin henkilöstö, tunnus 1).",
    "sv": "Kontot new@test.example har skapats (Stadens personal, id 1).",
    "en": "Created the account new@test.example (City staff, id 1).",
}
TAKEN = {
    "fi": "Tällä sähköpostiosoitteella on jo tili.",
    "sv": "Det finns redan ett konto med den här e-postadressen.",
    "en": "An account with this e-mail address already exists.",
}


def _operator(monkeypatch, **environment):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)


def _create(runner, email="new@test.example"):
    args = ["users", "create", "--email", email, "--name", "New", "--role", "staff"]
    return runner.invoke(args=[*args, "--password", builders.PASSWORD])


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({"LANG": "fi_FI.UTF-8"}, "fi"),
        ({"LANG": "sv_FI.UTF-8"}, "sv"),
        ({"LANG": "sv"}, "sv"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": ""}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "fi_FI.UTF-8", "LC_MESSAGES": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "fi_FI.UTF-8", "LC_MESSAGES": "sv_SE.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "fi_FI.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LANG": "sv_SE.UTF-8", "LC_ALL": "fi_FI@euro"}, "fi"),
    ],
)
def test_commands_answer_in_the_operators_language(monkeypatch, runner, environment, language):
    _operator(monkeypatch, **environment)
    created = _create(runner)
    assert created.exit_code == 0, created.output
    assert created.output.splitlines()[0] == CREATED[language]
    taken = _create(runner)
    assert taken.exit_code == 1
    assert taken.output.strip() == f"Error: {TAKEN[language]}"


def test_pages_and_work_outside_a_command_keep_their_own_language(monkeypatch, make_app):
    _operator(monkeypatch, LANG="sv_SE.UTF-8")
    app = make_app(BABEL_DEFAULT_LOCALE=Config.BABEL_DEFAULT_LOCALE)  # as shipped: Finnish
    page = app.test_client().get("/")
    assert '<html lang="fi">' in page.text  # the pages' default, not the server's locale
    with app.app_context():  # e.g. a service called by a worker: the configured default
        assert gettext("City staff") == "Kaupungin henkilöstö"


def test_creating_staff_prints_the_link_that_sets_up_their_second_factor(
    monkeypatch, app, runner, client
):
    _operator(monkeypatch)
    lines = _create(runner).output.splitlines()
    assert lines[1:] == [
        "The account sets up two-step sign-in with this link, once, within 72 hours:",
        lines[2],
        "Put the address of the service in front of it.",
    ]
    assert lines[2].startswith("/login/enrol/")
    app.config["REQUIRE_TOTP"] = True
    page = client.get(lines[2])
    assert page.status_code == 200 and "new@test.example" in page.text

    args = ["users", "create", "--email", "a@test.example", "--name", "A", "--role", "applicant"]
    applicant = runner.invoke(args=[*args, "--password", builders.PASSWORD])
    assert len(applicant.output.splitlines()) == 1  # applicants turn it on themselves
