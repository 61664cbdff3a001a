"""The WSGI entry point (app.py) as gunicorn loads it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_start_up_heap_is_kept_out_of_the_collectors_passes(tmp_path):
    """After app.py, what start-up made is frozen (gc.freeze): a full collection during a
    request walks the request's objects only."""
    probe = (
        "import gc, app; "
        "assert app.app.name == 'experiments', app.app.name; "
        "print(gc.get_freeze_count(), len(gc.get_objects()))"
    )
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    frozen, tracked = map(int, done.stdout.split())
    assert frozen > 50_000 and tracked < frozen / 10
