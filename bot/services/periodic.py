"""The digest's schedule: one due item per DIGEST_CRON period, whoever notices it first.

Every due-work pass (on any replica, or `mentor-bot run-due` from cron) schedules the digest
for the latest cron time that has passed. Its key is that time, so the digest of a period is
scheduled, and so posted, exactly once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session

from bot.services import due

DIGEST = "digest"
LOOK_BACK = timedelta(days=35)  # far enough to find the previous run of a monthly cron line
CATCH_UP = timedelta(days=1)  # a digest missed while every replica was down is sent this late


def last_period(cron: str, tz: str, now: datetime) -> tuple[datetime, datetime] | None:
    """The period ending at the latest cron time before `now`: (previous time, latest time)."""
    trigger = CronTrigger.from_crontab(cron, timezone=ZoneInfo(tz))
    fires: list[datetime] = []
    previous: datetime | None = None
    moment = trigger.get_next_fire_time(None, now - LOOK_BACK)
    while moment is not None and moment <= now:
        fires.append(moment)
        previous = moment
        moment = trigger.get_next_fire_time(previous, previous + timedelta(seconds=1))
    if not fires:
        return None
    latest = fires[-1].astimezone(UTC)
    start = fires[-2].astimezone(UTC) if len(fires) > 1 else latest - timedelta(days=7)
    return start, latest


def schedule_digest(session: Session, *, cron: str, tz: str, now: datetime) -> bool:
    """Schedule the digest of the period that ended last; True when it was new."""
    period = last_period(cron, tz, now)
    if period is None or period[1] < now - CATCH_UP:
        return False
    start, end = period
    return due.schedule(
        session,
        key=f"{DIGEST}:{end.isoformat()}",
        kind=DIGEST,
        due_at=end,
        now=now,
        payload={"start": start.isoformat(), "end": end.isoformat()},
    )
