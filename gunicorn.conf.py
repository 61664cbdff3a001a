"""Gunicorn settings (read from the project root): metrics of every worker."""

import glob
import os


def on_starting(server):
    """Start counting from zero: figures of an earlier run's workers would be added in."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for path in glob.glob(os.path.join(folder, "*.db")):
            os.remove(path)


def child_exit(server, worker):
    """A worker gone: its live gauges (the pool's connections) no longer count."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
