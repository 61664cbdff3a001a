"""The WSGI entry point (app.py) as gunicorn loads it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _probe(tmp_path, code: str) -> list[str]:
    """What code prints in a fresh interpreter beside app.py, as words."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_the_start_up_heap_is_kept_out_of_the_collectors_passes(tmp_path):
    """After app.py, what start-up made is frozen (gc.freeze): a full collection during a
    request walks the request's objects only."""
    probe = (
        "import gc, app; "
        "assert app.app.name == 'experiments', app.app.name; "
        "print(gc.get_freeze_count(), len(gc.get_objects()))"
    )
    frozen, tracked = map(int, _probe(tmp_path, probe))
    assert frozen > 50_000 and tracked < frozen / 10


def test_a_worker_loads_the_spreadsheet_writer_only_to_write_a_workbook(tmp_path):
    """openpyxl costs a worker 15 MB: loaded by the first XLSX export, not by start-up or by
    a CSV export (whose cells are cleaned as the workbook's are)."""
    probe = (
        "import sys, app; "
        "from experiments.exports import csv_stream, neutralise; "
        "assert neutralise('=A1\\x07') == \"'=A1\", neutralise('=A1\\x07'); "
        "print(any(m.startswith('openpyxl') for m in sys.modules)); "
        "from experiments.exports import xlsx_sheets; "
        "xlsx_sheets([('S', ['a'])], [[['\\x01x']]]); "
        "print(any(m.startswith('openpyxl') for m in sys.modules))"
    )
    assert _probe(tmp_path, probe) == ["False", "True"]
