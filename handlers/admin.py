"""Coordinators' commands: `/mentor admin stats|health|report|digest|export|mentors|skills`.

Who may run them, and the audit entry for each, are the services' business
(bot/services/coordinators.py and roster.py): a refusal carries the one text for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.digest import build_digest_message
from bot.blocks.health import build_health
from bot.blocks.roster import build_roster
from bot.blocks.skill_catalogue import CATALOGUE_USAGE, build_catalogue, build_catalogue_change
from bot.blocks.sponsor_pdf import report_summary, sponsor_pdf
from bot.deps import Deps
from bot.ids import COMMAND
from bot.services import coordinators, skill_catalogue
from bot.services import health as health_service
from bot.services.coordinators import UnknownPeriod, require_coordinator
from bot.services.errors import DomainError
from bot.services.export import Export
from bot.services.roster import UnknownFilter, show_roster
from bot.services.sponsor_report import sponsor_report
from bot.slack.digest_post import post_digest, upload_charts
from handlers.commands import Invocation, Subcommand, Subcommands
from handlers.context import wiring_of
from handlers.programmes import list_programmes

T = TypeVar("T")

USAGE = (
    f"Coordinators can type:\n"
    f"• `{COMMAND} admin stats [7d|30d|90d]`: the program's figures, privately;\n"
    f"• `{COMMAND} admin health`: mentorships at risk, with a Nudge for each, and the trend;\n"
    f"• `{COMMAND} admin report [programme]`: a one-page PDF for its sponsor, and CSVs, by DM;\n"
    f"• `{COMMAND} admin digest`: post the digest of the last 7 days to the channel now;\n"
    f"• `{COMMAND} admin export [7d|30d|90d]`: sessions, reviews and mentorships as CSV files, "
    "by DM;\n"
    f"• `{COMMAND} admin mentors [pending|active|paused]`: approve, pause or reactivate mentors;\n"
    f"• `{COMMAND} admin skills`: the skills catalogue: rename, merge, synonyms and groups;\n"
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
    if not report.digest.is_empty:  # the same charts as the digest, where only they can see
        dm = call.client.conversations_open(users=call.user_id)["channel"]["id"]
        upload_charts(call.client, dm, report.digest, comment=f"Charts: {title.lower()}.")


def health(call: Invocation) -> None:
    """`/mentor admin health`: the mentorships at risk, each with a Nudge button, and the trend."""
    deps = wiring_of(call.context).deps
    call.ack()
    report = after_ack(
        deps,
        call,
        lambda session: health_service.health(
            session,
            actor=call.user_id,
            coordinators=deps.settings.coordinator_user_ids,
            now=deps.clock.now(),
        ),
    )
    if report is not None:
        call.respond(**build_health(report), response_type="ephemeral")


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


# `skills <verb> A <joiner> B`: the word between the two names, for each verb.
CATALOGUE_VERBS = {"rename": "to", "merge": "into", "synonym": "for", "group": "in"}


def skills(call: Invocation) -> None:
    """`/mentor admin skills [rename|merge|synonym|group ...]`: acked at once (the counts read
    every mentor's skills; a merge moves them), then one service call and its answer."""
    deps = wiring_of(call.context).deps
    call.ack()
    words = call.args[1:]
    verb = words[0].lower() if words else ""
    names = _two_names(words[1:], CATALOGUE_VERBS.get(verb, ""))
    now, actor, ids = deps.clock.now(), call.user_id, deps.settings.coordinator_user_ids
    if not words:
        page = after_ack(
            deps,
            call,
            lambda session: skill_catalogue.catalogue_page(session, actor=actor, coordinators=ids),
        )
        if page is not None:
            call.respond(**build_catalogue(page), response_type="ephemeral")
        return
    if names is None:
        try:
            require_coordinator(actor, ids)  # others hear only the refusal
        except DomainError as error:
            call.respond(text=refusal(error), response_type="ephemeral")
            return
        usage = f"I didn't understand that.\n{CATALOGUE_USAGE}"
        call.respond(text=usage, response_type="ephemeral")
        return
    first, second = names

    def change(session: Session) -> skill_catalogue.CatalogueChange:
        if verb == "rename":
            return skill_catalogue.rename_skill(
                session, actor=actor, coordinators=ids, skill=first, new_name=second, now=now
            )
        if verb == "merge":
            return skill_catalogue.merge_skills(
                session, actor=actor, coordinators=ids, source=first, target=second, now=now
            )
        if verb == "synonym":
            return skill_catalogue.add_synonym(
                session, actor=actor, coordinators=ids, synonym=first, skill=second, now=now
            )
        return skill_catalogue.set_group(
            session, actor=actor, coordinators=ids, skill=first, group=second, now=now
        )

    made = after_ack(deps, call, change)
    if made is not None:
        call.respond(**build_catalogue_change(made), response_type="ephemeral")


def _two_names(words: list[str], joiner: str) -> tuple[str, str] | None:
    """("K8s", "Kubernetes") from "K8s into Kubernetes"; None without the joining word or a
    name on either side. The last joining word counts, so a name may contain it."""
    lowered = [word.lower() for word in words]
    if not joiner or joiner not in lowered:
        return None
    at = len(lowered) - 1 - lowered[::-1].index(joiner)
    first, second = " ".join(words[:at]), " ".join(words[at + 1 :])
    return (first, second) if first and second else None


def usage(call: Invocation) -> None:
    try:
        require_coordinator(
            call.user_id, wiring_of(call.context).deps.settings.coordinator_user_ids
        )
    except DomainError as error:
        call.ack(text=refusal(error))
        return
    call.ack(text=USAGE)


def report(call: Invocation) -> None:
    """`/mentor admin report [programme]`: the sponsor's PDF and the CSVs, to the coordinator's
    DM; drawn after the ack."""
    deps = wiring_of(call.context).deps
    call.ack()
    made = after_ack(
        deps,
        call,
        lambda session: sponsor_report(
            session,
            actor=call.user_id,
            coordinators=deps.settings.coordinator_user_ids,
            programme=" ".join(call.args[1:]),
            now=deps.clock.now(),
        ),
    )
    if made is None:
        return
    dm = call.client.conversations_open(users=call.user_id)["channel"]["id"]
    name = "".join(c if c.isalnum() else "-" for c in made.programme.lower()).strip("-")
    pdf = {
        "content": sponsor_pdf(made),
        "filename": f"{name or 'programme'}-report-{made.end:%Y-%m-%d}.pdf",
        "title": f"{made.programme}: mentoring report",
    }
    call.client.files_upload_v2(
        channel=dm,
        initial_comment=report_summary(made),
        file_uploads=[pdf, *csv_uploads(made.files, made.start, made.end)],
    )
    call.respond(
        text=f"Sent the report for {made.programme} to your DM: a one-page PDF and three CSVs.",
        response_type="ephemeral",
    )


ROUTES: dict[str, Subcommand] = {
    "stats": stats,
    "health": health,
    "report": report,
    "digest": digest,
    "export": export,
    "mentors": mentors,
    "skills": skills,
    "programmes": list_programmes,
}


def admin(call: Invocation) -> None:
    ROUTES.get(call.args[0].lower() if call.args else "", usage)(call)


def register(commands: Subcommands) -> None:
    commands.add(
        "admin",
        admin,
        "admin stats|health|report|digest|export|mentors|skills|programmes",
        "coordinators: figures, health, reports, digest, CSV export, mentors, skills",
    )


def send_export(
    client: WebClient, user_id: str, files: Export, start: datetime, end: datetime
) -> None:
    """Upload the three CSV files to the coordinator's DM with the bot."""
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=dm,
        initial_comment=f"Mentorship export, {start:%d %b %Y} to {end:%d %b %Y} (UTC).",
        file_uploads=csv_uploads(files, start, end),
    )


def csv_uploads(files: Export, start: datetime, end: datetime) -> list[dict[str, Any]]:
    span = f"{start:%Y-%m-%d}-to-{end:%Y-%m-%d}"
    return [
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
    ]
