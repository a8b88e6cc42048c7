"""The diary of a mentorship: the prompt after a session, the entry and comment modals, the
notices between the pair, and the diary itself."""

from __future__ import annotations

from typing import Any

from bot.blocks.inputs import modal, text_input
from bot.blocks.kit import (
    Block,
    actions,
    button,
    clip,
    context,
    divider,
    escape,
    local_time,
    message,
    section,
)
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.bookings import BookingView
from bot.services.diary import TEXT_MAX, Diary, EntryView, SessionToWrite

ENTRIES_SHOWN = 30  # three blocks each stay well inside a modal's hundred


def _open_diary(mentorship_id: int) -> Block:
    return button("Open the diary", Action.OPEN_DIARY, str(mentorship_id))


def build_diary_prompt(booking: BookingView) -> dict[str, Any]:
    """To the mentee after a session of their mentorship."""
    return message(
        "A short diary entry about your session?",
        [
            section(
                f":notebook: How did your session with <@{booking.mentor_slack_id}> on "
                f"{local_time(booking.starts_at)} go? Write a short diary entry: what you "
                "discussed, your progress and the homework for next time. Only the two of you "
                "can read it."
            ),
            actions(
                button("Write the entry", Action.WRITE_DIARY, str(booking.id), style="primary")
            ),
        ],
    )


def build_diary_modal(to_write: SessionToWrite) -> dict[str, Any]:
    return modal(
        Callback.DIARY,
        "Diary entry",
        [
            context(
                f":lock: About your session on {local_time(to_write.starts_at)}. Only you and "
                f"<@{to_write.mentor_slack_id}> can read it."
            ),
            text_input(B.DISCUSSED, "What did you discuss?", multiline=True, max_length=TEXT_MAX),
            text_input(
                B.PROGRESS, "Your progress", multiline=True, max_length=TEXT_MAX, optional=True
            ),
            text_input(
                B.HOMEWORK,
                "Homework for next time",
                multiline=True,
                max_length=TEXT_MAX,
                optional=True,
                hint="It shows in your next session's reminder.",
            ),
        ],
        submit="Save",
        private_metadata=str(to_write.booking_id),
    )


def _entry_blocks(entry: EntryView) -> list[Block]:
    when = local_time(entry.session_starts_at) if entry.session_starts_at else "a session"
    lines = [f"*Session of {when}*", f"*Discussed:* {escape(entry.discussed)}"]
    if entry.progress:
        lines.append(f"*Progress:* {escape(entry.progress)}")
    if entry.homework:
        lines.append(f"*Homework:* {escape(entry.homework)}")
    blocks = [section(clip("\n".join(lines), 3000))]
    if entry.mentor_comment:
        blocks.append(
            context(f"*<@{entry.mentor_slack_id}> commented:* {escape(entry.mentor_comment)}")
        )
    return blocks


def build_entry_saved(entry: EntryView) -> dict[str, Any]:
    """The prompt again, once answered, so nobody writes twice."""
    return message(
        "Diary entry saved",
        [
            section(":white_check_mark: Saved in your diary. Your mentor can add a comment."),
            actions(_open_diary(entry.mentorship_id)),
        ],
    )


def build_entry_written(entry: EntryView) -> dict[str, Any]:
    """To the mentor: an entry exists; they may read it and comment."""
    return message(
        "A new diary entry",
        [
            section(
                f":notebook: <@{entry.mentee_slack_id}> wrote a diary entry about your session. "
                "Read it in the diary and add a comment if you like."
            ),
            actions(
                button("Comment", Action.COMMENT_DIARY, str(entry.id), style="primary"),
                _open_diary(entry.mentorship_id),
            ),
        ],
    )


def build_comment_modal(entry: EntryView) -> dict[str, Any]:
    return modal(
        Callback.DIARY_COMMENT,
        "Comment",
        [
            *_entry_blocks(entry),
            text_input(
                B.COMMENT,
                "Your comment",
                multiline=True,
                max_length=TEXT_MAX,
                hint="Your mentee reads it in their diary.",
            ),
        ],
        submit="Send",
        private_metadata=str(entry.id),
    )


def build_comment_received(entry: EntryView) -> dict[str, Any]:
    """To the mentee: their mentor commented on an entry."""
    return message(
        "Your mentor commented on your diary",
        [
            section(
                f":speech_balloon: <@{entry.mentor_slack_id}> commented on your diary entry:\n"
                f">{escape(entry.mentor_comment or '')}"
            ),
            actions(_open_diary(entry.mentorship_id)),
        ],
    )


def build_comment_sent() -> dict[str, Any]:
    text = ":white_check_mark: Your comment is in the diary; your mentee has been told."
    return message("Comment sent", [section(text)])


def build_diary(diary: Diary) -> dict[str, Any]:
    """The diary, newest entry first, each with the mentor's comment."""
    blocks: list[Block] = [
        context(f":lock: {escape(diary.title)}: only the two of you can read this diary.")
    ]
    if not diary.entries:
        blocks.append(section("No entries yet. After each session the mentee writes one."))
    for entry in diary.entries[:ENTRIES_SHOWN]:
        blocks.extend([divider(), *_entry_blocks(entry)])
    if len(diary.entries) > ENTRIES_SHOWN:
        blocks.append(context(f"The {ENTRIES_SHOWN} newest entries are shown."))
    return modal(Callback.DIARY_VIEW, "Diary", blocks, close="Close")
