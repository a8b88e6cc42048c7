"""Run every benchmark, one after the other, and print one summary table at the end.

    python -m benchmarks [--quick] [--skip NAME ...] [--database-url URL]

Each benchmark runs in its own process, so one's memory and threads never colour the next
one's figures; each prints its own table (with its baseline and ratios) as it finishes, and
exits non-zero when one of its targets or invariants fails. `load` needs PostgreSQL: it is
skipped, and says so, when the database does not answer.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/load_bench"


@dataclass(frozen=True)
class Benchmark:
    name: str
    what: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    needs_postgres: bool = False


BENCHMARKS = (
    Benchmark("ack_latency", "acknowledging /mentor, 200 mentors", (), ("--requests", "100")),
    Benchmark("scale", "every request path at 10,000 mentors; serve memory", (), ("--quick",)),
    Benchmark(
        "mentorships",
        "Home and /mentor mentorships with 20,000 active mentorships",
        (),
        ("--quick",),
    ),
    Benchmark(
        "negotiation",
        "rescheduling a session and accepting it at 10,000 mentors",
        (),
        ("--quick",),
    ),
    Benchmark(
        "digest_charts",
        "the digest with its charts vs the digest alone at 10,000 mentors",
        (),
        ("--quick",),
    ),
    Benchmark(
        "matching",
        "find by skill and by saved gaps in process: CPU time, statements",
        (),
        ("--requests", "10"),
    ),
    Benchmark(
        "cohort_matching",
        "optimal pairs of 2,000 mentees and 800 mentors",
        (),
        ("--mentees", "500", "--mentors", "200"),
    ),
    Benchmark("run_due", "10,000 reminders vs bare chat.postMessage", (), ("--items", "2000")),
    Benchmark(
        "capacity",
        "open-loop find load at rising rates, bare Bolt vs serve --workers 2",
        (),
        ("--quick",),
    ),
    Benchmark(
        "load",
        "two replicas on PostgreSQL, one killed; invariants",
        (),
        ("--seconds", "20", "--users", "60"),
        needs_postgres=True,
    ),
)


def postgres_answers(url: str) -> bool:
    """Whether the PostgreSQL server answers (the load test creates its own database)."""
    engine = create_engine(url.rsplit("/", 1)[0] + "/postgres")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer requests, shorter load")
    parser.add_argument("--skip", action="append", default=[], choices=[b.name for b in BENCHMARKS])
    parser.add_argument("--database-url", default=DEFAULT_PG, help="PostgreSQL for `load`")
    args = parser.parse_args(argv)

    results: list[tuple[Benchmark, str, float]] = []
    for bench in BENCHMARKS:
        if bench.name in args.skip:
            results.append((bench, "skipped (--skip)", 0.0))
            continue
        extra = list(bench.quick if args.quick else bench.full)
        if bench.needs_postgres:
            if not postgres_answers(args.database_url):
                results.append((bench, "skipped: PostgreSQL does not answer", 0.0))
                continue
            extra += ["--database-url", args.database_url]
        print(f"\n## {bench.name}: {bench.what}\n", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"benchmarks.{bench.name}", *extra])
        outcome = "finished: see its table" if code == 0 else f"FAILED (exit {code})"
        results.append((bench, outcome, time.perf_counter() - started))

    print("\n## Summary\n")
    print("| benchmark | what | outcome | seconds |")
    print("|---|---|---|---|")
    for bench, outcome, seconds in results:
        print(f"| `{bench.name}` | {bench.what} | {outcome} | {seconds:.0f} |")
    return 0 if all(not o.startswith("FAILED") for _, o, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
