"""Coordinators' commands: `/mentor admin stats [7d|30d|90d]` and `/mentor admin digest`."""

from __future__ import annotations

from bot.blocks.digest import build_digest_message
from bot.deps import Deps
from bot.digest_post import post_digest
from bot.ids import COMMAND
from bot.services.audit import record
from bot.services.digest import Digest, build_digest, last_days
from handlers.commands import Invocation, Subcommands

PERIODS = {"7d": 7, "30d": 30, "90d": 90}
NOT_A_COORDINATOR = "Admin commands are for the program's coordinators."
USAGE = (
    f"Coordinators can type `{COMMAND} admin stats [7d|30d|90d]` for the figures, privately, "
    f"or `{COMMAND} admin digest` to post the digest of the last 7 days to the channel now."
)


def register(deps: Deps, commands: Subcommands) -> None:
    def digest_for(days: int) -> Digest:
        now = deps.clock.now()
        start, end = last_days(now, days)
        with deps.sessions.begin() as session:
            return build_digest(session, start=start, end=end, now=now)

    def audit(call: Invocation, action: str) -> None:
        with deps.sessions.begin() as session:
            record(
                session, actor=call.user_id, action=action, detail=call.text, now=deps.clock.now()
            )

    def admin(call: Invocation) -> None:
        if call.user_id not in deps.settings.coordinator_user_ids:
            call.ack(text=NOT_A_COORDINATOR)
            return
        what = call.args[0].lower() if call.args else ""
        if what == "stats":
            period = (call.args[1] if len(call.args) > 1 else "7d").lower()
            if period not in PERIODS:
                call.ack(text=f"Pick a period of 7d, 30d or 90d. {USAGE}")
                return
            call.ack()
            audit(call, "admin stats")
            days = PERIODS[period]
            title = f"Program stats, last {days} days"
            call.respond(
                **build_digest_message(digest_for(days), title=title), response_type="ephemeral"
            )
        elif what == "digest":
            channel = deps.settings.coordinator_channel
            if not channel:
                call.ack(text="Set COORDINATOR_CHANNEL to choose where the digest goes.")
                return
            call.ack()
            audit(call, "admin digest")
            post_digest(call.client, channel, digest_for(7), title="Mentorship digest")
            call.respond(text=f"Posted the digest to <#{channel}>.", response_type="ephemeral")
        else:
            call.ack(text=USAGE)

    commands.add("admin", admin, "admin stats|digest", "coordinators: program figures and digest")
