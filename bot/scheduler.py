"""Each replica's APScheduler: an in-memory timer that triggers due-work passes.

APScheduler never stores jobs here; the database holds the work (docs/architecture.md, "Due
work"), so any number of replicas can run this side by side and each item is still done once.
"""

from __future__ import annotations

from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.deps import Deps
from bot.jobs import run_due_pass

DUE_PASS_JOB_ID = "due-work-pass"
DUE_PASS_SECONDS = 30


def start_scheduler(deps: Deps, client: WebClient) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        run_due_pass,
        "interval",
        seconds=DUE_PASS_SECONDS,
        id=DUE_PASS_JOB_ID,
        args=(deps, client),
        max_instances=1,
        coalesce=True,
        next_run_time=deps.clock.now(),
    )
    scheduler.start()
    return scheduler
