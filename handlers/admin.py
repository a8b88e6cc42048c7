"""Coordinators' commands: `/mentor admin stats|digest|export|mentors`.

Anyone not in COORDINATOR_USER_IDS gets one polite line and nothing else; every admin action
that runs is written to the audit log with who ran it.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from bot.blocks.digest import build_digest_message
from bot.blocks.roster import build_roster
from bot.deps import Deps
from bot.digest_post import post_digest
from bot.ids import COMMAND
from bot.services.audit import record
from bot.services.digest import Digest, build_digest, last_days
from bot.services.export import Export, export_period
from bot.services.roster import FILTERS, roster_page
from handlers.commands import Invocation, Subcommands

PERIODS = {"7d": 7, "30d": 30, "90d": 90}
NOT_A_COORDINATOR = "Admin commands are for the program's coordinators."
USAGE = (
    f"Coordinators can type:\n"
    f"• `{COMMAND} admin stats [7d|30d|90d]`: the program's figures, privately;\n"
    f"• `{COMMAND} admin digest`: post the digest of the last 7 days to the channel now;\n"
    f"• `{COMMAND} admin export [7d|30d|90d]`: sessions and reviews as CSV files, by DM;\n"
    f"• `{COMMAND} admin mentors [pending|active|paused]`: approve, pause or reactivate mentors."
)


def is_coordinator(deps: Deps, user_id: str) -> bool:
    return user_id in deps.settings.coordinator_user_ids


def audit(deps: Deps, actor: str, action: str, detail: str) -> None:
    with deps.sessions.begin() as session:
        record(session, actor=actor, action=action, detail=detail, now=deps.clock.now())


def register(deps: Deps, commands: Subcommands) -> None:
    def digest_for(days: int) -> Digest:
        now = deps.clock.now()
        start, end = last_days(now, days)
        with deps.sessions.begin() as session:
            return build_digest(session, start=start, end=end, now=now)

    def period_of(call: Invocation, default: str) -> int | None:
        """Days of the period named after the admin word; None (and usage shown) if unknown."""
        period = (call.args[1] if len(call.args) > 1 else default).lower()
        if period not in PERIODS:
            call.ack(text=f"Pick a period of 7d, 30d or 90d.\n{USAGE}")
            return None
        return PERIODS[period]

    def stats(call: Invocation) -> None:
        days = period_of(call, "7d")
        if days is None:
            return
        call.ack()
        audit(deps, call.user_id, "admin stats", call.text)
        title = f"Program stats, last {days} days"
        call.respond(
            **build_digest_message(digest_for(days), title=title), response_type="ephemeral"
        )

    def digest(call: Invocation) -> None:
        channel = deps.settings.coordinator_channel
        if not channel:
            call.ack(text="Set COORDINATOR_CHANNEL to choose where the digest goes.")
            return
        call.ack()
        audit(deps, call.user_id, "admin digest", call.text)
        post_digest(
            call.client,
            channel,
            digest_for(7),
            title="Mentorship digest",
            coordinators=deps.settings.coordinator_user_ids,
        )
        call.respond(text=f"Posted the digest to <#{channel}>.", response_type="ephemeral")

    def export(call: Invocation) -> None:
        days = period_of(call, "30d")
        if days is None:
            return
        call.ack()
        audit(deps, call.user_id, "admin export", call.text)
        start, end = last_days(deps.clock.now(), days)
        with deps.sessions.begin() as session:
            files = export_period(session, start=start, end=end)
        if not files.sessions and not files.reviews:
            call.respond(
                text=f"No sessions or reviews in the last {days} days: nothing to export.",
                response_type="ephemeral",
            )
            return
        send_export(call.client, call.user_id, files, start, end)
        call.respond(
            text=(
                f"Sent you two CSV files by DM: {files.sessions} booking(s) (sessions and "
                f"requests) and {files.reviews} review(s) from the last {days} days."
            ),
            response_type="ephemeral",
        )

    def mentors(call: Invocation) -> None:
        filter = (call.args[1] if len(call.args) > 1 else "all").lower()
        if filter not in FILTERS:
            call.ack(text=f"Show `pending`, `active` or `paused` mentors, or all of them.\n{USAGE}")
            return
        with deps.sessions.begin() as session:
            page = roster_page(session, filter=filter, offset=0, now=deps.clock.now())
        call.ack(**build_roster(page))
        audit(deps, call.user_id, "admin mentors", call.text)

    routes = {"stats": stats, "digest": digest, "export": export, "mentors": mentors}

    def admin(call: Invocation) -> None:
        if not is_coordinator(deps, call.user_id):
            call.ack(text=NOT_A_COORDINATOR)
            return
        route = routes.get(call.args[0].lower() if call.args else "")
        if route is None:
            call.ack(text=USAGE)
            return
        route(call)

    commands.add(
        "admin",
        admin,
        "admin stats|digest|export|mentors",
        "coordinators: figures, digest, CSV export, mentors",
    )


def send_export(
    client: WebClient, user_id: str, files: Export, start: datetime, end: datetime
) -> None:
    """Upload both CSV files to the coordinator's DM with the bot."""
    span = f"{start:%Y-%m-%d}-to-{end:%Y-%m-%d}"
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=dm,
        initial_comment=f"Mentorship export, {start:%d %b %Y} to {end:%d %b %Y} (UTC).",
        file_uploads=[
            {
                "content": files.sessions_csv.encode(),
                "filename": f"mentor-sessions-{span}.csv",
                "title": "Sessions and requests",
            },
            {
                "content": files.reviews_csv.encode(),
                "filename": f"mentor-reviews-{span}.csv",
                "title": "Reviews",
            },
        ],
    )
