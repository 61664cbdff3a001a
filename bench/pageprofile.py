"""Where a page's time goes: its SQL statements (time, plan) and a Python profile, in process.

    .venv/bin/python bench/pageprofile.py bench/out/kokeilu-100000.sqlite3 /screening?sort=-score \
        --as manager [--repeat 5] [--cprofile 25] [--plans]

Requests go through Flask's test client against the data set built by `make bench`, so
this measures CPU work, not the network; use it to find the cause of a slow page.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "bench"))

from pages import DEMO_USERS as LOGINS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("path")
    parser.add_argument("--as", dest="who", choices=sorted(LOGINS))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--cprofile",
        type=int,
        default=0,
        metavar="N",
        help="print the N most expensive functions (cumulative)",
    )
    parser.add_argument(
        "--plans", action="store_true", help="EXPLAIN QUERY PLAN of the five slowest statements"
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.database).resolve()}"
    from sqlalchemy import event

    from experiments import create_app
    from experiments.extensions import db

    app = create_app("development", WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    if args.who:
        email, password = LOGINS[args.who]
        client.post("/login", data={"email": email, "password": password})
    timings: dict[str, list[float]] = defaultdict(list)
    params: dict[str, tuple] = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        context._bench_started = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        timings[statement].append(time.perf_counter() - context._bench_started)
        params[statement] = parameters

    with app.app_context():
        engine = db.engine
    response = client.get(args.path)  # warm: imports, templates, per-process caches
    print(f"GET {args.path} → {response.status_code}, {len(response.data):,} bytes")
    gc.collect()
    gc.freeze()  # as app.py does for the workers: the start-up heap leaves the cyclic GC
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    profiler = cProfile.Profile() if args.cprofile else None
    wall = cpu = 0.0
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        client.get(args.path)
        if profiler:
            profiler.disable()
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)

    n = args.repeat
    sql = sum(sum(t) for t in timings.values()) / n
    count = sum(len(t) for t in timings.values()) / n
    print(
        f"per request: wall {1000 * wall / n:.1f} ms, CPU {1000 * cpu / n:.1f} ms, "
        f"SQL {1000 * sql:.1f} ms in {count:.0f} statements"
    )
    slowest = sorted(timings.items(), key=lambda kv: -sum(kv[1]))
    for statement, times in slowest[:10]:
        one_line = " ".join(statement.split())
        print(f"{1000 * sum(times) / n:9.1f} ms  ×{len(times) / n:.0f}  {one_line[:150]}")
    if args.plans:
        with app.app_context():
            for statement, _times in slowest[:5]:
                print("\n" + " ".join(statement.split())[:300])
                rows = (
                    db.session.connection()
                    .exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params[statement])
                    .all()
                )
                for row in rows:
                    print("   ", row[-1])
    if profiler:
        print()
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
            args.cprofile
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
