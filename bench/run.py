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
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

from pages import API_USER, DEMO_USERS, PAGE_ORDER, discover, pages_for
from report import details, report

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SHARED = Path(os.environ.get("BENCH_SHARED", REPO / ".." / "shared" / "bench")).resolve()
LUA = SHARED / "wrk_report.lua"
BIN = Path(os.environ.get("BENCH_BIN", REPO / ".venv" / "bin"))


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


def app_env(url: str) -> dict:
    env = dict(os.environ)
    env.update(
        KOKEILU_CONFIG="development",
        FLASK_APP="app.py",
        DATABASE_URL=url,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


# Measuring: wrk, sign-in, the streamed export.


def wrk(
    url: str, duration: int, connections: int, threads: int, headers: dict | None = None
) -> dict:
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
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
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


def login(base: str, email: str, password: str) -> dict:
    """Sign in through the form (CSRF token included); the request headers of that session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/login", timeout=30).read().decode()
    tag = re.search(r"<input[^>]*name=\"csrf_token\"[^>]*>", html)
    token = re.search(r"value=\"([^\"]+)\"", tag.group(0)).group(1) if tag else ""
    data = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": token}
    ).encode()
    opener.open(base + "/login", data=data, timeout=30).read()
    headers = {"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)}
    # A signed-in person gets their own account page, not a redirect to /login.
    status, _ = probe(base, "/account", headers)
    if status != 200:
        raise RuntimeError(f"signing in as {email} failed (/account → {status})")
    return headers


def api_token(base: str, email: str, password: str) -> dict:
    """An API token (POST /api/v1/tokens); the request headers that carry it."""
    conn = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(base).port, timeout=60)
    body = json.dumps({"email": email, "password": password})
    conn.request("POST", "/api/v1/tokens", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    answer = response.read()
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"no API token for {email}: {response.status} {answer[:200]!r}")
    return {"Authorization": f"Bearer {json.loads(answer)['token']}"}


def export(server: Server, path: str, headers: dict) -> dict:
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
    conn.request("GET", path, headers=headers)
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


def build_dataset(scale: int, reuse: bool, postgres_url: str | None = None) -> dict:
    """The data set of `scale` proposals: a SQLite file in bench/out, or on PostgreSQL."""
    path = OUT / f"kokeilu-{scale}.sqlite3"
    url = postgres_url or f"sqlite:///{path}"
    env = app_env(url)
    log_path = OUT / f"demo-{scale}.log"
    kind = "postgresql" if postgres_url else "sqlite"
    if reuse and not postgres_url and path.exists():
        log(f"{scale}: reusing {path.relative_to(REPO)} (demo time not measured)")
        return {
            "url": url,
            "database": kind,
            "demo_seconds": None,
            "demo_cpu_s": None,
            "demo_peak_mb": None,
        }
    if not postgres_url:
        remove_db(path)
    log_path.write_text("")
    code, *_ = run_timed([str(BIN / "flask"), "db", "upgrade"], env, log_path)
    if code:
        raise RuntimeError(f"flask db upgrade failed; see {log_path}")
    log(f"{scale}: flask demo --scale {scale} on {kind} …")
    code, seconds, cpu, peak = run_timed(
        [str(BIN / "flask"), "demo", "--scale", str(scale)], env, log_path
    )
    if code:
        raise RuntimeError(f"flask demo --scale {scale} failed; see {log_path}")
    log(f"{scale}: built in {seconds:.1f} s ({cpu:.1f} s CPU, peak {peak:.0f} MB)")
    return {
        "url": url,
        "database": kind,
        "demo_seconds": round(seconds, 1),
        "demo_cpu_s": round(cpu, 1),
        "demo_peak_mb": round(peak),
        "index_sizes": index_sizes(url) if postgres_url else None,
    }


def index_sizes(url: str) -> dict:
    """PostgreSQL: the size of every table's data and of its indexes, in MB, largest first."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            con.execute(sa.text("ANALYZE"))
            rows = con.execute(
                sa.text(
                    "SELECT c.relname, pg_relation_size(c.oid), pg_indexes_size(c.oid) "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'r' AND n.nspname = current_schema() "
                    "ORDER BY pg_total_relation_size(c.oid) DESC"
                )
            ).all()
    finally:
        engine.dispose()
    return {
        name: {"table_mb": round(t / 2**20, 1), "indexes_mb": round(i / 2**20, 1)}
        for name, t, i in rows
    }


def probe(base: str, path: str, headers: dict | None) -> tuple[int, float]:
    """One GET: its status and how long it took (ms)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(base).port, timeout=300)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000


def warm(base: str, path: str, headers: dict | None) -> None:
    """Four requests at once, twice: a busy sync worker accepts nothing, so both workers
    serve the page (and fill their per-process caches) before it is measured."""
    for _ in range(2):
        threads = [threading.Thread(target=probe, args=(base, path, headers)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def measure(server: Server, pages, args) -> dict:
    """pages: (name, path, request headers) each."""
    results = {}
    for name, path, jar in pages:
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
    return measure(server, [("db", "/db", None), ("static", "/static", None)], args)


class App:
    """The app serving one data set, its people signed in, memory watched."""

    def __init__(self, scale: int, dataset: dict):
        self.scale, self.dataset = scale, dataset
        self.ids = discover(dataset["url"])
        log(f"{scale} ({dataset['database']}): {self.ids}")
        self.server = Server(f"kokeilu-{scale}", "app:app", app_env(dataset["url"]))
        self.server.wait_ready("/login")
        pages = pages_for(self.ids)
        self.headers: dict[str | None, dict | None] = {None: None}
        for who in {p.who for p in pages} - {None, "api"}:
            self.headers[who] = login(self.server.base, *DEMO_USERS[who])
        self.headers["api"] = api_token(self.server.base, *DEMO_USERS[API_USER])
        self.pages = {p.name: (p.path, self.headers[p.who]) for p in pages}
        self.stop_sampling, self.rss_peaks = threading.Event(), {}
        self.sampler = threading.Thread(
            target=self.server.sample_rss, args=(self.stop_sampling, self.rss_peaks)
        )
        self.sampler.start()

    def measure(self, name: str, args) -> dict:
        path, headers = self.pages[name]
        return measure(self.server, [(name, path, headers)], args)[name]

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
            exported = export(self.server, "/exports/proposals.csv", self.headers["manager"] or {})
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
            "database": self.dataset["database"],
            "index_sizes": self.dataset.get("index_sizes"),
        }

    def stop(self) -> None:
        self.stop_sampling.set()
        self.server.stop()


def run_pages(apps: list[App], national: App | None, ceiling: Server, args) -> dict:
    """For each page, rounds of (ceiling /db, the page at each scale): every ratio and every
    p95 comparison is between runs a minute apart, as the load on a shared machine drifts.
    The round with the median ratio (largest SQLite scale over ceiling) is the one shown;
    the national data set (PostgreSQL) is measured in the same rounds."""
    small, large = apps[0], apps[-1]
    everyone = apps + ([national] if national else [])
    chosen: dict[int, dict] = {app.scale: {} for app in everyone}
    for name in args.pages:
        rounds = []
        for _ in range(args.rounds):
            ceiling_run = measure(ceiling, [("db", "/db", None)], args)["db"]
            runs = {app.scale: app.measure(name, args) for app in everyone}
            rounds.append((ceiling_run, runs))
        measured = [(c, runs) for c, runs in rounds if "rps" in runs[large.scale]]
        if not measured:
            for app in everyone:
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
        for app in everyone:
            run = runs[app.scale]
            run["ceiling_db"] = ceiling_run
            if app is large:
                run.update(ratios=ratios, p95_growths=growths)
            elif app is national and "rps" in run:
                run["ratios"] = [
                    round(r[app.scale]["rps"] / c["rps"], 3)
                    for c, r in measured
                    if "rps" in r[app.scale]
                ]
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
    parser.add_argument(
        "--scale",
        type=int,
        help="also a national-scale data set of this many proposals on PostgreSQL (e.g. "
        "1000000), measured in the same rounds; started with scripts/with-postgres.sh",
    )
    parser.add_argument(
        "--pages", default=",".join(PAGE_ORDER), help="the pages to measure, comma-separated"
    )
    args = parser.parse_args()
    args.pages = [p for p in args.pages.split(",") if p]
    unknown = set(args.pages) - set(PAGE_ORDER)
    if unknown:
        sys.exit(f"unknown pages: {', '.join(sorted(unknown))}; known: {', '.join(PAGE_ORDER)}")
    postgres_url = os.environ.get("TEST_DATABASE_URL") if args.scale else None
    if args.scale and not postgres_url:
        # A throwaway PostgreSQL server on loopback for the national data set.
        script = str(REPO / "scripts" / "with-postgres.sh")
        os.execvp("bash", ["bash", script, str(BIN / "python"), *sys.argv])

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
    national_set = build_dataset(args.scale, False, postgres_url) if args.scale else None
    ceiling, apps, national = start_ceiling(), [], None
    try:
        for scale in scales:
            apps.append(App(scale, datasets[scale]))
        if national_set:
            national = App(args.scale, national_set)
        result["ceiling"].append(run_ceiling(ceiling, args))
        pages = run_pages(apps, national, ceiling, args)
        result["ceiling"].append(run_ceiling(ceiling, args))
        for app in apps:
            result["scales"][str(app.scale)] = app.finish(args)
            result["scales"][str(app.scale)]["pages"] = pages[app.scale]
        if national:
            result["national"] = national.finish(args) | {
                "scale": national.scale,
                "pages": pages[national.scale],
            }
    finally:
        for app in apps + ([national] if national else []):
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
