"""The sponsor's report through Slack: a coordinator asks for it, a one-page PDF with the
programme's figures and charts and the CSV files arrive in their DM; nobody else can ask."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.blocks.sponsor_pdf import sponsor_figure
from bot.sandbox import Sandbox, sandbox
from bot.services.coordinators import COORDINATORS_ONLY
from bot.services.sponsor_report import sponsor_report
from bot.simulator.render import render_blocks
from store.models import SearchMiss
from store.statuses import GoalStatus
from tests.conftest import ADA, BEN, CHITRA, DAN, make_fake_slack
from tests.seed import DAY, NOW, add_mentor, add_mentorship, add_review, add_session, add_user
from tests.steps import chart_bytes


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """Chitra coordinates. Ada mentors Ben (one goal reached of two) and they met twice, each
    review 5 and 4 stars; Dan held one one-off session with Chitra; someone looked for Rust."""
    fake = make_fake_slack()
    fake.add_user(DAN, "Dan Brown", "UTC")
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=NOW, env=env, fake=fake) as running:
        with running.deps.sessions.begin() as s:
            ada, dan = add_mentor(s, ADA), add_mentor(s, DAN)
            ben, chitra = add_user(s, BEN), add_user(s, CHITRA)
            pair = add_mentorship(s, ada, [ben], goals=("Talk", "Lead"), at=NOW - 40 * DAY)
            goal = next(g for g in pair.members[0].goals if g.text == "Talk")
            goal.status, goal.reached_at = GoalStatus.REACHED, NOW - DAY
            for days in (20, 6):
                held = add_session(s, ada.id, ben.id, NOW - days * DAY)
                held.mentorship_id = pair.id
                add_review(s, held.id, ben.id, (5, 4), NOW - days * DAY + DAY)
            add_session(s, dan.id, chitra.id, NOW - 3 * DAY)
            s.add(SearchMiss(user_id=ben.id, skill_key="rust", searched_at=NOW - 2 * DAY))
        yield running
        assert running.fake.problems == []


def test_a_coordinator_gets_the_pdf_and_the_csvs_by_dm(program: Sandbox) -> None:
    program.user(CHITRA).command("admin report")
    files = [s for s in program.fake.seen_by(CHITRA) if s.kind == "file"]
    assert {s.channel for s in files} == {program.fake.dm_channel(CHITRA)}
    names = [s.file["name"] for s in files if s.file]
    assert names[0] == f"mentoring-programme-report-{NOW:%Y-%m-%d}.pdf"
    assert [n.split("-")[1] for n in names[1:]] == ["sessions", "reviews", "mentorships"]
    pdf = chart_bytes(files[0].file or {})
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    summary = files[0].text
    assert "*Mentoring programme*" in summary
    assert "• Mentors taking part: 2" in summary and "• Mentees taking part: 2" in summary
    assert "• Sessions held: 3" in summary  # two of the pair's, Dan's one-off
    assert "• Goals reached: 1 of 2 (50%)" in summary
    assert "• Connecting, average stars: 5.0 of 5 (2 answers)" in summary
    reply = [s for s in program.fake.seen_by(CHITRA) if s.kind != "file"][-1]
    assert "Sent the report for Mentoring programme to your DM" in (
        reply.text + render_blocks(reply.blocks, "UTC")
    )


def test_the_page_carries_the_title_figures_and_charts(program: Sandbox) -> None:
    with program.deps.sessions.begin() as s:
        report = sponsor_report(
            s, actor=CHITRA, coordinators=[CHITRA], programme="mentoring PROGRAMME", now=NOW
        )
    figure = sponsor_figure(report)
    texts = [t.get_text() for t in figure.texts]
    assert "Mentoring programme: mentoring report" in texts
    assert "Sessions held" in texts and "3" in texts
    titles = [axes.get_title(loc="left") for axes in figure.axes]
    assert titles == [
        "Sessions per week",
        "Average stars per month",
        "Skills people looked for and did not find",
    ]
    unmet = figure.axes[2]
    assert [t.get_text() for t in unmet.get_yticklabels()] == ["rust"]
    assert (figure.get_size_inches() == (8.27, 11.69)).all()  # A4


def test_only_coordinators_and_only_known_programmes(program: Sandbox) -> None:
    program.user(BEN).command("admin report")
    assert program.fake.seen_by(BEN)[-1].text == COORDINATORS_ONLY
    program.user(CHITRA).command("admin report 2031 moonshot")
    answer = [s for s in program.fake.seen_by(CHITRA) if s.kind != "file"][-1].text
    assert answer.startswith(
        "No programme has that name. The programmes are: “Mentoring programme”"
    )
    assert not [s for s in program.fake.seen_all() if s.kind == "file"]
