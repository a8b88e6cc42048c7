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
    APPROVE_WITH_NOTE = "booking_approve_with_note"
    DECLINE_BOOKING = "booking_decline"
    PROPOSE_TIME = "booking_propose"
    ACCEPT_PROPOSAL = "booking_accept_proposal"
    REJECT_PROPOSAL = "booking_reject_proposal"
    CANCEL_BOOKING = "booking_cancel"
    CALENDAR_RESET = "calendar_feed_reset"  # a new secret for the person's calendar feed
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
    # Group sessions (office hours): open one from the availability modal
    ADD_GROUP_TIME = "availability_add_group"
    # Concerns raised with coordinators
    RAISE_CONCERN = "concern_raise"
    READ_CONCERN = "concern_read"
    HANDLE_CONCERN = "concern_handled"
    # Negotiating a session's time: reschedule, counter-propose, withdraw, invite
    RESCHEDULE = "negotiation_reschedule"
    COUNTER_PROPOSAL = "negotiation_counter"
    WITHDRAW_PROPOSAL = "negotiation_withdraw"
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
    APPROVE_NOTE = "booking_approve_note"
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
    ADD_GROUP_TIME = "availability_group"
    CONCERN = "concern"
    CONCERN_READ = "concern_read"  # read only: no submit
    INVITE = "negotiation_invite"


class BlockId(StrEnum):
    """block_id values whose input the app reads back, or that errors are attached to."""

    SKILLS = "skills"
    NEW_SKILLS = "new_skills"
    BIO = "bio"
    LINK = "link"
    LENGTH = "length"
    CAPACITY = "capacity"
    MENTEE_LIMIT = "mentee_limit"
    COC = "coc"
    REASON = "reason"
    NOTE = "note"
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
    # The goals form: one block of each per goal, as f"{kind}:{slot}" (bot/blocks/goals.py)
    GOAL_TEXT = "goal_text"
    GOAL_STATUS = "goal_status"
    GOAL_STEPS = "goal_steps"
    GOAL_PLACE = "goal_place"
    MEETING_KIND = "meeting_kind"
    PLACE = "place"
    COMMENT = "comment"
    # Mentorships: pulse, changing course and closing
    PULSE_STARS = "pulse_stars"
    PULSE_COMMENT = "pulse_comment"
    NEW_END = "new_end"
    HIDE_REASON = "hide_reason"
    GOAL_REACHED = "goal_reached"  # one block per goal: f"{GOAL_REACHED}:{goal_id}"
    STARTED_WHERE = "started_where"
    STANDS_NOW = "stands_now"
    WHAT_WORKED = "what_worked"
    WHAT_TO_CHANGE = "what_to_change"
    EVALUATION_STARS = "evaluation_stars"
    SKILLS_FEEDBACK = "skills_feedback"
    LEARNING_FEEDBACK = "learning_feedback"
    CADENCE = "cadence"
    DISCUSSED = "discussed"
    PROGRESS = "progress"
    HOMEWORK = "homework"
    # Mentorships: groups
    GROUP_NAME = "group_name"
    GROUP_GOAL = "group_goal"
    SEATS = "seats"
    # Group sessions (office hours): the title and auto-approve of a group time; seats is SEATS
    SESSION_TITLE = "session_title"
    AUTO_APPROVE = "auto_approve"
    # Concerns raised with coordinators
    CONCERN_KIND = "concern_kind"
    CONCERN_TEXT = "concern_text"
    CONCERN_SESSION = "concern_session"
    # Negotiation: a typed time outside the mentor's windows, the person invited
    WHEN_DAY = "when_day"
    WHEN_TIME = "when_time"
    WHO = "who"
    # Issue 15: a break chosen when declining, backup mentors chosen when asking
    PAUSE_WEEKS = "pause_weeks"
    BACKUPS = "backups"


COMMAND = "/mentor"
