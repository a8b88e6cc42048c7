"""The roster's buttons: coordinators approve, reject, pause and reactivate mentors, and page.

Every click redraws the coordinator's roster message in place with the latest state and one line
saying what happened, so a refused click (someone else acted first, the list was old) explains
itself and shows what is true now. Who may act, and the audit entry, are the services' business;
reject and pause ask for a reason in a modal, re-checked by the service when it is submitted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.kit import escape
from bot.blocks.profile import build_decision_dm, build_reject_modal
from bot.blocks.roster import (
    build_change_notice,
    build_pause_modal,
    build_roster,
    build_status_dm,
)
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services.coordinators import NotACoordinator
from bot.services.errors import DomainError
from bot.services.mentors import (
    MentorOutcome,
    MentorView,
    decide,
    decision_form,
)
from bot.services.roster import (
    FILTERS,
    coordinator_pause,
    coordinator_reactivate,
    pause_form,
    roster_page,
)
from handlers.approval import reject_from_modal
from handlers.context import Wiring, wiring_of
from handlers.forms import (
    NOT_OURS,
    clicking_user,
    form_values,
    number,
    replace_clicked_message,
    submit_or_errors,
    tell,
    text,
)
from handlers.home import HomePublisher

OUT_OF_DATE = "That list is out of date; here it is again."


@dataclass(frozen=True)
class Shown:
    """A roster button's value: the mentor as the coordinator saw them, and the page."""

    mentor_id: int
    version: int
    filter: str
    offset: int


def parse_shown(value: Any) -> Shown | None:
    parts = str(value or "").split(":")
    if len(parts) != 4 or parts[2] not in FILTERS:
        return None
    mentor_id, version, offset = number(parts[0]), number(parts[1]), number(parts[3])
    if mentor_id is None or version is None or offset is None:
        return None
    return Shown(mentor_id, version, parts[2], offset)


def parse_modal_metadata(metadata: Any) -> tuple[Shown, str] | None:
    """The roster entry and the roster message's response_url a reason modal was opened from."""
    try:
        meta = json.loads(metadata if isinstance(metadata, str) else "")
        keys = ("mentor_id", "version", "filter", "offset")
        shown = parse_shown(":".join(str(meta[k]) for k in keys))
    except (ValueError, KeyError, TypeError):
        return None
    url = meta.get("response_url")
    return (shown, url if isinstance(url, str) else "") if shown else None


Change = Callable[[Deps, Session, Shown, str], MentorOutcome]
MentorDM = Callable[[MentorOutcome], dict[str, Any]]


def redraw(
    deps: Deps,
    body: dict[str, Any],
    client: WebClient,
    shown_at: Shown | tuple[str, int],
    notice: str,
) -> None:
    filter, offset = (shown_at.filter, shown_at.offset) if isinstance(shown_at, Shown) else shown_at
    try:
        with deps.sessions.begin() as session:
            page = roster_page(
                session,
                actor=clicking_user(body),
                coordinators=deps.settings.coordinator_user_ids,
                filter=filter,
                offset=offset,
                now=deps.clock.now(),
            )
    except DomainError as refused:
        tell(body, client, str(refused))
        return
    replace_clicked_message(body, client, build_roster(page, notice=notice))


def tell_mentor(
    home: HomePublisher, client: WebClient, outcome: MentorOutcome, dm: MentorDM
) -> None:
    """DM the person the outcome says to tell, and refresh their Home."""
    client.chat_postMessage(channel=outcome.tell, **dm(outcome))
    home.publish(client, outcome.tell)


def refuse(
    deps: Deps, body: dict[str, Any], client: WebClient, shown: Shown, error: DomainError
) -> None:
    """Say why a click was refused: a non-coordinator privately, else on the new list."""
    if isinstance(error, NotACoordinator):
        tell(body, client, str(error))
    else:
        redraw(deps, body, client, shown, f"{OUT_OF_DATE} {escape(str(error))}")


def act(
    wiring: Wiring,
    body: dict[str, Any],
    client: WebClient,
    action: dict,
    change: Change,
    dm: MentorDM,
) -> None:
    deps = wiring.deps
    shown = parse_shown(action.get("value"))
    if shown is None:
        tell(body, client, NOT_OURS)
        return
    try:
        with deps.sessions.begin() as session:
            outcome = change(deps, session, shown, clicking_user(body))
    except DomainError as refused:
        refuse(deps, body, client, shown, refused)
        return
    redraw(deps, body, client, shown, build_change_notice(outcome))
    tell_mentor(wiring.home, client, outcome, dm)


def approve_by(deps: Deps, session: Session, shown: Shown, actor: str) -> MentorOutcome:
    return decide(
        session,
        mentor_id=shown.mentor_id,
        version=shown.version,
        approve=True,
        reason=None,
        actor=actor,
        coordinators=deps.settings.coordinator_user_ids,
        now=deps.clock.now(),
        source="roster",
    )


def reactivate(deps: Deps, session: Session, shown: Shown, actor: str) -> MentorOutcome:
    return coordinator_reactivate(
        session,
        mentor_id=shown.mentor_id,
        version=shown.version,
        actor=actor,
        coordinators=deps.settings.coordinator_user_ids,
        now=deps.clock.now(),
    )


def on_approve(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    act(wiring_of(context), body, client, action, approve_by, build_decision_dm)


def on_resume(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    act(wiring_of(context), body, client, action, reactivate, build_status_dm)


def on_page(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    filter, _, offset = str(action.get("value") or "").partition(":")
    start = number(offset)
    if filter not in FILTERS or start is None:
        tell(body, client, NOT_OURS)
        return
    redraw(wiring_of(context).deps, body, client, (filter, start), "")


def open_reason_modal(
    deps: Deps,
    body: dict[str, Any],
    client: WebClient,
    action: dict,
    load: Callable[..., MentorView],
    modal: Callable[[str, str], dict[str, Any]],
) -> None:
    """Check the entry can still be acted on, then ask for the reason in a modal."""
    shown = parse_shown(action.get("value"))
    if shown is None:
        tell(body, client, NOT_OURS)
        return
    try:
        with deps.sessions.begin() as session:
            mentor = load(
                session,
                mentor_id=shown.mentor_id,
                version=shown.version,
                actor=clicking_user(body),
                coordinators=deps.settings.coordinator_user_ids,
            )
    except DomainError as refused:
        refuse(deps, body, client, shown, refused)
        return
    metadata = json.dumps({**shown.__dict__, "response_url": body.get("response_url", "")})
    client.views_open(trigger_id=body["trigger_id"], view=modal(metadata, mentor.name))


def reject_modal(metadata: str, name: str) -> dict[str, Any]:
    return build_reject_modal(metadata, name, Callback.ROSTER_REJECT)


def on_reject(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    open_reason_modal(wiring_of(context).deps, body, client, action, decision_form, reject_modal)


def on_pause(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    open_reason_modal(wiring_of(context).deps, body, client, action, pause_form, build_pause_modal)


def on_reject_reason(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    coordinator = clicking_user(body)
    opened = parse_modal_metadata(view.get("private_metadata"))
    if opened is None:
        ack(response_action="errors", errors={BlockId.REASON: OUT_OF_DATE})
        return
    shown, url = opened
    decision = reject_from_modal(
        wiring.deps, ack, view, coordinator, shown.mentor_id, shown.version, "roster"
    )
    if decision is None:
        return
    at = {"response_url": url, "user": {"id": coordinator}}
    redraw(wiring.deps, at, client, shown, build_change_notice(decision))
    tell_mentor(wiring.home, client, decision, build_decision_dm)


def on_pause_reason(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    coordinator = clicking_user(body)
    opened = parse_modal_metadata(view.get("private_metadata"))
    if opened is None:
        ack(response_action="errors", errors={BlockId.REASON: OUT_OF_DATE})
        return
    shown, url = opened
    outcome = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: coordinator_pause(
            session,
            mentor_id=shown.mentor_id,
            version=shown.version,
            reason=text(form_values(view), BlockId.REASON),
            actor=coordinator,
            coordinators=deps.settings.coordinator_user_ids,
            now=deps.clock.now(),
        ),
        default=BlockId.REASON,
    )
    if outcome is None:
        return
    at = {"response_url": url, "user": {"id": coordinator}}
    redraw(deps, at, client, shown, build_change_notice(outcome))
    tell_mentor(wiring.home, client, outcome, build_status_dm)


def register(app: App) -> None:
    app.action(Action.ROSTER_APPROVE)(on_approve)
    app.action(Action.ROSTER_RESUME)(on_resume)
    app.action(Action.ROSTER_PAGE)(on_page)
    app.action(Action.ROSTER_REJECT)(on_reject)
    app.action(Action.ROSTER_PAUSE)(on_pause)
    app.view(Callback.ROSTER_REJECT)(on_reject_reason)
    app.view(Callback.ROSTER_PAUSE)(on_pause_reason)
