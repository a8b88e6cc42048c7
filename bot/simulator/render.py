"""Block Kit as readable text: the demo's transcript and tests' "what the person saw".

Rendering is per viewer (their time zone, names of people) because that is what the tests
about time zones need to compare.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.simulator.mrkdwn import render_mrkdwn
from bot.simulator.records import Seen
from bot.simulator.surfaces import options_of, rich_text_plain, text_of

__all__ = ["describe", "render_blocks", "render_mrkdwn", "render_view"]

Users = Mapping[str, str] | None


def _text(obj: Any, tz: str, users: Users) -> str:
    """A text object as shown: mrkdwn is rendered, plain_text is shown as written."""
    if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
        return render_mrkdwn(text_of(obj), tz, users)
    return text_of(obj)


def render_blocks(blocks: list[dict], tz: str, users: Users = None) -> str:
    """Every block as a few lines of text, in order."""
    lines = [_block(block, tz, users) for block in blocks or [] if isinstance(block, dict)]
    return "\n".join(line for line in lines if line)


def _block(block: dict, tz: str, users: Users) -> str:
    kind = block.get("type")
    if kind == "header":
        return "## " + _text(block.get("text"), tz, users)
    if kind == "section":
        return _section(block, tz, users)
    if kind == "divider":
        return "---"
    if kind == "context":
        parts = [_context_part(e, tz, users) for e in block.get("elements") or []]
        return "  (" + " · ".join(part for part in parts if part) + ")"
    if kind in ("actions", "context_actions"):
        return " ".join(_element(e, tz, users) for e in block.get("elements") or [])
    if kind == "image":
        title = _text(block.get("title"), tz, users)
        return f"[image: {block.get('alt_text', '')}]" + (f" {title}" if title else "")
    if kind == "input":
        return _input(block, tz, users)
    if kind == "rich_text":
        return rich_text_plain(block.get("elements") or [], dict(users or {}))
    if kind == "markdown":
        return str(block.get("text") or "")
    if kind == "video":
        return f"[video: {_text(block.get('title'), tz, users)}]"
    if kind == "file":
        return "[file]"
    return f"[{kind}]"


def _section(block: dict, tz: str, users: Users) -> str:
    lines: list[str] = []
    if "text" in block:
        lines.append(_text(block["text"], tz, users))
    fields = [_text(field, tz, users) for field in block.get("fields") or []]
    for left in range(0, len(fields), 2):
        lines.append(" | ".join(fields[left : left + 2]))
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        shown = _element(accessory, tz, users)
        if lines:
            lines[-1] = f"{lines[-1]}  {shown}"
        else:
            lines.append(shown)
    return "\n".join(lines)


def _context_part(element: dict, tz: str, users: Users) -> str:
    if element.get("type") == "image":
        return f"[image: {element.get('alt_text', '')}]"
    return _text(element, tz, users)


def _element(element: dict, tz: str, users: Users) -> str:
    """An interactive element: buttons as [Text], choices listed with the chosen ones starred."""
    kind = element.get("type")
    if kind == "button":
        return f"[{_text(element.get('text'), tz, users)}]"
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    options = options_of(element)
    chosen = {_key(o) for o in element.get("initial_options") or []}
    if element.get("initial_option"):
        chosen.add(_key(element["initial_option"]))
    names = [
        f"*{_text(o.get('text'), tz, users)}*"
        if _key(o) in chosen
        else _text(o.get("text"), tz, users)
        for o in options
    ]
    if kind in ("checkboxes", "radio_buttons"):
        mark = ("[x]", "[ ]") if kind == "checkboxes" else ("(o)", "( )")
        return "  ".join(
            f"{mark[0] if _key(o) in chosen else mark[1]} {_text(o.get('text'), tz, users)}"
            for o in options
        )
    if kind == "overflow":
        return "<...: " + " / ".join(names) + ">"
    if options:
        placeholder = _text(element.get("placeholder"), tz, users) or "Select"
        return f"<{placeholder}: " + " / ".join(names) + ">"
    initial = _initial(element)
    if initial:
        return f"[{initial}]"
    placeholder = _text(element.get("placeholder"), tz, users)
    return "[____]" + (f" {placeholder}" if placeholder else "")


def _key(option: dict) -> str:
    return str(option.get("value"))


def _initial(element: dict) -> str:
    for key in ("initial_value", "initial_date", "initial_time", "initial_user"):
        if element.get(key):
            return str(element[key])
    for key in ("initial_users", "initial_conversations", "initial_channels"):
        if element.get(key):
            return ", ".join(element[key])
    if element.get("initial_date_time"):
        return str(element["initial_date_time"])
    return ""


def _input(block: dict, tz: str, users: Users) -> str:
    label = _text(block.get("label"), tz, users)
    optional = " (optional)" if block.get("optional") else ""
    element = block.get("element")
    element = element if isinstance(element, dict) else {}
    line = f"{label}{optional}: {_element(element, tz, users)}"
    hint = _text(block.get("hint"), tz, users)
    return line + (f"\n  {hint}" if hint else "")


def render_view(view: dict, tz: str, users: Users = None) -> str:
    """A modal framed by its title and buttons, or a Home tab under a heading."""
    body = render_blocks(view.get("blocks") or [], tz, users)
    if view.get("type") == "home":
        return "== Home tab ==\n" + body
    title = _text(view.get("title"), tz, users)
    if view.get("submit"):
        close = _text(view.get("close"), tz, users) or "Cancel"
        buttons = f"[{_text(view['submit'], tz, users)}] [{close}]"
    else:
        buttons = f"[{_text(view.get('close'), tz, users) or 'Close'}]"
    frame = "═" * 3
    return f"╔{frame} {title} {frame}╗\n{body}\n{buttons}"


def describe(seen: Seen, tz: str, users: Users = None) -> str:
    """One readable paragraph saying what someone saw, for a transcript."""
    if seen.kind == "delete":
        return "(the message was deleted)"
    if seen.kind in ("modal", "home"):
        if seen.view is None:
            return seen.text or "(the modal closed)"
        shown = render_view(seen.view, tz, users)
        return f"{shown}\n{seen.text}" if seen.text else shown
    if seen.kind == "file":
        info = seen.file or {}
        line = (
            f"[file {info.get('name', '')}: {info.get('title', '')}, {info.get('size', 0)} bytes]"
        )
        comment = render_mrkdwn(seen.text, tz, users) if seen.text else ""
        return f"{comment}\n{line}" if comment else line
    body = render_blocks(seen.blocks, tz, users) or render_mrkdwn(seen.text, tz, users)
    return f"(edited)\n{body}" if seen.kind == "update" else body
