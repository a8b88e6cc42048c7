"""Finding what a person means by "click Book near Ada": the surface, block and element.

People find buttons by what they read, so the search is by visible text, optionally near some
other text, across the surfaces in front of them (top modal, newest messages, Home).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.simulator.mrkdwn import render_mrkdwn
from bot.simulator.records import Seen
from bot.simulator.surfaces import block_text, elements_of, options_of, text_of

if TYPE_CHECKING:
    from bot.simulator.fake_slack import FakeSlack

WHERE = (None, "modal", "home", "message")


@dataclass
class Surface:
    """Something on screen: a view (modal or Home) or a message."""

    kind: str  # "modal" | "home" | "message"
    blocks: list[dict]
    view: dict | None = None
    seen: Seen | None = None


@dataclass
class Found:
    surface: Surface
    block: dict
    element: dict


def surfaces(fake: FakeSlack, user_id: str, where: str | None) -> list[Surface]:
    """What the person can click on, in the order they would look."""
    if where not in WHERE:
        raise ValueError(f"where must be one of {WHERE}, not {where!r}")
    found: list[Surface] = []
    modal = fake.modal(user_id)
    if where in (None, "modal") and modal is not None:
        found.append(Surface("modal", modal["blocks"], view=modal))
    if where in (None, "message"):
        found += [Surface("message", s.blocks, seen=s) for s in fake.visible_messages(user_id)]
    home = fake.home(user_id)
    if where in (None, "home") and home is not None:
        found.append(Surface("home", home["blocks"], view=home))
    return found


def _candidate_blocks(blocks: list[dict], near: str | None) -> Iterator[dict]:
    """All blocks, or those containing `near` and the first actions block after each."""
    if near is None:
        yield from (b for b in blocks if isinstance(b, dict))
        return
    for index, block in enumerate(blocks):
        raw = block_text(block)
        if near in raw or near in render_mrkdwn(raw, "UTC"):
            yield block
            for after in blocks[index + 1 :]:
                if after.get("type") in ("actions", "context_actions"):
                    yield after
                    break


def find(places: list[Surface], near: str | None, matches: Callable[[dict], bool]) -> Found | None:
    """The first clickable element that `matches`, looking through `places` in order."""
    for surface in places:
        for block in _candidate_blocks(surface.blocks, near):
            if block.get("type") == "input":
                continue  # inputs are filled, not clicked
            for element in elements_of(block):
                if matches(element):
                    return Found(surface, block, element)
    return None


def is_button(text: str) -> Callable[[dict], bool]:
    def matches(element: dict) -> bool:
        return element.get("type") == "button" and text_of(element.get("text")).strip() == text

    return matches


def has_option(text: str) -> Callable[[dict], bool]:
    def matches(element: dict) -> bool:
        return any(text_of(o.get("text")).strip() == text for o in options_of(element))

    return matches


def visible_buttons(places: list[Surface]) -> list[str]:
    """Texts of the buttons in view, for an error message that helps."""
    return [
        f"{surface.kind}: {text_of(element.get('text'))}"
        for surface in places
        for block in surface.blocks
        if isinstance(block, dict)
        for element in elements_of(block)
        if element.get("type") == "button"
    ]


def visible_options(places: list[Surface]) -> list[str]:
    return [
        f"{surface.kind}: {text_of(option.get('text'))}"
        for surface in places
        for block in surface.blocks
        if isinstance(block, dict)
        for element in elements_of(block)
        for option in options_of(element)
    ]
