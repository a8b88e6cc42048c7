"""The roster's buttons: coordinators approve, reject, pause and reactivate mentors, and page.

Every click redraws the coordinator's roster message in place with the latest state and one line
saying what happened, so a refused click (someone else acted first, the list was old) explains
itself and shows what is true now.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.profile import build_decision_dm, build_reject_modal
from bot.blocks.roster import build_roster, build_status_dm
from bot.deps import Deps
from bot.ids import Action, Block, Callback
from bot.services.errors import DomainError
from bot.services.mentors import MentorView, decide, mentor_by_id
from bot.services.roster import FILTERS, coordinator_set_status, roster_page
from handlers.admin import NOT_A_COORDINATOR, audit, is_coordinator
from handlers.approval import reject_from_modal
from handlers.forms import (
    clicking_user,
    number,
    replace_clicked_message,
    tell,
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


def register(app: App, deps: Deps, home: HomePublisher) -> None:
    def redraw(
        body: dict[str, Any], client: WebClient, filter: str, offset: int, notice: str
    ) -> None:
        with deps.sessions.begin() as session:
            page = roster_page(session, filter=filter, offset=offset, now=deps.clock.now())
        replace_clicked_message(body, client, build_roster(page, notice=notice))

    def tell_mentor(client: WebClient, mentor: MentorView, dm: dict[str, Any]) -> None:
        client.chat_postMessage(channel=mentor.slack_id, **dm)
        home.publish(client, mentor.slack_id)

    def coordinator_click(body: dict[str, Any], client: WebClient, action: dict) -> Shown | None:
        """The roster entry clicked, if a coordinator clicked a well-formed button."""
        if not is_coordinator(deps, clicking_user(body)):
            tell(body, client, NOT_A_COORDINATOR)
            return None
        shown = parse_shown(action.get("value"))
        if shown is None:
            tell(body, client, "That button is not one of Mentor Bot's. Nothing was changed.")
        return shown

    def act(
        body: dict[str, Any],
        client: WebClient,
        action: dict,
        change: Callable[[Any, Shown], MentorView],
        done: str,
        dm: Callable[[MentorView], dict[str, Any]],
    ) -> None:
        shown = coordinator_click(body, client, action)
        if shown is None:
            return
        coordinator = clicking_user(body)
        try:
            with deps.sessions.begin() as session:
                mentor = change(session, shown)
        except DomainError:
            redraw(body, client, shown.filter, shown.offset, OUT_OF_DATE)
            return
        audit(deps, coordinator, f"roster {done}", mentor.slack_id)
        redraw(
            body, client, shown.filter, shown.offset, f"{done.capitalize()} <@{mentor.slack_id}>."
        )
        tell_mentor(client, mentor, dm(mentor))

    @app.action(Action.ROSTER_APPROVE)
    def on_approve(ack: Ack, body: dict[str, Any], client: WebClient, action: dict) -> None:
        ack()

        def approve_by(session: Any, shown: Shown) -> MentorView:
            return decide(
                session,
                mentor_id=shown.mentor_id,
                version=shown.version,
                approve=True,
                reason=None,
                decided_by=clicking_user(body),
                now=deps.clock.now(),
            )

        act(body, client, action, approve_by, "approved", build_decision_dm)

    def set_status(status: str) -> Callable[[Any, Shown], MentorView]:
        def change(session: Any, shown: Shown) -> MentorView:
            return coordinator_set_status(
                session,
                mentor_id=shown.mentor_id,
                version=shown.version,
                status=status,
                now=deps.clock.now(),
            )

        return change

    @app.action(Action.ROSTER_PAUSE)
    def on_pause(ack: Ack, body: dict[str, Any], client: WebClient, action: dict) -> None:
        ack()
        act(body, client, action, set_status("paused"), "paused", build_status_dm)

    @app.action(Action.ROSTER_RESUME)
    def on_resume(ack: Ack, body: dict[str, Any], client: WebClient, action: dict) -> None:
        ack()
        act(body, client, action, set_status("active"), "reactivated", build_status_dm)

    @app.action(Action.ROSTER_PAGE)
    def on_page(ack: Ack, body: dict[str, Any], client: WebClient, action: dict) -> None:
        ack()
        if not is_coordinator(deps, clicking_user(body)):
            tell(body, client, NOT_A_COORDINATOR)
            return
        filter, _, offset = str(action.get("value") or "").partition(":")
        start = number(offset)
        if filter in FILTERS and start is not None:
            redraw(body, client, filter, start, "")

    @app.action(Action.ROSTER_REJECT)
    def on_reject(ack: Ack, body: dict[str, Any], client: WebClient, action: dict) -> None:
        ack()
        shown = coordinator_click(body, client, action)
        if shown is None:
            return
        with deps.sessions.begin() as session:
            mentor = mentor_by_id(session, shown.mentor_id)
        if mentor is None or mentor.version != shown.version or mentor.status != "pending":
            redraw(body, client, shown.filter, shown.offset, OUT_OF_DATE)
            return
        metadata = json.dumps({**shown.__dict__, "response_url": body.get("response_url", "")})
        client.views_open(
            trigger_id=body["trigger_id"],
            view=build_reject_modal(metadata, mentor.name, Callback.ROSTER_REJECT),
        )

    @app.view(Callback.ROSTER_REJECT)
    def on_reject_reason(ack: Ack, body: dict[str, Any], client: WebClient, view: dict) -> None:
        coordinator = clicking_user(body)
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            shown = parse_shown(
                ":".join(str(meta[k]) for k in ("mentor_id", "version", "filter", "offset"))
            )
        except (ValueError, KeyError, TypeError):
            shown = None
        if shown is None:
            ack(response_action="errors", errors={Block.REASON: OUT_OF_DATE})
            return
        if not is_coordinator(deps, coordinator):
            ack(response_action="errors", errors={Block.REASON: NOT_A_COORDINATOR})
            return
        mentor = reject_from_modal(deps, ack, view, coordinator, shown.mentor_id, shown.version)
        if mentor is None:
            return
        audit(deps, coordinator, "roster rejected", mentor.slack_id)
        message_at = {"response_url": meta.get("response_url")}
        redraw(message_at, client, shown.filter, shown.offset, f"Rejected <@{mentor.slack_id}>.")
        tell_mentor(client, mentor, build_decision_dm(mentor))
