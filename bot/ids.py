"""Every action, callback and block id the app uses, in one place.

Handlers register on these and block builders emit them, so a typo cannot silently
disconnect a button from its listener.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """action_id values of interactive elements."""

    OPEN_SIGNUP = "mentor_signup_open"
    OPEN_AVAILABILITY = "availability_open"
    PAUSE = "mentor_pause"
    RESUME = "mentor_resume"
    LEAVE = "mentor_leave"
    APPROVE_MENTOR = "mentor_approve"
    REJECT_MENTOR = "mentor_reject"
    ADD_ONCE = "availability_add_once"
    ADD_WEEKLY = "availability_add_weekly"
    REMOVE_SLOT = "availability_remove_slot"
    CLEAR_DAY = "availability_clear_day"
    OPEN_FIND = "find_open"
    FIND_AGAIN = "find_again"
    MORE_TIMES = "find_more_times"
    BOOK = "book_slot"
    ASK_AVAILABILITY = "find_ask_availability"
    SAVE_INTERESTS = "find_save_interests"
    APPROVE_BOOKING = "booking_approve"
    DECLINE_BOOKING = "booking_decline"
    PROPOSE_TIME = "booking_propose"
    ACCEPT_PROPOSAL = "booking_accept_proposal"
    REJECT_PROPOSAL = "booking_reject_proposal"
    CANCEL_BOOKING = "booking_cancel"
    CHECKIN_YES = "checkin_yes"
    CHECKIN_NO = "checkin_no"
    WHAT_HAPPENED = "checkin_what_happened"
    OPEN_REVIEW = "review_open"
    ROSTER_APPROVE = "roster_approve"
    ROSTER_REJECT = "roster_reject"
    ROSTER_PAUSE = "roster_pause"
    ROSTER_RESUME = "roster_resume"
    ROSTER_PAGE = "roster_page"
    PRIVACY_DELETE = "privacy_delete"
    PRIVACY_CONFIRM_DELETE = "privacy_confirm_delete"
    PRIVACY_KEEP = "privacy_keep"
    # Inputs whose values are read back from view_submission state:
    INPUT = "value"


class Callback(StrEnum):
    """callback_id values of modals."""

    PROFILE = "mentor_profile"
    REJECT_MENTOR = "mentor_reject_reason"
    AVAILABILITY = "availability"
    ADD_ONCE = "availability_once"
    ADD_WEEKLY = "availability_weekly"
    FIND = "find"
    INTERESTS = "interests"
    BOOK = "book"
    DECLINE = "booking_decline_reason"
    PROPOSE = "booking_propose_time"
    CANCEL = "booking_cancel_reason"
    REVIEW = "review"
    ROSTER_REJECT = "roster_reject_reason"
    ROSTER_PAUSE = "roster_pause_reason"


class BlockId(StrEnum):
    """block_id values whose input the app reads back, or that errors are attached to."""

    SKILLS = "skills"
    NEW_SKILLS = "new_skills"
    BIO = "bio"
    LINK = "link"
    LENGTH = "length"
    CAPACITY = "capacity"
    COC = "coc"
    REASON = "reason"
    DATE = "date"
    START = "start"
    END = "end"
    DAYS = "days"
    WEEKS = "weeks"
    QUERY = "query"
    GOALS = "goals"
    SLOT = "slot"
    MESSAGE = "message"
    TOPIC = "topic"
    CONNECTION_STARS = "connection_stars"
    CONNECTION_COMMENT = "connection_comment"
    PROGRAM_STARS = "program_stars"
    PROGRAM_COMMENT = "program_comment"
    FEEDBACK = "feedback"
    ACTION_ITEMS = "action_items"


COMMAND = "/mentor"
