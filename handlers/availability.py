"""Mentors publish when they are free: `/mentor availability`, its modal and its forms."""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.availability import (
    build_add_once_modal,
    build_add_weekly_modal,
    build_availability_modal,
)
from bot.blocks.kit import local_label
from bot.blocks.profile import build_profile_message
from bot.deps import Deps
from bot.ids import Action, Block, Callback
from bot.services import availability
from bot.services.errors import DomainError
from bot.services.mentors import MentorView, mentor_for
from handlers.commands import Invocation, Subcommands
from handlers.forms import choices, clicking_user, form_values, tell, text, whole_number
from handlers.home import HomePublisher

# Where each of the service's field errors shows in the add-window forms.
FIELD_BLOCKS = {
    "date": Block.DATE,
    "start": Block.START,
    "end": Block.END,
    "days": Block.DAYS,
    "weeks": Block.WEEKS,
}
CAN_PUBLISH = ("active", "paused", "pending")


def register(app: App, deps: Deps, commands: Subcommands, home: HomePublisher) -> None:
    def mentor_of(user_id: str) -> MentorView | None:
        with deps.sessions.begin() as session:
            mentor = mentor_for(session, user_id)
        return mentor if mentor and mentor.status in CAN_PUBLISH else None

    def availability_view(mentor: MentorView, notice: str | None = None) -> dict[str, Any]:
        with deps.sessions.begin() as session:
            slots = availability.upcoming_slots(session, mentor_id=mentor.id, now=deps.clock.now())
        return build_availability_modal(tz=mentor.tz, slots=slots, notice=notice)

    def local_today(mentor: MentorView) -> date:
        return deps.clock.now().astimezone(ZoneInfo(mentor.tz)).date()

    def on_command(call: Invocation) -> None:
        mentor = mentor_of(call.user_id)
        if mentor is None:
            call.ack(**build_profile_message(None))
            return
        call.ack()
        call.client.views_open(trigger_id=call.trigger_id, view=availability_view(mentor))

    commands.add("availability", on_command, "availability", "mentors: publish when you're free")

    @app.action(Action.OPEN_AVAILABILITY)
    def on_open(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        mentor = mentor_of(clicking_user(body))
        if mentor is None:
            tell(body, client, build_profile_message(None))
            return
        client.views_open(trigger_id=body["trigger_id"], view=availability_view(mentor))

    def push_form(body: dict[str, Any], client: WebClient, weekly: bool) -> None:
        mentor = mentor_of(clicking_user(body))
        if mentor is None:
            return
        build = build_add_weekly_modal if weekly else build_add_once_modal
        view = build(
            tz=mentor.tz,
            today=local_today(mentor),
            minutes=mentor.session_minutes,
            parent_view_id=body["view"]["id"],
        )
        client.views_push(trigger_id=body["trigger_id"], view=view)

    @app.action(Action.ADD_ONCE)
    def on_add_once(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        push_form(body, client, weekly=False)

    @app.action(Action.ADD_WEEKLY)
    def on_add_weekly(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        push_form(body, client, weekly=True)

    def submit_window(
        ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any], weekly: bool
    ) -> None:
        user_id = clicking_user(body)
        mentor = mentor_of(user_id)
        if mentor is None:
            ack(response_action="errors", errors={Block.DATE: "You're not a mentor any more."})
            return
        values = form_values(view)
        start, end = _clock_time(text(values, Block.START)), _clock_time(text(values, Block.END))
        day = _day(text(values, Block.DATE))
        missing: dict[str, str] = {
            block: "Pick a value."
            for block, value in ((Block.DATE, day), (Block.START, start), (Block.END, end))
            if value is None
        }
        if missing or start is None or end is None or day is None:
            ack(response_action="errors", errors=missing)
            return
        now = deps.clock.now()
        try:
            with deps.sessions.begin() as session:
                if weekly:
                    added = availability.add_weekly(
                        session,
                        mentor_id=mentor.id,
                        first_date=day,
                        weekdays={int(d) for d in choices(values, Block.DAYS) if d.isdigit()},
                        start=start,
                        end=end,
                        weeks=whole_number(values, Block.WEEKS) or 0,
                        now=now,
                        horizon_weeks=deps.settings.availability_horizon_weeks,
                    )
                else:
                    added = availability.add_once(
                        session, mentor_id=mentor.id, day=day, start=start, end=end, now=now
                    )
        except DomainError as refused:
            field = getattr(refused, "field", "date")
            ack(
                response_action="errors", errors={FIELD_BLOCKS.get(field, Block.DATE): str(refused)}
            )
            return
        ack()
        notice = _added_notice(added, mentor.tz)
        client.views_update(
            view_id=view["private_metadata"], view=availability_view(mentor, notice)
        )
        home.publish(client, user_id)

    @app.view(Callback.ADD_ONCE)
    def on_once_submitted(
        ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any]
    ) -> None:
        submit_window(ack, body, client, view, weekly=False)

    @app.view(Callback.ADD_WEEKLY)
    def on_weekly_submitted(
        ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any]
    ) -> None:
        submit_window(ack, body, client, view, weekly=True)

    def refresh_after(body: dict[str, Any], client: WebClient, notice: str) -> None:
        user_id = clicking_user(body)
        mentor = mentor_of(user_id)
        if mentor is None:
            return
        client.views_update(view_id=body["view"]["id"], view=availability_view(mentor, notice))
        home.publish(client, user_id)

    @app.action(Action.REMOVE_SLOT)
    def on_remove_slot(
        ack: Ack, body: dict[str, Any], client: WebClient, action: dict[str, Any]
    ) -> None:
        ack()
        mentor = mentor_of(clicking_user(body))
        slot_id = str((action.get("selected_option") or {}).get("value", ""))
        if mentor is None or not slot_id.isdigit():
            return
        try:
            with deps.sessions.begin() as session:
                removed = availability.remove_slot(
                    session, mentor_id=mentor.id, slot_id=int(slot_id), now=deps.clock.now()
                )
        except DomainError as refused:
            refresh_after(body, client, f":warning: {refused}")
            return
        refresh_after(
            body, client, f":wastebasket: Removed {local_label(removed.starts_at, mentor.tz)}."
        )

    @app.action(Action.CLEAR_DAY)
    def on_clear_day(
        ack: Ack, body: dict[str, Any], client: WebClient, action: dict[str, Any]
    ) -> None:
        ack()
        mentor = mentor_of(clicking_user(body))
        day = _day(action.get("value", ""))
        if mentor is None or day is None:
            return
        with deps.sessions.begin() as session:
            removed, kept = availability.clear_day(
                session, mentor_id=mentor.id, day=day, tz=mentor.tz, now=deps.clock.now()
            )
        notice = f":wastebasket: Cleared {day.strftime('%a %d %b')}: {removed} free slots removed."
        if kept:
            notice += f" {kept} booked slots stay: cancel those bookings first if you must."
        refresh_after(body, client, notice)


def _clock_time(value: str) -> time | None:
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _added_notice(added: availability.WindowResult, tz: str) -> str:
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
