"""What a booking looks like outside its service, in a module of its own so that the due-work
planners (`lifecycle`, `booking_plans`) and `bookings`, which calls them, import it without a
cycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from store.statuses import BookingStatus, MeetingKind, PlannedBy

# A request needs time for an answer: it expires an hour before its slot at the latest.
BOOKING_LEAD = timedelta(hours=1)


@dataclass(frozen=True)
class BookingView:
    id: int
    status: BookingStatus
    mentor_id: int
    mentor_slack_id: str
    mentor_name: str
    mentor_tz: str
    meeting_link: str
    mentee_id: int
    mentee_slack_id: str
    mentee_name: str
    mentee_tz: str
    mentee_interests: tuple[str, ...]
    mentee_goals: str | None
    slot_id: int | None
    starts_at: datetime
    ends_at: datetime
    message: str
    topic: str | None
    decline_reason: str | None
    cancel_reason: str | None
    cancelled_by_slack_id: str | None
    proposed_slot_id: int | None
    proposed_starts_at: datetime | None
    proposed_ends_at: datetime | None
    mentor_message_channel: str | None
    mentor_message_ts: str | None
    # A session of a mentorship, and which side planned its time (the other side answers it).
    mentorship_id: int | None = None
    planned_by: PlannedBy = PlannedBy.MENTEE
    approval_note: str | None = None  # what the approver added for the other side
    # A seat of a group session (office hours, a workshop): its title and how many seats it has.
    seat_no: int = 1
    seats: int = 1
    session_title: str | None = None
    # The open time proposal (bot/services/negotiation.py): its id and who made it.
    proposal_id: int | None = None
    proposed_by_slack_id: str | None = None
    # The calendar invite's SEQUENCE: it rises with each accepted reschedule.
    sequence: int = 0
    # For the calendar invite (bot/blocks/ics.py): where it happens (the session's own choice,
    # else the mentor's default), both people's Slack e-mails, when it was decided.
    meeting_kind: MeetingKind = MeetingKind.VIDEO
    meeting_place: str = ""
    mentor_email: str | None = None
    mentee_email: str | None = None
    decided_at: datetime | None = None

    @property
    def in_group(self) -> bool:
        """A seat of a session for several people, not a one-to-one session."""
        return self.seats > 1

    @property
    def confirmed(self) -> bool:
        """Approved: a session both people expect (after accepting a proposal, or approval)."""
        return self.status == BookingStatus.APPROVED

    @property
    def had_invite(self) -> bool:
        """Both people were sent its calendar invite: it was confirmed (approved), even if it
        has been cancelled since; a request withdrawn while pending never was."""
        confirmed_once = self.decided_at is not None and self.status == BookingStatus.CANCELLED
        return self.confirmed or confirmed_once

    @property
    def planner_slack_id(self) -> str:
        """Who proposed the time: the mentee, unless the mentor planned a mentorship session."""
        return self.mentor_slack_id if self.planned_by == PlannedBy.MENTOR else self.mentee_slack_id

    @property
    def answerer_slack_id(self) -> str:
        """Who approves or declines the request: the side that did not plan it."""
        return self.other_party(self.planner_slack_id)

    @property
    def waiting_for_slack_id(self) -> str | None:
        """Whose answer the booking waits for: the side that did not make the open proposal;
        without one, a pending request's answerer; nobody for a settled session."""
        if self.proposed_by_slack_id is not None:
            return self.other_party(self.proposed_by_slack_id)
        if self.status == BookingStatus.PENDING:
            return self.answerer_slack_id
        return None

    def other_party(self, slack_id: str) -> str:
        """The other participant's Slack id (the mentor's, for anyone but the mentor)."""
        return self.mentee_slack_id if slack_id == self.mentor_slack_id else self.mentor_slack_id
