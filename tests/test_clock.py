"""One notion of today: the city's date (services/clock), whatever zone the server runs in.

A server often runs in UTC, and Helsinki's new day starts two or three hours before UTC's:
at 22:30 UTC on 31 December it is already 1 January in the city. The tests' clock (tests/
clock.py) runs in Helsinki's zone, where the server's date and the city's agree; these tests
move it to UTC, as such a server's, where they part at midnight.
"""

import ast
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal
from experiments.services import clock
from tests import builders

PACKAGE = Path(__file__).parent.parent / "experiments"
# The one place that reads the wall clock's day, and the one that reads its moment (utcnow).
READ_THE_WALL_CLOCK = {PACKAGE / "services" / "clock.py", PACKAGE / "models" / "types.py"}
WALL_CLOCK_READS = {"today", "now", "utcnow"}


def _reads_of_the_wall_clock(source: str) -> list[tuple[int, str]]:
    """Where the module reads date.today, datetime.now, datetime.utcnow and the like."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Attribute) and node.attr in WALL_CLOCK_READS):
            continue
        owner = node.value
        name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
        if name in ("date", "datetime"):
            found.append((node.lineno, f"{name}.{node.attr}"))
    return sorted(found)


def test_only_the_clock_reads_the_wall_clock():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50  # the walk found the package
    reads = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {read}"
        for path in modules
        if path not in READ_THE_WALL_CLOCK
        for line, read in _reads_of_the_wall_clock(path.read_text(encoding="utf-8"))
    ]
    assert not reads, "ask services/clock.today() (or models.types.utcnow()) instead:\n" + (
        "\n".join(reads)
    )


def test_the_guard_sees_a_read_of_the_wall_clock():
    source = (
        "import datetime\nfrom datetime import date\n"
        "a = date.today()\nb = datetime.datetime.now()\nc = datetime.date.today\n"
        "d = clock.today()\ne = utcnow()\n"
    )
    assert _reads_of_the_wall_clock(source) == [
        (3, "date.today"),
        (4, "datetime.now"),
        (5, "date.today"),
    ]


def _new_years_eve(frozen_clock, hour: int, minute: int = 30) -> int:
    """Move the clock to this UTC time on 31 December of the tests' year, in UTC's zone."""
    year = date.today().year
    frozen_clock.move_to(datetime(year, 12, 31, hour, minute, tzinfo=UTC))
    return year


def test_today_is_the_citys_date_not_the_servers(app, frozen_clock):
    year = _new_years_eve(frozen_clock, 21)  # 23:30 in Helsinki
    with app.app_context():
        assert clock.today() == date(year, 12, 31)
        frozen_clock.shift(timedelta(hours=1))  # 00:30 in Helsinki
        assert date.today() == date(year, 12, 31)  # the server's day is not over yet
        assert clock.today() == date(year + 1, 1, 1)


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'<h2 id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_a_pilot_is_overdue_when_the_citys_day_after_its_end_begins(
    app, client, auth, people, frozen_clock
):
    year = _new_years_eve(frozen_clock, 21)  # 23:30 in Helsinki
    with app.app_context():
        programme = builders.make_programme(year=year)
        pilot = builders.make_proposal(
            people["applicant"], programme, Status.PILOT, title="Lights in the underpass"
        )
        experiment = db.session.get(Proposal, pilot).experiment
        experiment.start_date = date(year, 3, 1)
        experiment.planned_end_date = date(year, 12, 31)
        experiment.allocated_budget = Decimal("1000.00")
        db.session.commit()
    auth.login("manager")

    page = client.get("/").text
    assert "Lights in the underpass" not in _section(page, "overdue-title")
    assert "No pilot is past its planned end." in _section(page, "overdue-title")
    assert f"Budget {year}" in _section(page, "budget-title")

    frozen_clock.shift(timedelta(hours=1))  # 22:30 UTC: 00:30 on 1 January in Helsinki
    page = client.get("/").text
    overdue = _section(page, "overdue-title")
    assert "Lights in the underpass" in overdue
    assert "1 day past its planned end (Dec 31, " in overdue
    assert f"Budget {year + 1}" in _section(page, "budget-title")
