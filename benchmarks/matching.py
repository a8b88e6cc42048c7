"""Matching on skill gaps (issue 15), in process: CPU time and statements of `find_mentors`.

Why: benchmarks/scale.py measures `/mentor find` through HTTP against a bare Bolt app, which is
the figure the targets name, but on a shared machine its wall-clock milliseconds move with the
other processes' load. The CPU time the search itself takes (`time.process_time`, this thread
only does the search) and the statements it sends do not, so this script shows whether the
work grows with the data: at 1,000 and 10,000 mentors (the `benchmarks.dataset` sets), for
`find python`, `find python leadership` and a bare find matching the asker's saved gaps
(Python from 2 to 4, Leadership to 5), each run `--requests` times after a warm-up.

    python -m benchmarks.matching [--requests N]

Targets (issue 15): the statements do not grow with the mentors that match (one more batch of
free slots may be read where the data differs, never one per mentor). The CPU growth
is for reading beside scale.py's HTTP growth target (at most 2x), which shares fixed HTTP and
Slack costs: the search alone grows more, since the one query reading the matching mentors'
skills and levels returns a row per matching mentor's skill.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.common import machine_line
from benchmarks.dataset import NOW, Spec, cached_sqlite, mentee_slack_id
from bot.services.search import SearchResult, find_mentors

QUERIES: dict[str, list[str]] = {
    "find python": ["python"],
    "find python leadership": ["python", "leadership"],
    "find (saved gaps)": [],
}


def measure(spec: Spec, count: int) -> dict[str, tuple[float, int, int]]:
    """Per query: p50 CPU ms, statements of one search, matching mentors (shown + more)."""
    engine = create_engine(f"sqlite:///{cached_sqlite(spec)}")
    sessions = sessionmaker(engine)
    asker = mentee_slack_id(spec.mentees // 2)
    statements = [0]

    def counted(*_: object) -> None:
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", counted)

    def search(words: list[str]) -> Callable[[], SearchResult]:
        def run() -> SearchResult:
            with sessions() as session:
                result = _find(session, asker, words)
                session.rollback()  # unmet demand is recorded: leave the set as it was
            return result

        return run

    figures: dict[str, tuple[float, int, int]] = {}
    for name, words in QUERIES.items():
        run = search(words)
        for _ in range(max(count // 10, 3)):
            run()
        statements[0] = 0
        result = run()
        sent = statements[0]
        times = []
        for _ in range(count):
            started = time.process_time()
            run()
            times.append((time.process_time() - started) * 1000)
        times.sort()
        matching = len(result.available) + len(result.full) + len(result.without_slots)
        figures[name] = (times[len(times) // 2], sent, matching + result.more)
    engine.dispose()
    return figures


def _find(session: Session, asker: str, words: list[str]) -> SearchResult:
    return find_mentors(session, asker_slack_id=asker, query=words, now=NOW)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="measured searches per row")
    args = parser.parse_args(argv)
    count = max(args.requests, 5)
    print(machine_line())
    print(f"{count} measured searches per row, CPU time of the search alone (process_time)")
    small = measure(Spec(scale=0.1), count)
    big = measure(Spec(scale=1.0), count)
    print()
    print("| search | 1,000 mentors: CPU p50 ms / statements / matching | 10,000 mentors: CPU "
          "p50 ms / statements / matching | CPU growth |")  # fmt: skip
    print("|---|---|---|---|")
    for name in QUERIES:
        (s_ms, s_sent, s_match), (b_ms, b_sent, b_match) = small[name], big[name]
        print(f"| {name} | {s_ms:.1f} / {s_sent} / {s_match:,} | {b_ms:.1f} / {b_sent} / "
              f"{b_match:,} | {b_ms / s_ms:.2f}× |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
