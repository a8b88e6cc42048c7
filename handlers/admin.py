"""Coordinators' commands: `/mentor admin stats|digest|export|mentors`.

Who may run them, and the audit entry for each, are the services' business
(bot/services/coordinators.py and roster.py): a refusal carries the one text for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.digest import build_digest_message
from bot.blocks.roster import build_roster
from bot.deps import Deps
from bot.ids import COMMAND
from bot.services import coordinators
from bot.services.coordinators import UnknownPeriod, require_coordinator
from bot.services.errors import DomainError
from bot.services.export import Export
from bot.services.roster import UnknownFilter, show_roster
from bot.slack.digest_post import post_digest
from handlers.commands import Invocation, Subcommand, Subcommands
from handlers.context import wiring_of
from handlers.programmes import list_programmes

T = TypeVar("T")

USAGE = (
    f"Coordinators can type:\n"
    f"• `{COMMAND} admin stats [7d|30d|90d]`: the program's figures, privately;\n"
    f"• `{COMMAND} admin digest`: post the digest of the last 7 days to the channel now;\n"
    f"• `{COMMAND} admin export [7d|30d|90d]`: sessions, reviews and mentorships as CSV files, "
    "by DM;\n"
    f"• `{COMMAND} admin mentors [pending|active|paused]`: approve, pause or reactivate mentors;\n"
    f"• `{COMMAND} admin programmes`: create and edit programmes (cohorts)."
)


def word(call: Invocation, default: str) -> str:
    return call.args[1] if len(call.args) > 1 else default


def refusal(error: DomainError) -> str:
    """A wrong period or filter also gets the usage."""
    usage = f"\n{USAGE}" if isinstance(error, UnknownPeriod | UnknownFilter) else ""
    return f"{error}{usage}"


def after_ack(deps: Deps, call: Invocation, use_case: Callable[[Session], T]) -> T | None:
    """Run a coordinator's use case after the ack (the figures can take a moment); a refusal
    is answered privately and gives None.

    Not `forms.run_or_tell`: that answers a click through its payload (response_url, else a
    DM); this answers a slash command through its `respond`, with the usage added to a wrong
    period or filter (`refusal`)."""
    try:
        with deps.sessions.begin() as session:
            return use_case(session)
    except DomainError as error:
        call.respond(text=refusal(error), response_type="ephemeral")
        return None


def stats(call: Invocation) -> None:
    deps = wiring_of(call.context).deps
    call.ack()
    report = after_ack(
        deps,
        call,
        lambda session: coordinators.stats(
            session,
            actor=call.user_id,
            coordinators=deps.settings.coordinator_user_ids,
            period=word(call, "7d"),
            now=deps.clock.now(),
        ),
    )
    if report is None:
        return
    title = f"Program stats, last {report.days} days"
    call.respond(**build_digest_message(report.digest, title=title), response_type="ephemeral")


def digest(call: Invocation) -> None:
    deps = wiring_of(call.context).deps
    ids = deps.settings.coordinator_user_ids
    call.ack()
    report = after_ack(
        deps,
        call,
        lambda session: coordinators.digest_now(
            session,
            actor=call.user_id,
            coordinators=ids,
            channel=deps.settings.coordinator_channel,
            now=deps.clock.now(),
        ),
    )
    if report is None:
        return
    post_digest(
        call.client,
        report.channel,
        report.digest,
        title="Mentorship digest",
        coordinators=ids,
    )
    call.respond(text=f"Posted the digest to <#{report.channel}>.", response_type="ephemeral")


def export(call: Invocation) -> None:
    deps = wiring_of(call.context).deps
    call.ack()
    made = after_ack(
        deps,
        call,
        lambda session: coordinators.export(
            session,
            actor=call.user_id,
            coordinators=deps.settings.coordinator_user_ids,
            period=word(call, "30d"),
            now=deps.clock.now(),
        ),
    )
    if made is None:
        return
    files = made.files
    if files.is_empty:
        call.respond(
            text=(
                f"No sessions, reviews or mentorships in the last {made.days} days: "
                "nothing to export."
            ),
            response_type="ephemeral",
        )
        return
    send_export(call.client, call.user_id, files, made.start, made.end)
    call.respond(
        text=(
            f"Sent you three CSV files by DM: {files.sessions} booking(s) (sessions and "
            f"requests), {files.reviews} review(s) and {files.mentorships} mentorship "
            f"member(s) from the last {made.days} days."
        ),
        response_type="ephemeral",
    )


def mentors(call: Invocation) -> None:
    deps = wiring_of(call.context).deps
    try:
        with deps.sessions.begin() as session:
            page = show_roster(
                session,
                actor=call.user_id,
                coordinators=deps.settings.coordinator_user_ids,
                filter=word(call, "all").lower(),
                detail=call.text,
                now=deps.clock.now(),
            )
    except DomainError as error:
        call.ack(text=refusal(error))
        return
    call.ack(**build_roster(page))


def usage(call: Invocation) -> None:
    try:
        require_coordinator(
            call.user_id, wiring_of(call.context).deps.settings.coordinator_user_ids
        )
    except DomainError as error:
        call.ack(text=refusal(error))
        return
    call.ack(text=USAGE)


ROUTES: dict[str, Subcommand] = {
    "stats": stats,
    "digest": digest,
    "export": export,
    "mentors": mentors,
    "programmes": list_programmes,
}


def admin(call: Invocation) -> None:
    ROUTES.get(call.args[0].lower() if call.args else "", usage)(call)


def register(commands: Subcommands) -> None:
    commands.add(
        "admin",
        admin,
        "admin stats|digest|export|mentors",
        "coordinators: figures, digest, CSV export, mentors",
    )


def send_export(
    client: WebClient, user_id: str, files: Export, start: datetime, end: datetime
) -> None:
    """Upload the three CSV files to the coordinator's DM with the bot."""
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
            {
                "content": files.mentorships_csv.encode(),
                "filename": f"mentor-mentorships-{span}.csv",
                "title": "Mentorships",
            },
        ],
    )
