"""The benchmark: Kokeilu at 10,000 and 100,000 proposals against the ceiling of the stack.

Run with `make bench` (or `.venv/bin/python bench/run.py --help`). Builds each data set with
`flask demo --scale N` into bench/out/, serves each with gunicorn (2 workers) on a free
loopback port, and serves ../shared/bench/ceiling_app.py the same way. Every page is
measured with wrk (fixed duration and concurrency, the shared wrk_report.lua) in rounds of
(ceiling /db, the page at each scale), so the figures of merit are ratios between runs a
minute apart: a page's requests per second over the ceiling /db page's, and p95 at 100k over
p95 at 10k (absolute times on a shared machine drift). CPU time per request (from /proc)
is reported beside them as a second, load-independent view.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SHARED = Path(os.environ.get("BENCH_SHARED", REPO / ".." / "shared" / "bench")).resolve()
LUA = SHARED / "wrk_report.lua"
BIN = Path(os.environ.get("BENCH_BIN", REPO / ".venv" / "bin"))

MANAGER = ("manager@kokeilu.example", "kokeilu-manager-demo")  # the documented demo user
STAFF_STATES = ("submitted", "screening", "more_info")  # the queue's default filter
# The queue as staff screen it: one proposer type, oldest first; and the same by best score.
QUEUE_FILTER = {"proposer_type": "company", "sort": "submitted_at"}
QUEUE_BY_SCORE = {"proposer_type": "company", "sort": "-score"}
QUEUE_PER_PAGE = 25

# The targets; bench/RESULTS.md shows them with the latest results.
RATIO_TARGET = 0.60
RATIO_PAGES = ("dashboard_public", "dashboard_manager", "statistics_api", "queue_page1")
P95_GROWTH_LIMIT = 1.5
DEMO_SECONDS_LIMIT = 60.0
RSS_LIMIT_MB = 150.0
# "Memory flat": the export may not grow a worker by more at 100k than at 10k, give or take
# this much (a buffered export of 100k rows would add well over 100 MB).
EXPORT_FLAT_SLACK_MB = 16.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kb(pid: int, field: str) -> int:
    """A memory figure (kB) from /proc/<pid>/status, 0 if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# Servers: gunicorn serving the app or the ceiling.


class Server:
    """gunicorn with 2 sync workers on 127.0.0.1:<free port>, stopped by its own pid."""

    def __init__(self, name: str, app: str, env: dict, chdir: Path | None = None):
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = OUT / f"gunicorn-{name}.log"
        cmd = [
            str(BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{self.port}",
            # The full export may take longer than the default 30 s worker timeout.
            "--timeout",
            "300",
        ]
        if chdir:
            cmd += ["--chdir", str(chdir)]
        cmd.append(app)
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=self.log_file, stderr=subprocess.STDOUT
        )

    def wait_ready(self, path: str, timeout: float = 90) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as r:
                    r.read()
                if len(self.workers()) == 2:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name}: not ready after {timeout} s; see {self.log_path}")

    def workers(self) -> list[int]:
        return children(self.proc.pid)

    def rss_mb(self) -> dict:
        """Resident memory of each worker now and at its peak (VmHWM), in MB."""
        return {
            pid: {"rss": kb(pid, "VmRSS") / 1024, "peak": kb(pid, "VmHWM") / 1024}
            for pid in self.workers()
        }

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.workers())

    def sample_rss(self, stop: threading.Event, peaks: dict) -> None:
        """Until stop is set: the highest VmRSS (MB) of each worker, every 50 ms."""
        while not stop.wait(0.05):
            for pid in self.workers():
                peaks[pid] = max(peaks.get(pid, 0), kb(pid, "VmRSS") / 1024)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


def app_env(db_path: Path) -> dict:
    env = dict(os.environ)
    env.update(
        KOKEILU_CONFIG="development",
        FLASK_APP="app.py",
        DATABASE_URL=f"sqlite:///{db_path}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


# Measuring: wrk, sign-in, the streamed export.


def wrk(url: str, duration: int, connections: int, threads: int, cookie: str | None = None) -> dict:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(url)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no RESULT line for {url}:\n{done.stdout}{done.stderr}")
    result = {}
    for pair in line.split()[1:]:
        key, value = pair.split("=")
        result[key] = float(value) if "." in value else int(value)
    return result


def login(base: str) -> str:
    """Sign in as the demo manager through the form (CSRF token included); the Cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/login", timeout=30).read().decode()
    tag = re.search(r"<input[^>]*name=\"csrf_token\"[^>]*>", html)
    token = re.search(r"value=\"([^\"]+)\"", tag.group(0)).group(1) if tag else ""
    data = urllib.parse.urlencode(
        {"email": MANAGER[0], "password": MANAGER[1], "csrf_token": token}
    ).encode()
    opener.open(base + "/login", data=data, timeout=30).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    # A signed-in manager gets the staff queue itself, not a redirect to /login.
    conn = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(base).port, timeout=120)
    conn.request("GET", "/screening", headers={"Cookie": cookie})
    status = conn.getresponse().status
    conn.close()
    if status != 200:
        raise RuntimeError(f"signing in as the demo manager failed (/screening → {status})")
    return cookie


def export(server: Server, path: str, cookie: str) -> dict:
    """Stream the export, sampling the workers' resident memory every 20 ms."""
    workers = server.workers()
    base = {pid: kb(pid, "VmRSS") for pid in workers}
    peak = dict(base)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], kb(pid, "VmRSS"))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started, cpu_before = time.perf_counter(), server.cpu()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    first_byte = None
    size = lines = 0
    while chunk := response.read1(65536):
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    cpu = server.cpu() - cpu_before
    conn.close()
    stop.set()
    sampler.join()
    growth = {pid: (peak[pid] - base[pid]) / 1024 for pid in workers}
    served_by = max(growth, key=growth.get) if growth else None
    return {
        "status": response.status,
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "first_byte_s": round(first_byte or seconds, 3),
        "mb": round(size / 2**20, 1),
        "lines": lines,
        "chunked": response.getheader("Transfer-Encoding") == "chunked"
        or response.getheader("Content-Length") is None,
        "worker_rss_before_mb": round(base.get(served_by, 0) / 1024, 1),
        "worker_rss_peak_mb": round(peak.get(served_by, 0) / 1024, 1),
        "growth_mb": round(growth.get(served_by, 0), 1),
    }


# Data sets: built with `flask demo --scale N`, then measured page by page.


def run_timed(cmd: list[str], env: dict, log_path: Path) -> tuple[int, float, float, float]:
    """Run a command; its exit code, wall seconds, CPU seconds and peak resident MB."""
    started = time.perf_counter()
    with open(log_path, "a") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (
        proc.returncode,
        time.perf_counter() - started,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
    )


def build_dataset(scale: int, reuse: bool) -> dict:
    path = OUT / f"kokeilu-{scale}.sqlite3"
    env = app_env(path)
    log_path = OUT / f"demo-{scale}.log"
    if reuse and path.exists():
        log(f"{scale}: reusing {path.relative_to(REPO)} (demo time not measured)")
        return {"path": path, "demo_seconds": None, "demo_cpu_s": None, "demo_peak_mb": None}
    remove_db(path)
    log_path.write_text("")
    code, *_ = run_timed([str(BIN / "flask"), "db", "upgrade"], env, log_path)
    if code:
        raise RuntimeError(f"flask db upgrade failed; see {log_path}")
    log(f"{scale}: flask demo --scale {scale} …")
    code, seconds, cpu, peak = run_timed(
        [str(BIN / "flask"), "demo", "--scale", str(scale)], env, log_path
    )
    if code:
        raise RuntimeError(f"flask demo --scale {scale} failed; see {log_path}")
    log(f"{scale}: built in {seconds:.1f} s ({cpu:.1f} s CPU, peak {peak:.0f} MB)")
    return {
        "path": path,
        "demo_seconds": round(seconds, 1),
        "demo_cpu_s": round(cpu, 1),
        "demo_peak_mb": round(peak),
    }


def discover(path: Path) -> dict:
    """The ids the pages need, read from the data set itself."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        programme_id, proposals = con.execute(
            "SELECT programme_id, count(*) FROM proposal GROUP BY programme_id "
            "ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        total = con.execute("SELECT count(*) FROM proposal").fetchone()[0]
        # A rich proposal page: an experiment from the middle of the data set.
        row = con.execute(
            "SELECT p.id FROM proposal p JOIN experiment e ON e.proposal_id = p.id "
            "ORDER BY p.id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM experiment)"
        ).fetchone()
        proposal_id = (
            row[0]
            if row
            else con.execute(
                "SELECT id FROM proposal ORDER BY id LIMIT 1 OFFSET ?", (total // 2,)
            ).fetchone()[0]
        )
        marks = ",".join("?" * len(STAFF_STATES))
        queued = con.execute(
            f"SELECT count(*) FROM proposal WHERE status IN ({marks}) AND proposer_type = ?",
            (*STAFF_STATES, QUEUE_FILTER["proposer_type"]),
        ).fetchone()[0]
        participation = con.execute("SELECT count(*) FROM participation").fetchone()[0]
    finally:
        con.close()
    pages = max(1, math.ceil(queued / QUEUE_PER_PAGE))
    return {
        "programme_id": programme_id,
        "programme_proposals": proposals,
        "proposals": total,
        "proposal_id": proposal_id,
        "queue_matches": queued,
        "queue_pages": pages,
        "deep_page": max(1, int(pages * 0.9)),
        "participation": participation,
    }


def pages_for(ids: dict) -> list[tuple[str, str, bool]]:
    """(name, path, as manager) of every page measured."""
    query = urllib.parse.urlencode(QUEUE_FILTER)
    programme = ids["programme_id"]
    return [
        ("dashboard_public", f"/statistics?programme={programme}", False),
        ("dashboard_manager", f"/statistics?programme={programme}", True),
        ("statistics_api", f"/api/v1/statistics?programme={programme}", False),
        ("queue_page1", f"/screening?{query}", True),
        ("queue_deep", f"/screening?{query}&page={ids['deep_page']}", True),
        ("queue_by_score", f"/screening?{urllib.parse.urlencode(QUEUE_BY_SCORE)}", True),
        ("proposal_page", f"/proposals/{ids['proposal_id']}", True),
        ("catalogue", "/experiments", False),
    ]


def probe(base: str, path: str, cookie: str | None) -> tuple[int, float]:
    """One GET: its status and how long it took (ms)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(base).port, timeout=300)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000


def warm(base: str, path: str, cookie: str | None) -> None:
    """Four requests at once, twice: a busy sync worker accepts nothing, so both workers
    serve the page (and fill their per-process caches) before it is measured."""
    for _ in range(2):
        threads = [threading.Thread(target=probe, args=(base, path, cookie)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def measure(server: Server, pages, args, cookie: str | None) -> dict:
    results = {}
    for name, path, as_manager in pages:
        jar = cookie if as_manager else None
        status, first_ms = probe(server.base, path, jar)
        if status != 200:
            log(f"{server.name} {name}: {path} answers {status}; not measured")
            results[name] = {"path": path, "status": status}
            continue
        warm(server.base, path, jar)
        if args.warmup:
            wrk(server.base + path, args.warmup, args.connections, args.threads, jar)
        load_before, cpu_before = loadavg(), server.cpu()
        r = wrk(server.base + path, args.duration, args.connections, args.threads, jar)
        cpu_ms = (server.cpu() - cpu_before) * 1000 / max(r["reqs"], 1)
        r.update(
            path=path,
            status=status,
            first_ms=round(first_ms, 1),
            cpu_ms_per_req=round(cpu_ms, 2),
            load_before=load_before,
            load_after=loadavg(),
        )
        results[name] = r
        log(
            f"{server.name} {name}: {r['rps']:.1f} rps, p50 {r['p50_ms']:.1f} ms, "
            f"p95 {r['p95_ms']:.1f} ms, {cpu_ms:.1f} ms CPU/request, first {first_ms:.0f} ms, "
            f"non200 {r['non200']}, sockerr {r['sockerr']}"
        )
    return results


def start_ceiling() -> Server:
    """The ceiling app (built once: 100,000 rows), served like the app; stays up all run."""
    db_path = OUT / "ceiling.sqlite3"
    env = dict(os.environ, CEILING_DB=str(db_path), PYTHONDONTWRITEBYTECODE="1")
    if not db_path.exists():
        subprocess.run(
            [str(BIN / "python"), str(SHARED / "ceiling_app.py"), "init", "100000"],
            env=env,
            check=True,
            cwd=REPO,
        )
    server = Server("ceiling", "ceiling_app:app", env, chdir=SHARED)
    server.wait_ready("/static")
    return server


def run_ceiling(server: Server, args) -> dict:
    return measure(server, [("db", "/db", False), ("static", "/static", False)], args, None)


class App:
    """The app serving one data set, signed in as the demo manager, memory watched."""

    def __init__(self, scale: int, dataset: dict):
        self.scale, self.dataset = scale, dataset
        self.ids = discover(dataset["path"])
        log(f"{scale}: {self.ids}")
        self.server = Server(f"kokeilu-{scale}", "app:app", app_env(dataset["path"]))
        self.server.wait_ready("/login")
        self.cookie = login(self.server.base)
        self.pages = {name: (path, manager) for name, path, manager in pages_for(self.ids)}
        self.stop_sampling, self.rss_peaks = threading.Event(), {}
        self.sampler = threading.Thread(
            target=self.server.sample_rss, args=(self.stop_sampling, self.rss_peaks)
        )
        self.sampler.start()

    def measure(self, name: str, args) -> dict:
        path, manager = self.pages[name]
        return measure(self.server, [(name, path, manager)], args, self.cookie)[name]

    def finish(self, args) -> dict:
        """Memory after the pages, then the full export; the server's part of the result."""
        self.stop_sampling.set()
        self.sampler.join()
        after_pages = self.server.rss_mb()
        for pid, peak in self.rss_peaks.items():
            if pid in after_pages:
                after_pages[pid]["peak_during_pages"] = peak
        exported = {}
        if not args.skip_export:
            exported = export(self.server, "/exports/proposals.csv", self.cookie)
            log(f"{self.scale} export: {exported}")
        return {
            "ids": self.ids,
            "pages": {},
            "export": exported,
            "worker_mb_after_pages": after_pages,
            "worker_mb_end": self.server.rss_mb(),
            "demo_seconds": self.dataset["demo_seconds"],
            "demo_cpu_s": self.dataset["demo_cpu_s"],
            "demo_peak_mb": self.dataset["demo_peak_mb"],
        }

    def stop(self) -> None:
        self.stop_sampling.set()
        self.server.stop()


def run_pages(apps: list[App], ceiling: Server, args) -> dict:
    """For each page, rounds of (ceiling /db, the page at each scale): every ratio and every
    p95 comparison is between runs a minute apart, as the load on a shared machine drifts.
    The round with the median ratio (largest scale over ceiling) is the one shown."""
    small, large = apps[0], apps[-1]
    chosen: dict[int, dict] = {app.scale: {} for app in apps}
    for name in PAGE_ORDER:
        rounds = []
        for _ in range(args.rounds):
            ceiling_run = measure(ceiling, [("db", "/db", False)], args, None)["db"]
            runs = {app.scale: app.measure(name, args) for app in apps}
            rounds.append((ceiling_run, runs))
        measured = [(c, runs) for c, runs in rounds if "rps" in runs[large.scale]]
        if not measured:
            for app in apps:
                chosen[app.scale][name] = rounds[0][1][app.scale]
            continue
        measured.sort(key=lambda cr: cr[1][large.scale]["rps"] / cr[0]["rps"])
        ceiling_run, runs = measured[len(measured) // 2]
        ratios = [round(r[large.scale]["rps"] / c["rps"], 3) for c, r in measured]
        growths = [
            round(r[large.scale]["p95_ms"] / r[small.scale]["p95_ms"], 3)
            for _, r in measured
            if "p95_ms" in r[small.scale]
        ]
        for app in apps:
            run = runs[app.scale]
            run["ceiling_db"] = ceiling_run
            if app is large:
                run.update(ratios=ratios, p95_growths=growths)
            chosen[app.scale][name] = run
    return chosen


# The report.


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip()


def machine() -> dict:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    kb_total = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            kb_total = int(line.split()[1])
    mem = round(kb_total / 2**20, 1)
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        .stdout.split(" [")[0]
        .strip(),
    }


def fmt(value, spec=".1f", missing="–") -> str:
    return missing if value is None else format(value, spec)


PAGE_ORDER = (
    "dashboard_public",
    "dashboard_manager",
    "statistics_api",
    "queue_page1",
    "queue_deep",
    "queue_by_score",
    "proposal_page",
    "catalogue",
)


def report(result: dict) -> tuple[str, list[str]]:
    """The markdown table and the verdict on each target."""
    ceiling = result["ceiling"]
    scales = result["scales"]
    keys = sorted(scales, key=int)
    small, large = (keys[0], keys[-1]) if keys else (None, None)
    db_runs = [c["db"] for c in ceiling if "rps" in c.get("db", {})] + [
        r["ceiling_db"]
        for r in (scales[large]["pages"].values() if large else [])
        if "ceiling_db" in r
    ]
    ceiling_rps = statistics.mean(r["rps"] for r in db_runs) if db_runs else None
    ceiling_cpu = statistics.mean(r["cpu_ms_per_req"] for r in db_runs) if db_runs else None
    names = [n for n in PAGE_ORDER if any(n in s["pages"] for s in scales.values())]
    lines = [
        "| page | scale | rps | p50 ms | p95 ms | rps / ceiling /db | p95 / p95 at "
        f"{int(small or 0):,} | CPU ms / request | ceiling CPU / page CPU | first request ms "
        "| non-200 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    verdicts = []
    for label, key in (("ceiling /db", "db"), ("ceiling /static", "static")):
        for i, c in enumerate(ceiling):
            r = c.get(key, {})
            if "rps" in r:
                ratio = r["rps"] / ceiling_rps if ceiling_rps else None
                cpu_ratio = ceiling_cpu / r["cpu_ms_per_req"] if r["cpu_ms_per_req"] else None
                lines.append(
                    f"| {label} ({('before', 'after')[i] if len(ceiling) > 1 else 'run'}) | "
                    f"100,000 rows | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                    f"{fmt(ratio, '.2f')} | | {r['cpu_ms_per_req']:.1f} | {fmt(cpu_ratio, '.2f')}"
                    f" | {r['first_ms']:.0f} | {r['non200'] + r['sockerr']} |"
                )
    for name in names:
        for scale in keys:
            r = scales[scale]["pages"].get(name, {})
            if "rps" not in r:
                lines.append(
                    f"| {name} | {int(scale):,} | answers {r.get('status')} | | | | | | | | |"
                )
                continue
            # Against the ceiling /db run of the same round (just before).
            c = r.get("ceiling_db") or {"rps": ceiling_rps, "cpu_ms_per_req": ceiling_cpu}
            ratio = r["rps"] / c["rps"] if c["rps"] else None
            cpu_ratio = (
                c["cpu_ms_per_req"] / r["cpu_ms_per_req"]
                if c["cpu_ms_per_req"] and r["cpu_ms_per_req"]
                else None
            )
            base = scales[small]["pages"].get(name, {})
            growth = r["p95_ms"] / base["p95_ms"] if scale != small and "p95_ms" in base else None
            lines.append(
                f"| {name} | {int(scale):,} | {r['rps']:.1f} | {r['p50_ms']:.1f} | "
                f"{r['p95_ms']:.1f} | {fmt(ratio, '.2f')} | {fmt(growth, '.2f')} | "
                f"{r['cpu_ms_per_req']:.1f} | {fmt(cpu_ratio, '.2f')} | "
                f"{r['first_ms']:.0f} | {r['non200'] + r['sockerr']} |"
            )
    lines.append("")
    lines.append(
        f"Ceiling /db: {len(db_runs)} runs, mean {fmt(ceiling_rps)} rps, "
        f"{fmt(ceiling_cpu)} ms CPU per request. Each page row is the round (of "
        f"{result.get('rounds', 1)}) with the median ratio at the largest scale; its "
        "ratios are to the ceiling /db run of that round."
    )
    if not large:
        return "\n".join(lines), verdicts
    big = scales[large]
    for name in RATIO_PAGES:
        r = big["pages"].get(name, {})
        if "rps" in r and ceiling_rps:
            c = r.get("ceiling_db") or {"rps": ceiling_rps, "cpu_ms_per_req": ceiling_cpu}
            ratio = statistics.median(r.get("ratios") or [r["rps"] / c["rps"]])
            cpu_ratio = c["cpu_ms_per_req"] / r["cpu_ms_per_req"] if r["cpu_ms_per_req"] else 0
            ok = ratio >= RATIO_TARGET and r["non200"] + r["sockerr"] == 0
            verdicts.append(
                f"{'MET ' if ok else 'MISS'} {name} at {int(large):,}: "
                f"{ratio:.0%} of the ceiling /db rps, median of rounds "
                f"({r['rps']:.1f} / {c['rps']:.1f}; target ≥ {RATIO_TARGET:.0%}); "
                f"by CPU per request {cpu_ratio:.0%}; "
                f"{r['rps'] / ceiling_rps:.0%} of the run's mean ceiling; "
                f"rounds {', '.join(f'{x:.0%}' for x in r.get('ratios', []))}"
            )
        else:
            verdicts.append(f"MISS {name} at {int(large):,}: not measured")
    for name in names:
        r, b = big["pages"].get(name, {}), scales[small]["pages"].get(name, {})
        if "p95_ms" in r and "p95_ms" in b and small != large:
            growths = r.get("p95_growths") or [r["p95_ms"] / b["p95_ms"]]
            growth = statistics.median(growths)
            verdicts.append(
                f"{'MET ' if growth <= P95_GROWTH_LIMIT else 'MISS'} {name}: "
                f"p95 at {int(large):,} = {growth:.2f}× p95 at {int(small):,}, "
                f"median of rounds {', '.join(f'{g:.2f}' for g in growths)} "
                f"(shown round: {r['p95_ms']:.1f} / {b['p95_ms']:.1f} ms; "
                f"target ≤ {P95_GROWTH_LIMIT}×)"
            )
    e_big, e_small = big.get("export") or {}, scales[small].get("export") or {}
    if e_big.get("status") == 200 and e_small.get("status") == 200:
        flat = e_big["growth_mb"] <= e_small["growth_mb"] + EXPORT_FLAT_SLACK_MB
        verdicts.append(
            f"{'MET ' if flat else 'MISS'} export streams: the serving worker grew "
            f"{e_big['growth_mb']} MB for {e_big['lines']:,} lines at {int(large):,} and "
            f"{e_small['growth_mb']} MB for {e_small['lines']:,} lines at {int(small):,} "
            f"({e_big['seconds']} s, {e_big['cpu_s']} s CPU, {e_big['mb']} MB, first byte "
            f"after {e_big['first_byte_s']} s; "
            f"{'within' if e_big['seconds'] < 60 else 'BEYOND'} the 60 s worker timeout of "
            "the README's production command)"
        )
    else:
        verdicts.append(f"MISS export: answers {e_big.get('status', 'not measured')}")
    seconds = big.get("demo_seconds")
    if seconds is not None:
        verdicts.append(
            f"{'MET ' if seconds <= DEMO_SECONDS_LIMIT else 'MISS'} flask demo "
            f"--scale {large}: {seconds} s ({big['demo_cpu_s']} s CPU; "
            f"target ≤ {DEMO_SECONDS_LIMIT:.0f} s)"
        )
    else:
        verdicts.append(f"---- flask demo --scale {large}: not timed (data set reused)")
    workers = big.get("worker_mb_after_pages") or {}
    if workers:
        steady = max(max(w["rss"], w.get("peak_during_pages", 0)) for w in workers.values())
        end = max((w["rss"] for w in (big.get("worker_mb_end") or {}).values()), default=0)
        peak = max(w["peak"] for w in (big.get("worker_mb_end") or workers).values())
        verdicts.append(
            f"{'MET ' if max(steady, end) <= RSS_LIMIT_MB else 'MISS'} resident memory per "
            f"worker at {int(large):,}: at most {steady:.0f} MB while serving the pages, "
            f"{end:.0f} MB after the export (target ≤ {RSS_LIMIT_MB:.0f} MB); highest ever "
            f"(VmHWM) {peak:.0f} MB"
        )
    return "\n".join(lines), verdicts


def details(result: dict) -> str:
    rows = [
        "| scale | proposals | participation rows | demo --scale s (CPU s) | demo peak MB | "
        "worker RSS after pages MB | worker VmHWM MB | export s (CPU s) | export MB | "
        "export worker growth MB |",
        "| ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for scale, s in sorted(result["scales"].items(), key=lambda kv: int(kv[0])):
        after = ", ".join(f"{w['rss']:.0f}" for w in s["worker_mb_after_pages"].values())
        peak = ", ".join(f"{w['peak']:.0f}" for w in s["worker_mb_end"].values())
        e = s.get("export") or {}
        rows.append(
            f"| {int(scale):,} | {s['ids']['proposals']:,} | "
            f"{s['ids']['participation']:,} | {fmt(s['demo_seconds'])} "
            f"({fmt(s.get('demo_cpu_s'))}) | {fmt(s['demo_peak_mb'], '.0f')} | {after} | "
            f"{peak} | {fmt(e.get('seconds'))} ({fmt(e.get('cpu_s'))}) | "
            f"{fmt(e.get('mb'))} | {fmt(e.get('growth_mb'))} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10000,100000")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of (ceiling /db, the page at each scale) per page; the medians stand",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse data sets already in bench/out (demo time not measured)",
    )
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()

    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (make bench does it)")
    if not LUA.exists():
        sys.exit(f"{LUA} is missing")
    OUT.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",") if s]
    started = datetime.now(UTC)
    result = {
        "started": started.isoformat(timespec="seconds"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine(),
        "load_start": loadavg(),
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s "
        f"(+{args.warmup}s warm-up), gunicorn -w 2 sync, loopback",
        "scales": {},
        "ceiling": [],
        "rounds": args.rounds,
    }
    log(f"commit {result['commit']}, load {result['load_start']}, {result['machine']}")
    datasets = {scale: build_dataset(scale, args.reuse) for scale in scales}
    ceiling, apps = start_ceiling(), []
    try:
        for scale in scales:
            apps.append(App(scale, datasets[scale]))
        result["ceiling"].append(run_ceiling(ceiling, args))
        pages = run_pages(apps, ceiling, args)
        result["ceiling"].append(run_ceiling(ceiling, args))
        for app in apps:
            result["scales"][str(app.scale)] = app.finish(args)
            result["scales"][str(app.scale)]["pages"] = pages[app.scale]
    finally:
        for app in apps:
            app.stop()
        ceiling.stop()
    result["load_end"] = loadavg()
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")

    table, verdicts = report(result)
    text = (
        f"Kokeilu benchmark {result['started']} · commit {result['commit']}"
        f"{' (with uncommitted changes)' if result['dirty'] else ''} · "
        f"{result['machine']['cpus']} CPUs {result['machine']['cpu']} · load "
        f"{result['load_start']} → {result['load_end']} · wrk {result['wrk']}\n\n"
        f"{table}\n\n{details(result)}\n\n" + "\n".join(f"- {v}" for v in verdicts) + "\n"
    )
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (OUT / f"results-{stamp}.json").write_text(json.dumps(result, indent=2, default=str))
    (OUT / "latest.json").write_text(json.dumps(result, indent=2, default=str))
    (OUT / "latest.md").write_text(text)
    print("\n" + text)
    log(f"written bench/out/latest.md and bench/out/results-{stamp}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
