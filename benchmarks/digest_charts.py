"""The digest with its charts against the digest alone, at company scale (issue 16).

Why: the digest now carries three matplotlib charts (sessions per week, stars per month, top
unmet skills). Drawing them must not make the weekly digest much slower than its figures: the
target is the digest with charts within 2x of the digest alone, at 10,000 mentors.

    python -m benchmarks.digest_charts [--quick] [--runs N]

Each run reads the digest of the data set's last 7 days (`build_digest`, the baseline, in the
same run) and then the same digest plus every chart drawn and encoded as PNG
(`bot.blocks.charts.digest_charts`). Reported: p50 and p99 of both, their ratio, each chart's
share, and the PNG sizes. The first run of each is a warm-up (matplotlib's font cache, SQLite's
page cache) and not counted.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.common import machine_line, p50_p99
from benchmarks.dataset import NOW, Spec, cached_sqlite
from bot.blocks.charts import digest_charts
from bot.services.digest import build_digest, last_days
from store.db import make_engine, make_session_factory

TARGET = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 1,000-mentor set, 5 runs")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args(argv)
    spec = Spec(scale=0.1 if args.quick else 1.0)
    runs = args.runs or (5 if args.quick else 20)
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="mentor-bot-bench-") as folder:
        copy = shutil.copyfile(cached_sqlite(spec), Path(folder) / "set.db")
        engine = make_engine(f"sqlite:///{copy}")
        sessions = make_session_factory(engine)
        start, end = last_days(NOW, 7)
        alone: list[float] = []
        with_charts: list[float] = []
        drawing: dict[str, list[float]] = {}
        sizes: dict[str, int] = {}
        for run in range(runs + 1):
            began = time.perf_counter()
            with sessions.begin() as session:
                digest = build_digest(session, start=start, end=end, now=NOW)
            read = time.perf_counter() - began
            began = time.perf_counter()
            with sessions.begin() as session:
                digest = build_digest(session, start=start, end=end, now=NOW)
            for chart in digest_charts(digest):
                drawn = time.perf_counter()
                sizes[chart.filename] = len(chart.png())
                drawing.setdefault(chart.filename, []).append(time.perf_counter() - drawn)
            total = time.perf_counter() - began
            if run:  # the first is a warm-up
                alone.append(read * 1000)
                with_charts.append(total * 1000)
        engine.dispose()
    base50, base99 = p50_p99(alone)
    full50, full99 = p50_p99(with_charts)
    print(f"\nDigest of the last 7 days at {spec.mentors:,} mentors, {runs} runs:\n")
    print("| row | p50 ms | p99 ms | x digest alone (p50) |")
    print("|---|---|---|---|")
    print(f"| digest alone (`build_digest`) | {base50:.1f} | {base99:.1f} | 1.00 |")
    print(f"| digest + charts drawn as PNG | {full50:.1f} | {full99:.1f} | {full50 / base50:.2f} |")
    for name, samples in drawing.items():
        p50, p99 = p50_p99([s * 1000 for s in samples[1:]] or [s * 1000 for s in samples])
        print(f"| one chart: {name} ({sizes[name] / 1000:.0f} kB) | {p50:.1f} | {p99:.1f} | |")
    ratio = full50 / base50
    verdict = "met" if ratio <= TARGET else "missed"
    print(
        f"\nTarget: digest with charts within {TARGET:g}x of the digest alone: "
        f"{verdict} ({ratio:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
