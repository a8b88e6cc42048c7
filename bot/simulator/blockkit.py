"""Block Kit checks, so a message or view Slack would refuse fails in tests, not in production.

slack_sdk's models catch many mistakes but stop at the first one and miss some limits, so the
limits that matter most are also checked explicitly, each problem naming where it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TITLE = 24
MAX_MESSAGE_TEXT = 40000
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID = 255
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150
MAX_PRIVATE_METADATA = 3000
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_LABEL = 2000

KNOWN_BLOCKS = frozenset(
    {
        "section", "divider", "image", "actions", "context", "input", "file", "header",
        "rich_text", "video", "markdown", "table", "call", "context_actions",
    }
)  # fmt: skip
SELECTS_WITH_OPTIONS = frozenset(
    {"static_select", "multi_static_select", "overflow", "radio_buttons", "checkboxes"}
)


def message_problems(text: str | None, blocks: list[dict] | None) -> list[str]:
    """Everything Slack would refuse in a message's text and blocks (empty when it's fine)."""
    problems: list[str] = []
    if text is not None and not isinstance(text, str):
        problems.append("text: must be a string")
    elif text and len(text) > MAX_MESSAGE_TEXT:
        problems.append(f"text: longer than {MAX_MESSAGE_TEXT} characters")
    if blocks is None:
        return problems
    if not isinstance(blocks, list):
        return [*problems, "blocks: must be a list"]
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        problems.append(f"blocks: {len(blocks)} blocks, more than {MAX_MESSAGE_BLOCKS}")
    for index, block in enumerate(blocks):
        if isinstance(block, dict) and block.get("type") == "input":
            problems.append(f"blocks[{index}]: input blocks are not allowed in messages")
    return problems + _blocks_problems(blocks, "blocks")


def view_problems(view: dict) -> list[str]:
    """Everything Slack would refuse in a modal or Home view (empty when it's fine)."""
    if not isinstance(view, dict):
        return ["view: must be an object"]
    problems: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        problems.append(f"view.type: {kind!r} is not 'modal' or 'home'")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        problems.append("view.blocks: must be a list")
        blocks = []
    elif len(blocks) > MAX_VIEW_BLOCKS:
        problems.append(f"view.blocks: {len(blocks)} blocks, more than {MAX_VIEW_BLOCKS}")
    if kind == "modal":
        if "title" not in view:
            problems.append("view.title: a modal needs a title")
        for key in ("title", "submit", "close"):
            if key in view:
                problems += _text_problems(view[key], f"view.{key}", MAX_TITLE, plain=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and "submit" not in view:
            problems.append("view.submit: a modal with input blocks needs a submit button")
    metadata = view.get("private_metadata")
    if metadata is not None and len(str(metadata)) > MAX_PRIVATE_METADATA:
        problems.append(f"view.private_metadata: longer than {MAX_PRIVATE_METADATA} characters")
    for key in ("callback_id", "external_id"):
        if len(str(view.get(key) or "")) > MAX_ID:
            problems.append(f"view.{key}: longer than {MAX_ID} characters")
    problems += _blocks_problems(blocks, "view.blocks")
    if not problems:
        problems += _sdk_problems(lambda: View(**view).to_dict(), "view")
    return problems


def _blocks_problems(blocks: list[Any], where: str) -> list[str]:
    problems: list[str] = []
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        at = f"{where}[{index}]"
        if not isinstance(block, dict):
            problems.append(f"{at}: must be an object")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                problems.append(f"{at}.block_id: {block_id!r} is used twice")
            block_ids.add(block_id)
        found = _block_problems(block, at)
        if not found and block.get("type") in KNOWN_BLOCKS:
            found = _sdk_problems(lambda b=block: _parse(b).to_dict(), at)
        problems += found
    return problems


def _parse(block: dict) -> Block:
    parsed = Block.parse(block)
    if parsed is None:
        raise SlackObjectFormationError(f"unknown block type {block.get('type')!r}")
    return parsed


def _sdk_problems(check: Any, at: str) -> list[str]:
    try:
        check()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError) as error:
        return [f"{at}: {error}"]
    return []


def _block_problems(block: dict, at: str) -> list[str]:
    kind = block.get("type")
    if kind not in KNOWN_BLOCKS:
        return [f"{at}.type: unknown block type {kind!r}"]
    problems: list[str] = []
    if len(str(block.get("block_id") or "")) > MAX_ID:
        problems.append(f"{at}.block_id: longer than {MAX_ID} characters")
    if kind == "section":
        if "text" not in block and "fields" not in block:
            problems.append(f"{at}: a section needs text or fields")
        if "text" in block:
            problems += _text_problems(block["text"], f"{at}.text", MAX_SECTION_TEXT)
        fields = block.get("fields") or []
        if len(fields) > MAX_FIELDS:
            problems.append(f"{at}.fields: {len(fields)} fields, more than {MAX_FIELDS}")
        for number, field in enumerate(fields):
            problems += _text_problems(field, f"{at}.fields[{number}]", MAX_FIELD_TEXT)
    elif kind == "header":
        problems += _text_problems(block.get("text"), f"{at}.text", MAX_HEADER, plain=True)
    elif kind == "actions":
        elements = block.get("elements") or []
        if len(elements) > MAX_ACTIONS_ELEMENTS:
            problems.append(f"{at}.elements: more than {MAX_ACTIONS_ELEMENTS} elements")
    elif kind == "context":
        elements = block.get("elements") or []
        if len(elements) > MAX_CONTEXT_ELEMENTS:
            problems.append(f"{at}.elements: more than {MAX_CONTEXT_ELEMENTS} elements")
    elif kind == "input":
        problems += _text_problems(block.get("label"), f"{at}.label", MAX_LABEL, plain=True)
        if "hint" in block:
            problems += _text_problems(block["hint"], f"{at}.hint", MAX_LABEL, plain=True)
        if not isinstance(block.get("element"), dict):
            problems.append(f"{at}.element: an input block needs an element")
    action_ids: set[str] = set()
    for path, element in _elements(block, at):
        action_id = element.get("action_id")
        if action_id is not None:
            if action_id in action_ids:
                problems.append(f"{path}.action_id: {action_id!r} is used twice in one block")
            action_ids.add(action_id)
        problems += _element_problems(element, path)
    return problems


def _elements(block: dict, at: str) -> Iterator[tuple[str, dict]]:
    """Interactive elements of a block with their locations."""
    if isinstance(block.get("accessory"), dict):
        yield f"{at}.accessory", block["accessory"]
    if isinstance(block.get("element"), dict):
        yield f"{at}.element", block["element"]
    if block.get("type") in ("actions", "context_actions"):
        for number, element in enumerate(block.get("elements") or []):
            if isinstance(element, dict):
                yield f"{at}.elements[{number}]", element


def _element_problems(element: dict, at: str) -> list[str]:
    problems: list[str] = []
    kind = element.get("type")
    if len(str(element.get("action_id") or "")) > MAX_ID:
        problems.append(f"{at}.action_id: longer than {MAX_ID} characters")
    if kind == "button":
        problems += _text_problems(element.get("text"), f"{at}.text", MAX_BUTTON_TEXT, plain=True)
        if len(str(element.get("value") or "")) > MAX_BUTTON_VALUE:
            problems.append(f"{at}.value: longer than {MAX_BUTTON_VALUE} characters")
    if "placeholder" in element:
        problems += _text_problems(
            element["placeholder"], f"{at}.placeholder", MAX_PLACEHOLDER, plain=True
        )
    if kind in SELECTS_WITH_OPTIONS:
        options = list(element.get("options") or [])
        for group in element.get("option_groups") or []:
            options += group.get("options") or []
        if len(options) > MAX_OPTIONS:
            problems.append(f"{at}.options: {len(options)} options, more than {MAX_OPTIONS}")
        for number, option in enumerate(options):
            where = f"{at}.options[{number}]"
            if not isinstance(option, dict):
                problems.append(f"{where}: must be an object")
                continue
            plain = kind not in ("radio_buttons", "checkboxes")
            problems += _text_problems(option.get("text"), f"{where}.text", MAX_OPTION_TEXT, plain)
            if len(str(option.get("value") or "")) > MAX_OPTION_VALUE:
                problems.append(f"{where}.value: longer than {MAX_OPTION_VALUE} characters")
    return problems


def _text_problems(text: Any, at: str, limit: int, plain: bool = False) -> list[str]:
    """A text object must be an object of the right type and short enough."""
    if not isinstance(text, dict):
        return [f"{at}: must be a text object, not {type(text).__name__}"]
    kind = text.get("type")
    allowed = ("plain_text",) if plain else ("plain_text", "mrkdwn")
    if kind not in allowed:
        return [f"{at}.type: {kind!r} is not {' or '.join(allowed)}"]
    value = text.get("text")
    if not isinstance(value, str) or not value:
        return [f"{at}: empty text"]
    if len(value) > limit:
        return [f"{at}: longer than {limit} characters"]
    return []
