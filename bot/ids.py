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
    # Mentorships: asking, answering and agreeing
    ASK_MENTORSHIP = "mentorship_ask"
    ACCEPT_MENTORSHIP = "mentorship_accept"
    DECLINE_MENTORSHIP = "mentorship_decline"
    AGREE_MENTORSHIP = "mentorship_agree"
    WITHDRAW_MENTORSHIP = "mentorship_withdraw"
    # Mentorships: goals
    OPEN_GOALS = "mentorship_goals_open"
    COMMENT_GOAL = "mentorship_goal_comment"
    # Mentorships: sessions and the diary
    PLAN_SESSION = "mentorship_plan_session"
    ACCEPT_PLANNED = "mentorship_accept_planned"
    OPEN_DIARY = "mentorship_diary_open"
    WRITE_DIARY = "mentorship_diary_write"
    COMMENT_DIARY = "mentorship_diary_comment"
    # Mentorships: pulse, changing course and closing
    OPEN_PULSE = "mentorship_pulse_open"
    END_MENTORSHIP = "mentorship_end"
    EXTEND_MENTORSHIP = "mentorship_extend"
    ACCEPT_EXTENSION = "mentorship_accept_extension"
    DECLINE_EXTENSION = "mentorship_decline_extension"
    ASK_NEW_MENTOR = "mentorship_ask_new_mentor"
    HANDLE_CHANGE_REQUEST = "mentorship_change_handled"
    OPEN_EVALUATION = "mentorship_evaluation_open"
    # Mentorships: groups
    OPEN_GROUP = "mentorship_group_open"
    JOIN_GROUP = "mentorship_group_join"
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
    ASK_MENTORSHIP = "mentorship_ask"
    ANSWER_MENTORSHIP = "mentorship_answer"
    GOALS = "mentorship_goals"
    GOAL_COMMENT = "mentorship_goal_comment"
    PLAN_SESSION = "mentorship_plan_session"
    DIARY = "mentorship_diary"
    DIARY_COMMENT = "mentorship_diary_comment"
    DIARY_VIEW = "mentorship_diary_view"  # read only: no submit
    PULSE = "mentorship_pulse"
    END_MENTORSHIP = "mentorship_end"
    EXTEND_MENTORSHIP = "mentorship_extend"
    ASK_NEW_MENTOR = "mentorship_ask_new_mentor"
    EVALUATION = "mentorship_evaluation"
    OPEN_GROUP = "mentorship_group"
    JOIN_GROUP = "mentorship_group_join"


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
    DISCUSSED = "discussed"
    PROGRESS = "progress"
    HOMEWORK = "homework"
    COMMENT = "comment"


COMMAND = "/mentor"
