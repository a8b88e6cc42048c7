"""What a pass hands every sender: the claimed batch's rows, read in a fixed number of queries
just before sending, and the shape of a sender. Apart from `due_senders` (the registry) so the
senders of each feature import it without a cycle."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.services import lifecycle, seats
from bot.services.bookings import BookingView, get_bookings
from bot.services.diary import homework_for
from bot.services.due import DueItem
from bot.services.first_sessions import first_sessions
from bot.services.reviews import previous_action_items_for


@dataclass(frozen=True)
class DueBatch:
    """What a claimed batch of due work needs from the database, read before it is sent."""

    bookings: Mapping[int, BookingView] = field(default_factory=dict)
    action_items: Mapping[int, str | None] = field(default_factory=dict)  # by booking id
    homework: Mapping[int, str] = field(default_factory=dict)  # by booking id, from the diary
    # Seats that speak for their group session to its mentor (bot/services/seats.py)
    first_seats: frozenset[int] = frozenset()
    first: frozenset[int] = frozenset()  # reminded bookings that are the pair's first session

    def booking(self, item: DueItem) -> BookingView | None:
        return self.bookings.get(item.booking_id) if item.booking_id else None

    def for_mentor_again(self, booking: BookingView, recipient: str | None) -> bool:
        """The mentor of a group session hears of it through its first seat only: true for
        every other seat's item to the mentor, which the sender skips."""
        return (
            booking.in_group
            and recipient == booking.mentor_slack_id
            and booking.id not in self.first_seats
        )


def load_batch(session: Session, items: Collection[DueItem]) -> DueBatch:
    """The batch's bookings and its reminders' action items, diary homework and whether each is
    the pair's first session, in a fixed number of queries."""
    booked = {item.booking_id for item in items if item.booking_id}
    reminded = {i.booking_id for i in items if i.booking_id and i.kind == lifecycle.REMINDER}
    views = get_bookings(session, booking_ids=booked)
    in_mentorships = {i for i in reminded if i in views and views[i].mentorship_id is not None}
    in_groups = {i for i, view in views.items() if view.in_group}
    return DueBatch(
        first_seats=frozenset(seats.first_seats(session, booking_ids=in_groups)),
        bookings=views,
        action_items=previous_action_items_for(session, booking_ids=reminded),
        homework=homework_for(session, booking_ids=in_mentorships),  # no query without any
        first=first_sessions(session, booking_ids=reminded),
    )


# What sends one kind of due work. ("Handler" is kept for Bolt listeners, see docs/architecture.md.)
DueSender = Callable[[Deps, WebClient, DueItem, DueBatch], None]
