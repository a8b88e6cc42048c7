"""What mentors like to help with and the languages they mentor in, as people read them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.languages import LANGUAGES
from store.statuses import HelpKind

HELP_KIND_LABELS: dict[HelpKind, str] = {
    HelpKind.CAREER: "Career",
    HelpKind.TECHNICAL: "Technical skills",
    HelpKind.LEADERSHIP: "Leadership",
    HelpKind.ONBOARDING: "Onboarding",
    HelpKind.OTHER: "Other",
}


def help_kind_options() -> list[tuple[str, str]]:
    return [(label, kind.value) for kind, label in HELP_KIND_LABELS.items()]


def language_options() -> list[tuple[str, str]]:
    """The fixed list of languages by name, alphabetically (at most 100: Slack's limit)."""
    return sorted(((name, code) for code, name in LANGUAGES.items()), key=lambda o: o[0])


def help_kinds_line(kinds: Sequence[HelpKind]) -> str:
    return ", ".join(HELP_KIND_LABELS[kind] for kind in kinds)


def languages_line(codes: Sequence[str]) -> str:
    return ", ".join(LANGUAGES.get(code, code) for code in codes)
