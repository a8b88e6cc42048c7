"""A concern raised with coordinators: the reporter's modal and acknowledgement, the coordinators'
card (no text on it: the channel may be read by others) and the modal that shows them the text.

Pure: service results in, Block Kit out (architecture.md, "The rules", 4).
"""

from __future__ import annotations

from typing import Any

from bot.blocks.inputs import modal, select, text_input
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    escape,
    local_label,
    local_time,
    mention,
    message,
    section,
)
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.concerns import TEXT_MAX, ConcernCard, ConcernDetail, ConcernForm
from store.statuses import ConcernKind

KIND_NAMES = {
    ConcernKind.NO_SHOW: "A no-show",
    ConcernKind.CONDUCT: "Someone's conduct",
    ConcernKind.SAFETY: "Safety",
    ConcernKind.OTHER: "Something else",
}
RAISE = "Raise a concern"
READ = "Read"
HANDLED = "Mark handled"


def concern_button(booking_id: int) -> Block:
    """The button a session line carries: it opens the modal with that session chosen."""
    return button(RAISE, Action.RAISE_CONCERN, str(booking_id))


def build_concern_modal(form: ConcernForm) -> dict[str, Any]:
    """Kind, text and (when the reporter has sessions) which one; only coordinators read it."""
    blocks: list[Block] = [
        context(
            ":lock: This goes to the program's coordinators only. "
            "The other person is not told, and nothing changes for them."
        ),
        select(B.CONCERN_KIND, "What happened?", [(n, k.value) for k, n in KIND_NAMES.items()]),
        text_input(
            B.CONCERN_TEXT,
            "Tell us more",
            multiline=True,
            max_length=TEXT_MAX,
            hint="Only coordinators can read this. A coordinator may get in touch with you.",
        ),
    ]
    if form.sessions:
        options = [
            (f"{local_label(s.starts_at, form.tz)} with {s.other_name}", str(s.booking_id))
            for s in form.sessions
        ]
        preselected = str(form.preselected) if form.preselected is not None else None
        blocks.append(
            select(
                B.CONCERN_SESSION,
                "Which session?",
                options,
                initial=preselected,
                hint=f"In your time zone, {form.tz}.",
                optional=True,
            )
        )
    return modal(Callback.CONCERN, RAISE, blocks, submit="Send")


def build_concern_acknowledged() -> dict[str, Any]:
    text = (
        ":lock: Thank you for telling us. The program's coordinators have your concern and will "
        "look at it; a coordinator may get in touch with you. Nobody else is told."
    )
    return message(text, [section(text)])


def build_concern_card(card: ConcernCard, *, warning: str | None = None) -> dict[str, Any]:
    """The coordinators' card: kind, when, whether a session is concerned; never the text."""
    blocks: list[Block] = []
    if warning:
        blocks.append(context(f":warning: {escape(warning)}"))
    about = "about a session" if card.about_session else "not tied to a session"
    blocks.append(
        section(
            f":rotating_light: *A concern was raised*: {KIND_NAMES[card.kind]}, {about} "
            f"(raised {local_time(card.created_at)})."
        )
    )
    blocks.append(context(":lock: Confidential: only coordinators can read what was written."))
    value = str(card.id)
    if card.handled_by and card.handled_at:
        blocks.append(
            context(
                f":white_check_mark: Handled by {mention(card.handled_by)} "
                f"{local_time(card.handled_at)}."
            )
        )
        blocks.append(actions(button(READ, Action.READ_CONCERN, value)))
    else:
        blocks.append(
            actions(
                button(READ, Action.READ_CONCERN, value),
                button(HANDLED, Action.HANDLE_CONCERN, value, style="primary"),
            )
        )
    return message("A concern was raised", blocks)


def build_concern_read_modal(detail: ConcernDetail) -> dict[str, Any]:
    """The concern as a coordinator reads it: who raised it, about which session, the text."""
    card = detail.card
    who = mention(detail.reporter_slack_id) if detail.reporter_slack_id else "_a former member_"
    lines = [f"*{KIND_NAMES[card.kind]}*, raised by {who} {local_time(card.created_at)}."]
    if detail.session_starts_at and detail.mentor_slack_id and detail.mentee_slack_id:
        lines.append(
            f"Session: {local_time(detail.session_starts_at)}, {mention(detail.mentor_slack_id)}"
            f" mentoring {mention(detail.mentee_slack_id)}."
        )
    elif card.about_session:
        lines.append("Session: no longer on record.")
    written = (
        f">{escape(detail.text)}"
        if detail.text
        else "_The text was removed at the request of the person who wrote it._"
    )
    blocks: list[Block] = [section("\n".join(lines)), section(written)]
    if card.handled_by and card.handled_at:
        blocks.append(
            context(f"Handled by {mention(card.handled_by)} {local_time(card.handled_at)}.")
        )
    return modal(Callback.CONCERN_READ, "A concern", blocks, close="Done")
