"""The coordinators' view of the skills catalogue (`/mentor admin skills`) and its changes."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import Block, context, escape, header, message, section
from bot.ids import COMMAND
from bot.services.skill_catalogue import CatalogueChange, CataloguePage, CatalogueRow

ROWS_PER_SECTION = 20  # keeps each section well under Slack's 3,000 characters
SYNONYMS_SHOWN = 4

CATALOGUE_USAGE = (
    f"*Change the catalogue* (each change is logged):\n"
    f"• `{COMMAND} admin skills rename Kubernets to Kubernetes`\n"
    f"• `{COMMAND} admin skills merge K8s into Kubernetes`: mentors and mentees' gaps move "
    "over (the higher level is kept), the old name finds the skill\n"
    f"• `{COMMAND} admin skills synonym kube for Kubernetes`\n"
    f"• `{COMMAND} admin skills group Kubernetes in Cloud` (a new group is created; "
    "`in none` takes it out)"
)


def build_catalogue(page: CataloguePage) -> dict[str, Any]:
    """Every skill with its active mentors and unmet searches, most offered first."""
    blocks: list[Block] = [header("Skills catalogue")]
    if not page.rows:
        blocks.append(section("No skills yet: they appear as mentors sign up."))
    for start in range(0, len(page.rows), ROWS_PER_SECTION):
        lines = [_row(row) for row in page.rows[start : start + ROWS_PER_SECTION]]
        blocks.append(section("\n".join(lines)))
    if page.total > len(page.rows):
        blocks.append(context(f"…and {page.total - len(page.rows)} more, offered less."))
    if page.unmet_unknown:
        wanted = ", ".join(f"{escape(key)} ({count})" for key, count in page.unmet_unknown)
        blocks.append(section(f"*Searched for, but not in the catalogue:* {wanted}"))
    blocks.append(context(CATALOGUE_USAGE))
    return message("Skills catalogue", blocks)


def _row(row: CatalogueRow) -> str:
    mentors = f"{row.mentors} mentor{'s' if row.mentors != 1 else ''}"
    unmet = f", {row.unmet} unmet search{'es' if row.unmet != 1 else ''}" if row.unmet else ""
    group = f"  _{escape(row.group)}_" if row.group else ""
    shown = ", ".join(row.synonyms[:SYNONYMS_SHOWN])
    more = f" +{len(row.synonyms) - SYNONYMS_SHOWN}" if len(row.synonyms) > SYNONYMS_SHOWN else ""
    also = f"  (also: {escape(shown)}{more})" if row.synonyms else ""
    return f"• *{escape(row.name)}*{group}: {mentors}{unmet}{also}"


def build_catalogue_change(change: CatalogueChange) -> dict[str, Any]:
    return message(change.summary, [section(f":white_check_mark: {change.summary}")])
