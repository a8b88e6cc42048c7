"""Walking Block Kit surfaces: ids Slack fills in, interactive elements, texts and labels.

Both the fake Web API (which stores surfaces as Slack would) and the driver (which finds what a
person clicks or fills) need the same view of a surface's structure.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from typing import Any


def text_of(obj: Any) -> str:
    """The raw string of a text object (or a bare string)."""
    if isinstance(obj, dict):
        return str(obj.get("text") or "")
    return str(obj or "")


def _generated_id(thing: dict, index: int) -> str:
    """Slack invents short ids for blocks and elements without one; these are stable."""
    digest = hashlib.sha1(f"{index}:{json.dumps(thing, sort_keys=True)}".encode()).hexdigest()
    return digest[:5]


def with_ids(blocks: list[dict] | None) -> list[dict]:
    """A copy of `blocks` with every block_id and action_id filled in, as Slack stores them."""
    filled = copy.deepcopy(blocks or [])
    for index, block in enumerate(filled):
        if not isinstance(block, dict):
            continue
        block.setdefault("block_id", _generated_id(block, index))
        for number, element in enumerate(elements_of(block)):
            if element.get("type") not in ("image", "plain_text", "mrkdwn"):
                element.setdefault("action_id", _generated_id(element, number))
    return filled


def elements_of(block: dict) -> list[dict]:
    """A block's interactive elements, in reading order."""
    found: list[dict] = []
    accessory = block.get("accessory")
    if isinstance(accessory, dict) and accessory.get("type") != "image":
        found.append(accessory)
    if isinstance(block.get("element"), dict):
        found.append(block["element"])
    if block.get("type") in ("actions", "context_actions"):
        found += [e for e in block.get("elements") or [] if isinstance(e, dict)]
    return found


def options_of(element: dict) -> list[dict]:
    """Every option of a select-like element, including those in option groups."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def block_text(block: dict) -> str:
    """All the readable raw text of a block, for finding a block by what it says."""
    parts: list[str] = [text_of(block.get("text")), text_of(block.get("label"))]
    parts += [text_of(field) for field in block.get("fields") or []]
    if block.get("type") == "context":
        parts += [text_of(e) for e in block.get("elements") or [] if isinstance(e, dict)]
    if block.get("type") == "rich_text":
        parts.append(rich_text_plain(block.get("elements") or []))
    return "\n".join(part for part in parts if part)


def rich_text_plain(elements: list[Any], users: dict[str, str] | None = None) -> str:
    """The plain text of rich_text elements (sections, lists, quotes, preformatted)."""
    names = users or {}
    out: list[str] = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        inner = element.get("elements") or []
        if kind == "rich_text_list":
            out += [f"• {rich_text_plain([item], names)}" for item in inner]
        elif kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            line = "".join(_leaf(leaf, names) for leaf in inner)
            out.append("> " + line if kind == "rich_text_quote" else line)
        else:
            out.append(_leaf(element, names))
    return "\n".join(out)


def _leaf(leaf: dict, names: dict[str, str]) -> str:
    kind = leaf.get("type")
    if kind == "text":
        return str(leaf.get("text") or "")
    if kind == "link":
        return str(leaf.get("text") or leaf.get("url") or "")
    if kind == "user":
        return "@" + names.get(leaf.get("user_id", ""), leaf.get("user_id", ""))
    if kind == "channel":
        return "#" + str(leaf.get("channel_id", ""))
    if kind == "emoji":
        return f":{leaf.get('name', '')}:"
    if kind == "broadcast":
        return "@" + str(leaf.get("range", ""))
    if kind == "date":
        return str(leaf.get("fallback") or leaf.get("timestamp", ""))
    return ""


def input_blocks(blocks: list[dict]) -> Iterator[dict]:
    """The input blocks of a surface."""
    return (b for b in blocks if isinstance(b, dict) and b.get("type") == "input")
