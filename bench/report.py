"""The benchmark's report: the markdown table and the verdict on each target."""

from __future__ import annotations

import statistics

from pages import PAGE_ORDER, PUBLIC, PUBLIC_TARGET, RATIO_TARGET, TARGETS

# The targets; bench/RESULTS.md shows them with the latest results.
P95_GROWTH_LIMIT = 1.5
DEMO_SECONDS_LIMIT = 60.0
RSS_LIMIT_MB = 150.0
# "Memory flat": the export may not grow a worker by more at 100k than at 10k, give or take
# this much (a buffered export of 100k rows would add well over 100 MB).
EXPORT_FLAT_SLACK_MB = 16.0


def fmt(value, spec=".1f", missing="–") -> str:
    return missing if value is None else format(value, spec)


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
    for name in names:
        r = big["pages"].get(name, {})
        target = PUBLIC_TARGET if TARGETS.get(name) == PUBLIC else RATIO_TARGET
        if "rps" in r and ceiling_rps:
            c = r.get("ceiling_db") or {"rps": ceiling_rps, "cpu_ms_per_req": ceiling_cpu}
            ratio = statistics.median(r.get("ratios") or [r["rps"] / c["rps"]])
            cpu_ratio = c["cpu_ms_per_req"] / r["cpu_ms_per_req"] if r["cpu_ms_per_req"] else 0
            ok = ratio >= target and r["non200"] + r["sockerr"] == 0
            verdicts.append(
                f"{'MET ' if ok else 'MISS'} {name} at {int(large):,}: "
                f"{ratio:.0%} of the ceiling /db rps, median of rounds "
                f"({r['rps']:.1f} / {c['rps']:.1f}; target ≥ {target:.0%}); "
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
    verdicts += national_verdicts(result.get("national"))
    return "\n".join(lines), verdicts


def national_verdicts(national: dict | None) -> list[str]:
    """The national-scale data set (PostgreSQL): build time, sizes and each page's ratio."""
    if not national:
        return []
    scale = int(national["scale"])
    lines = [
        f"---- national scale, {scale:,} proposals on PostgreSQL: flask demo --scale {scale} "
        f"took {fmt(national.get('demo_seconds'))} s ({fmt(national.get('demo_cpu_s'))} s CPU, "
        f"peak {fmt(national.get('demo_peak_mb'), '.0f')} MB)"
    ]
    sizes = national.get("index_sizes") or {}
    if sizes:
        tables = sum(v["table_mb"] for v in sizes.values())
        indexes = sum(v["indexes_mb"] for v in sizes.values())
        largest = ", ".join(
            f"{name} {v['table_mb']:.0f} + {v['indexes_mb']:.0f} MB"
            for name, v in list(sizes.items())[:5]
        )
        lines.append(
            f"---- national scale sizes: tables {tables:,.0f} MB, indexes {indexes:,.0f} MB "
            f"(largest, data + indexes: {largest})"
        )
    for name, r in national["pages"].items():
        if "rps" not in r:
            lines.append(f"MISS {name} at {scale:,}: answers {r.get('status')}")
            continue
        ratio = statistics.median(r.get("ratios") or [r["rps"] / r["ceiling_db"]["rps"]])
        target = PUBLIC_TARGET if TARGETS.get(name) == PUBLIC else RATIO_TARGET
        lines.append(
            f"{'MET ' if ratio >= target else 'MISS'} {name} at {scale:,} (PostgreSQL): "
            f"{ratio:.0%} of the ceiling /db rps (target ≥ {target:.0%}); p95 {r['p95_ms']:.1f} ms"
        )
    return lines


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
