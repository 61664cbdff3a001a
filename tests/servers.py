"""The app served by gunicorn in a child process, as in production, on a loopback port."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parent.parent
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(environment: dict[str, str], log: Path, workers: int = 2) -> Iterator[int]:
    """Serve app:app with gunicorn (and the project's gunicorn.conf.py); yields the port."""
    with gunicorn_master(environment, log, workers) as (port, _master):
        yield port


@contextlib.contextmanager
def gunicorn_master(
    environment: dict[str, str], log: Path, workers: int = 2
) -> Iterator[tuple[int, subprocess.Popen]]:
    """As gunicorn, but yields the port and the master process too."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--no-control-socket",
                "app:app",
            ],
            cwd=ROOT,
            env=os.environ | environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if fetch(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def fetch(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def children(pid: int) -> set[int]:
    """The live child processes of a process (a gunicorn master's workers), read from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone while we looked
        state, parent = fields[0], int(fields[1])
        if parent == pid and state not in ("Z", "X"):
            found.add(int(stat.parent.name))
    return found
