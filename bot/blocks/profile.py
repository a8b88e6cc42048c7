"""Mentor profile surfaces: the sign-up modal, the profile card, approvals and their outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.inputs import (
    checkboxes,
    modal,
    multi_select,
    number_input,
    select,
    text_input,
    url_input,
)
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    header,
    local_time,
    message,
    section,
)
from bot.blocks.levels import level_label, level_scale, skill_with_level
from bot.blocks.places import MEETING_KINDS, where_line
from bot.blocks.preferences import (
    help_kind_options,
    help_kinds_line,
    language_options,
    languages_line,
)
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.eligibility import ResolvedRule, where
from bot.services.mentors import (
    BIO_MAX,
    CAPACITY_MAX,
    CAPACITY_MIN,
    MENTEE_LIMIT_DEFAULT,
    MENTEE_LIMIT_MAX,
    MENTEE_LIMIT_MIN,
    MentorChange,
    MentorOutcome,
    MentorView,
)
from bot.services.places import PLACE_MAX
from store.statuses import MeetingKind, MentorStatus

CODE_OF_CONDUCT = (
    "*Code of conduct*\n"
    "• *Confidentiality*: what is said in a session stays in the session.\n"
    "• *Punctuality*: join on time; cancel early, with a reason, if you must.\n"
    "• *Presence*: a quiet place, camera on, full attention.\n"
    "• *Through the program*: sessions are booked only here, so everyone stays fair and safe."
)
COC_AGREE = "agree"
STATUS_LABELS = {
    MentorStatus.ACTIVE: "Active: visible in search",
    MentorStatus.PAUSED: "Paused: hidden from search",
    MentorStatus.PENDING: "Waiting for a coordinator's approval",
    MentorStatus.REJECTED: "Not approved",
    MentorStatus.LEFT: "Left the program",
}


def build_profile_modal(
    *, tz: str, catalogue: Sequence[str], current: MentorView | None, token: str = ""
) -> dict[str, Any]:
    """Sign-up, or the same form pre-filled to edit; the time zone comes from Slack.

    `token` (private_metadata) says what the form was opened on, so a submit after the profile
    changed elsewhere is refused rather than overwriting it.
    """
    typed = ", ".join(f"{name} {level}" for name, level in current.levels) if current else ""
    offered = [name for name in catalogue if name not in (current.skills if current else ())]
    blocks: list[Block] = [
        section(
            "Share what you know with colleagues who want to learn it. "
            f"Your time zone comes from Slack: *{escape(tz)}*."
        ),
        text_input(
            B.NEW_SKILLS,
            "Skills you can mentor in",
            initial=typed,
            placeholder="e.g. Python 5, Public speaking 3",
            hint="Each skill, then your level in it from 1 to 7 (the scale below). Separate "
            "skills with commas.",
            max_length=400,
        ),
        context(f"*Levels*\n{level_scale()}"),
    ]
    if offered:
        blocks.append(context(f"Skills others offer: {escape(', '.join(offered[:30]))}"))
    blocks += [
        multi_select(
            B.MENTOR_HELP,
            "What you like to help with",
            help_kind_options(),
            initial=[kind.value for kind in current.help_kinds] if current else (),
            placeholder="Pick any",
            optional=True,
        ),
        multi_select(
            B.MENTOR_LANGUAGES,
            "Languages you mentor in",
            language_options(),
            initial=current.languages if current else (),
            placeholder="Pick languages",
            optional=True,
        ),
        text_input(
            B.BIO,
            "Short bio",
            initial=current.bio if current else "",
            placeholder="What you do, what you've learned, how you like to help",
            multiline=True,
            max_length=BIO_MAX,
        ),
        select(
            B.MEETING_KIND,
            "How you meet",
            [(MEETING_KINDS[kind], kind.value) for kind in MeetingKind],
            initial=(current.meeting_kind if current else MeetingKind.VIDEO).value,
            hint="The default for your sessions; you can change it for one when you approve it.",
        ),
        url_input(
            B.LINK,
            "Meeting link",
            initial=current.meeting_link if current else "",
            hint="Your video room (Zoom, Meet, Teams...), needed for video calls. Mentees get it "
            "once you approve.",
            optional=True,
        ),
        text_input(
            B.PLACE,
            "Place or phone number",
            initial=current.meeting_place if current else "",
            placeholder="e.g. Berlin office, 4th floor, room Hopper",
            hint="Needed in person: where to find you. For phone calls: the number to call.",
            max_length=PLACE_MAX,
            optional=True,
        ),
        select(
            B.LENGTH,
            "Session length",
            [("30 minutes", "30"), ("45 minutes", "45"), ("60 minutes", "60")],
            initial=str(current.session_minutes if current else 30),
        ),
        number_input(
            B.CAPACITY,
            "Sessions per week, at most",
            initial=current.weekly_capacity if current else 2,
            minimum=CAPACITY_MIN,
            maximum=CAPACITY_MAX,
            hint="When you reach it, you're hidden from search until next week.",
        ),
        number_input(
            B.MENTEE_LIMIT,
            "Mentees at once, at most",
            initial=current.mentee_limit if current else MENTEE_LIMIT_DEFAULT,
            minimum=MENTEE_LIMIT_MIN,
            maximum=MENTEE_LIMIT_MAX,
            hint="For mentorships lasting months. 0 if you're not taking mentorships.",
        ),
        divider(),
        section(CODE_OF_CONDUCT),
        checkboxes(B.COC, "Code of conduct", [("I agree to the code of conduct", COC_AGREE)]),
    ]
    title = "Edit your profile" if current else "Become a mentor"
    return modal(Callback.PROFILE, title, blocks, submit="Save", private_metadata=token)


def skills_line(mentor: MentorView) -> str:
    """The mentor's skills with their levels by name: "Python · 5 Ensure and advise, ..."."""
    return ", ".join(escape(skill_with_level(name, level)) for name, level in mentor.levels)


def preferences_lines(mentor: MentorView) -> str:
    """What they like to help with and their languages, a line each when given."""
    lines = []
    if mentor.help_kinds:
        lines.append(f"*Likes to help with:* {help_kinds_line(mentor.help_kinds)}\n")
    if mentor.languages:
        lines.append(f"*Languages:* {languages_line(mentor.languages)}\n")
    return "".join(lines)


def profile_summary(mentor: MentorView) -> str:
    return (
        f"*{escape(mentor.name)}*  ·  {STATUS_LABELS.get(mentor.status, mentor.status)}\n"
        f"*Skills:* {skills_line(mentor)}\n"
        f"{preferences_lines(mentor)}"
        f"*Sessions:* {mentor.session_minutes} minutes, up to {mentor.weekly_capacity} a week\n"
        f"*Mentorships:* {mentorship_capacity(mentor.mentee_limit)}\n"
        f"{where_line(mentor.meeting_kind, mentor.meeting_place, mentor.meeting_link)}\n"
        f"{escape(mentor.bio)}"
    )


def levels_banner(mentor: MentorView) -> list[Block]:
    """Asks a mentor whose levels were carried over from the old scale to check them, once:
    saving the profile (or confirming) records they did, and the banner goes."""
    if mentor.levels_confirmed:
        return []
    return [
        section(
            ":straight_ruler: *Please check your skill levels.* Skills now have levels from 1 "
            f"to 7; we set yours from your old ones: {skills_line(mentor)}. Open your profile, "
            "adjust them if needed and save.",
            accessory=button("Confirm my levels", Action.CONFIRM_LEVELS, style="primary"),
        )
    ]


def rule_explained(rule: ResolvedRule) -> str:
    """Home's "Become a mentor", for someone not a mentor yet: who may sign up here."""
    return (
        f":straight_ruler: To mentor here you need at least one skill{where(rule)} at level "
        f"*{level_label(rule.min_level)}* or above. You give each skill its level when you "
        "sign up."
    )


def mentorship_capacity(limit: int) -> str:
    if limit == 0:
        return "not taking mentees right now"
    return f"up to {limit} mentee{'s' if limit != 1 else ''} at once"


def mentor_buttons(mentor: MentorView) -> Block:
    """What a mentor can do with their profile, by its status."""
    elements = [button("Edit profile", Action.OPEN_SIGNUP)]
    if mentor.status in (MentorStatus.ACTIVE, MentorStatus.PAUSED):
        elements.append(button("Availability", Action.OPEN_AVAILABILITY, style="primary"))
    if mentor.status == MentorStatus.ACTIVE:
        elements.append(button("Open a group mentorship", Action.OPEN_GROUP))
        elements.append(button("Pause", Action.PAUSE))
    elif mentor.status == MentorStatus.PAUSED and not mentor.paused_by_coordinator:
        elements.append(button("Resume", Action.RESUME))
    if mentor.status in (MentorStatus.ACTIVE, MentorStatus.PAUSED, MentorStatus.PENDING):
        leave = button("Leave the program", Action.LEAVE, style="danger")
        leave["confirm"] = {
            "title": {"type": "plain_text", "text": "Leave the program?"},
            "text": {
                "type": "mrkdwn",
                "text": "You'll be hidden from search. Sessions already booked stay booked.",
            },
            "confirm": {"type": "plain_text", "text": "Leave"},
            "deny": {"type": "plain_text", "text": "Stay"},
            "style": "danger",
        }
        elements.append(leave)
    return actions(*elements)


def coordinator_pause_note(mentor: MentorView) -> str:
    """Who paused the mentor, when and why: only a coordinator can lift it."""
    by = f"<@{mentor.paused_by}>" if mentor.paused_by else "A coordinator"
    when = f" {local_time(mentor.paused_at, '{date_short_pretty}')}" if mentor.paused_at else ""
    why = f": {escape(mentor.pause_reason)}" if mentor.pause_reason else "."
    return f"Paused by {by} (a coordinator){when}{why} Ask them to reactivate you."


def mentorships_continue(mentor: MentorView | None) -> list[Block]:
    """After pausing or leaving: the mentor's active mentorships carry on, and they should know."""
    count = mentor.active_mentorships if mentor else 0
    if not count or mentor is None or mentor.status not in ("paused", "left"):
        return []
    noun = "mentorship continues" if count == 1 else "mentorships continue"
    return [context(f":handshake: Your {count} active {noun} as agreed, with their sessions.")]


def build_profile_message(mentor: MentorView | None) -> dict[str, Any]:
    """The answer to `/mentor profile`."""
    if mentor is None or mentor.status == MentorStatus.LEFT:
        return message(
            "You're not a mentor yet.",
            [
                section("You're not a mentor yet. Sharing what you know takes two minutes."),
                *mentorships_continue(mentor),
                actions(button("Become a mentor", Action.OPEN_SIGNUP, style="primary")),
            ],
        )
    blocks = [
        header("Your mentor profile"),
        *levels_banner(mentor),
        section(profile_summary(mentor)),
    ]
    blocks += mentorships_continue(mentor)
    if mentor.status == MentorStatus.REJECTED and mentor.rejection_reason:
        blocks.append(context(f"Coordinator's note: {escape(mentor.rejection_reason)}"))
    if mentor.paused_by_coordinator:
        blocks.append(context(coordinator_pause_note(mentor)))
    blocks.append(mentor_buttons(mentor))
    return message("Your mentor profile", blocks)


def build_saved_message(mentor: MentorView, *, created: bool) -> dict[str, Any]:
    """The DM after the sign-up modal is saved: what happens next."""
    if mentor.status == MentorStatus.PENDING:
        text = (
            "Thanks for signing up to mentor! A coordinator will review your profile; "
            "I'll tell you here as soon as they decide."
        )
        return message(text, [section(f":hourglass_flowing_sand: {text}")])
    if created:
        text = "You're a mentor now! Next, tell people when you're free."
    else:
        text = "Your mentor profile is updated."
    return message(
        text,
        [
            section(f":white_check_mark: {text}"),
            section(profile_summary(mentor)),
            mentor_buttons(mentor),
        ],
    )


def approval_value(mentor: MentorView) -> str:
    """Button value: which profile, as seen at which version (checked again on click)."""
    return f"{mentor.id}:{mentor.version}"


def build_approval_request(mentor: MentorView) -> dict[str, Any]:
    """The coordinators' channel card for a mentor waiting for approval."""
    value = approval_value(mentor)
    return message(
        f"{mentor.name} wants to become a mentor",
        [
            section(f":wave: <@{mentor.slack_id}> wants to become a mentor."),
            section(profile_summary(mentor)),
            context(
                ":mag: The levels are as the mentor claims them: check they fit what you know "
                "of their work before approving."
            ),
            actions(
                button("Approve", Action.APPROVE_MENTOR, value, style="primary"),
                button("Reject", Action.REJECT_MENTOR, value, style="danger"),
            ),
        ],
    )


def build_approval_outcome(decision: MentorOutcome) -> dict[str, Any]:
    """The card again, buttons replaced by the decision so it cannot be clicked twice."""
    mentor, by = decision.mentor, decision.coordinator
    if decision.change == MentorChange.APPROVED:
        outcome = f":white_check_mark: Approved by <@{by}>."
    else:
        outcome = f":x: Rejected by <@{by}>: {escape(mentor.rejection_reason or '')}"
    return message(
        f"{mentor.name}: {mentor.status}",
        [
            section(f"<@{mentor.slack_id}> asked to become a mentor."),
            section(profile_summary(mentor)),
            context(outcome),
        ],
    )


def build_reject_modal(
    private_metadata: str, mentor_name: str, callback: str = Callback.REJECT_MENTOR
) -> dict[str, Any]:
    return modal(
        callback,
        "Reject mentor",
        [
            section(f"Tell *{escape(mentor_name)}* why, so they can improve and reapply."),
            text_input(B.REASON, "Reason", multiline=True, max_length=500),
        ],
        submit="Reject",
        private_metadata=private_metadata,
    )


def build_decision_dm(decision: MentorOutcome) -> dict[str, Any]:
    """What the mentor hears after a coordinator approves or rejects their sign-up."""
    if decision.change == MentorChange.APPROVED:
        text = "Good news: a coordinator approved your mentor profile. You're visible in search."
        return message(
            text,
            [
                section(f":tada: {text}"),
                actions(button("Add availability", Action.OPEN_AVAILABILITY, style="primary")),
            ],
        )
    text = "A coordinator did not approve your mentor profile this time."
    reason = escape(decision.mentor.rejection_reason or "")
    return message(
        text,
        [
            section(f"{text}\n>{reason}"),
            context("You can edit your profile and sign up again with `/mentor signup`."),
        ],
    )
