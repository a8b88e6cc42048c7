"""Mentors publish when they are free: `/mentor availability`, its modal and its forms."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.availability import (
    build_add_group_modal,
    build_add_once_modal,
    build_add_weekly_modal,
    build_availability_modal,
)
from bot.blocks.kit import escape, local_label
from bot.blocks.profile import build_profile_message
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services import availability
from bot.services.availability import Publisher, SlotView, WindowResult
from bot.services.errors import DomainError
from handlers.commands import Invocation, Subcommands
from handlers.context import Wiring, wiring_of
from handlers.forms import (
    choices,
    clicking_user,
    form_values,
    number,
    option_value,
    string,
    submit_or_errors,
    tell,
    text,
    whole_number,
)


def mentor_of(deps: Deps, user_id: str) -> Publisher | None:
    with deps.sessions.begin() as session:
        return availability.publisher(session, slack_id=user_id)


def availability_view(deps: Deps, mentor: Publisher, notice: str | None = None) -> dict[str, Any]:
    with deps.sessions.begin() as session:
        slots = availability.upcoming_slots(session, mentor_id=mentor.id, now=deps.clock.now())
    return build_availability_modal(tz=mentor.tz, slots=slots, notice=notice)


def local_today(deps: Deps, mentor: Publisher) -> date:
    return deps.clock.now().astimezone(ZoneInfo(mentor.tz)).date()


def on_command(call: Invocation) -> None:
    deps = wiring_of(call.context).deps
    mentor = mentor_of(deps, call.user_id)
    if mentor is None:
        call.ack(**build_profile_message(None))
        return
    call.ack()
    call.client.views_open(trigger_id=call.trigger_id, view=availability_view(deps, mentor))


def on_open(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    deps = wiring_of(context).deps
    mentor = mentor_of(deps, clicking_user(body))
    if mentor is None:
        tell(body, client, build_profile_message(None))
        return
    client.views_open(trigger_id=body["trigger_id"], view=availability_view(deps, mentor))


FORMS = {
    Action.ADD_ONCE: build_add_once_modal,
    Action.ADD_WEEKLY: build_add_weekly_modal,
    Action.ADD_GROUP_TIME: build_add_group_modal,
}


def push_form(deps: Deps, body: dict[str, Any], client: WebClient, form: Action) -> None:
    mentor = mentor_of(deps, clicking_user(body))
    parent = body.get("view")  # these buttons live in the availability modal
    if mentor is None or not isinstance(parent, dict):
        return
    view = FORMS[form](
        tz=mentor.tz,
        today=local_today(deps, mentor),
        minutes=mentor.session_minutes,
        parent_view_id=string(parent.get("id")),
    )
    client.views_push(trigger_id=body["trigger_id"], view=view)


def on_add_once(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    push_form(wiring_of(context).deps, body, client, Action.ADD_ONCE)


def on_add_weekly(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    push_form(wiring_of(context).deps, body, client, Action.ADD_WEEKLY)


def on_add_group(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    push_form(wiring_of(context).deps, body, client, Action.ADD_GROUP_TIME)


@dataclass(frozen=True)
class TypedWindow:
    """What an add-window form was submitted with, read once for whichever form it is."""

    user_id: str
    tz_shown: str | None
    day: date
    start: time
    end: time
    values: dict[str, Any]
    now: datetime

    def who_and_when(self) -> dict[str, Any]:
        """The arguments every publishing service takes alike."""
        return {
            "actor_slack_id": self.user_id,
            "tz_shown": self.tz_shown,
            "start": self.start,
            "end": self.end,
            "now": self.now,
        }


def publish_once(deps: Deps, session: Session, typed: TypedWindow) -> WindowResult:
    return availability.publish_once(session, day=typed.day, **typed.who_and_when())


def publish_weekly(deps: Deps, session: Session, typed: TypedWindow) -> WindowResult:
    return availability.publish_weekly(
        session,
        first_date=typed.day,
        weekdays=_weekdays(choices(typed.values, BlockId.DAYS)),
        weeks=whole_number(typed.values, BlockId.WEEKS) or 0,
        horizon_weeks=deps.settings.availability_horizon_weeks,
        **typed.who_and_when(),
    )


def open_group_time(deps: Deps, session: Session, typed: TypedWindow) -> SlotView:
    """A group session: one slot with a title and seats."""
    return availability.open_group_time(
        session,
        day=typed.day,
        title=text(typed.values, BlockId.SESSION_TITLE),
        seats=whole_number(typed.values, BlockId.SEATS),
        auto_approve=bool(choices(typed.values, BlockId.AUTO_APPROVE)),
        **typed.who_and_when(),
    )


def submit_window(
    wiring: Wiring,
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    view: dict[str, Any],
    publish: Callable[[Deps, Session, TypedWindow], WindowResult | SlotView],
) -> None:
    """An add-window form (one-off, weekly or group): its slots, or its field errors."""
    deps = wiring.deps
    user_id = clicking_user(body)
    values = form_values(view)
    when = _typed_time(values)
    if isinstance(when, dict):
        ack(response_action="errors", errors=when)
        return
    parent_view_id, tz_shown = _form_metadata(view.get("private_metadata"))
    typed = TypedWindow(user_id, tz_shown, *when, values, deps.clock.now())
    added = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: publish(deps, session, typed),
        default=BlockId.DATE,
        fields={"title": BlockId.SESSION_TITLE},
    )
    if added is None:
        return
    mentor = mentor_of(deps, user_id)
    if mentor is not None:
        redraw(deps, body, client, parent_view_id, mentor, _added_notice(added, mentor.tz))
    wiring.home.publish(client, user_id)


def on_once_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any], context: BoltContext
) -> None:
    submit_window(wiring_of(context), ack, body, client, view, publish_once)


def on_weekly_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any], context: BoltContext
) -> None:
    submit_window(wiring_of(context), ack, body, client, view, publish_weekly)


def on_group_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any], context: BoltContext
) -> None:
    submit_window(wiring_of(context), ack, body, client, view, open_group_time)


def redraw(
    deps: Deps,
    body: dict[str, Any],
    client: WebClient,
    view_id: str,
    mentor: Publisher,
    notice: str,
) -> None:
    """Show `notice` in the availability modal; if it is gone (closed meanwhile), by DM."""
    if view_id:
        try:
            client.views_update(view_id=view_id, view=availability_view(deps, mentor, notice))
            return
        except SlackApiError as failed:
            if failed.response.get("error") != "not_found":
                raise
    tell(body, client, notice)


def refresh_after(wiring: Wiring, body: dict[str, Any], client: WebClient, notice: str) -> None:
    """Redraw the availability modal the click came from (else just say what happened)."""
    user_id = clicking_user(body)
    mentor = mentor_of(wiring.deps, user_id)
    if mentor is None:
        return
    view = body.get("view")
    view_id = string(view.get("id")) if isinstance(view, dict) else ""
    redraw(wiring.deps, body, client, view_id, mentor, notice)
    wiring.home.publish(client, user_id)


def on_remove_slot(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict[str, Any], context: BoltContext
) -> None:
    ack()
    wiring = wiring_of(context)
    deps = wiring.deps
    mentor = mentor_of(deps, clicking_user(body))
    slot_id = number(option_value(action.get("selected_option")))
    if mentor is None or slot_id is None:
        return
    try:
        with deps.sessions.begin() as session:
            removed = availability.remove_slot(
                session, mentor_id=mentor.id, slot_id=slot_id, now=deps.clock.now()
            )
    except DomainError as refused:
        refresh_after(wiring, body, client, f":warning: {refused}")
        return
    refresh_after(
        wiring, body, client, f":wastebasket: Removed {local_label(removed.starts_at, mentor.tz)}."
    )


def on_clear_day(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict[str, Any], context: BoltContext
) -> None:
    ack()
    wiring = wiring_of(context)
    deps = wiring.deps
    mentor = mentor_of(deps, clicking_user(body))
    day = _day(string(action.get("value")))
    if mentor is None or day is None:
        return
    with deps.sessions.begin() as session:
        removed, kept = availability.clear_day(
            session, mentor_id=mentor.id, day=day, tz=mentor.tz, now=deps.clock.now()
        )
    notice = f":wastebasket: Cleared {day.strftime('%a %d %b')}: {removed} free slots removed."
    if kept:
        notice += f" {kept} booked slots stay: cancel those bookings first if you must."
    refresh_after(wiring, body, client, notice)


def register(app: App, commands: Subcommands) -> None:
    commands.add("availability", on_command, "availability", "mentors: publish when you're free")
    app.action(Action.OPEN_AVAILABILITY)(on_open)
    app.action(Action.ADD_ONCE)(on_add_once)
    app.action(Action.ADD_WEEKLY)(on_add_weekly)
    app.view(Callback.ADD_ONCE)(on_once_submitted)
    app.view(Callback.ADD_WEEKLY)(on_weekly_submitted)
    app.action(Action.ADD_GROUP_TIME)(on_add_group)
    app.view(Callback.ADD_GROUP_TIME)(on_group_submitted)
    app.action(Action.REMOVE_SLOT)(on_remove_slot)
    app.action(Action.CLEAR_DAY)(on_clear_day)


def _form_metadata(metadata: Any) -> tuple[str, str | None]:
    """(availability modal to redraw, zone the form showed) from an add-window form; a form
    from before the zone was carried holds just the modal's id."""
    raw = string(metadata)
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw, None
    if not isinstance(parsed, dict):
        return raw, None
    tz = parsed.get("tz")
    return string(parsed.get("parent")), tz if isinstance(tz, str) and tz else None


def _typed_time(values: dict[str, Any]) -> tuple[date, time, time] | dict[str, str]:
    """A form's date and times, or "Pick a value." on each one missing or unreadable."""
    day = _day(text(values, BlockId.DATE))
    start = _clock_time(text(values, BlockId.START))
    end = _clock_time(text(values, BlockId.END))
    if day is None or start is None or end is None:
        return {
            block: "Pick a value."
            for block, value in ((BlockId.DATE, day), (BlockId.START, start), (BlockId.END, end))
            if value is None
        }
    return day, start, end


def _weekdays(chosen: list[str]) -> set[int]:
    return {day for day in map(number, chosen) if day is not None}


def _clock_time(value: str) -> time | None:
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def _day(value: str) -> date | None:
    """A date, except the calendar's first and last: a local day's bounds need its neighbours."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if date.min < day < date.max else None


def _added_notice(added: availability.WindowResult | SlotView, tz: str) -> str:
    if isinstance(added, SlotView):
        return (
            f":busts_in_silhouette: Opened *{escape(added.title or '')}* for {added.seats} "
            f"people on {local_label(added.starts_at, tz)}."
        )
    if not added.added:
        return (
            ":information_source: No new slots yet: that time is already covered, has passed, "
            "or is further ahead than slots are opened (they will appear on their own)."
        )
    first = local_label(added.first_slot, tz) if added.first_slot else ""
    notice = f":white_check_mark: Added {added.added} slots, the first on {first}."
    if added.skipped_overlaps:
        notice += f" {added.skipped_overlaps} overlapped existing slots and were skipped."
    return notice
