"""Reading what people typed and clicked out of Slack's payloads, and answering in place."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.services.errors import DomainError

FormValue = str | list[str] | None
T = TypeVar("T")
MAX_ID = 2**31 - 1  # the largest value of an INTEGER column on PostgreSQL


def form_values(view: dict[str, Any]) -> dict[str, FormValue]:
    """`{block_id: value}` from a submitted view's state, whatever kind of input each block is."""
    values: dict[str, FormValue] = {}
    for block_id, elements in (view.get("state") or {}).get("values", {}).items():
        for element in elements.values():
            values[block_id] = _element_value(element)
    return values


def _element_value(element: dict[str, Any]) -> FormValue:
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        return option_value(element.get("selected_option")) or None
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        options = element.get("selected_options")
        chosen = [option_value(o) for o in options] if isinstance(options, list) else []
        return [value for value in chosen if value]
    if kind == "multi_users_select":
        users = element.get("selected_users")
        return [u for u in users if isinstance(u, str)] if isinstance(users, list) else []
    key = {
        "datepicker": "selected_date",
        "timepicker": "selected_time",
        "users_select": "selected_user",
    }.get(str(kind), "value")
    value = element.get(key)
    return value if isinstance(value, str) else None


def option_value(option: Any) -> str:
    """The value of a chosen option ("" when there is none, or it is not a string)."""
    return string(option.get("value")) if isinstance(option, dict) else ""


def string(value: Any) -> str:
    """A value Slack carries as a string (a button's value, private_metadata), else ""."""
    return value if isinstance(value, str) else ""


def number(value: Any) -> int | None:
    """A whole number written in ASCII digits that fits an id column, else None.

    `str.isdigit` alone lets through "²" (which int() refuses) and 10,000-digit strings (which
    int() refuses, and the database could not store anyway).
    """
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10):
        return None
    found = int(value)
    return found if found <= MAX_ID else None


def text(values: dict[str, FormValue], block_id: str) -> str:
    value = values.get(block_id)
    return value if isinstance(value, str) else ""


def choices(values: dict[str, FormValue], block_id: str) -> list[str]:
    value = values.get(block_id)
    return value if isinstance(value, list) else []


def whole_number(values: dict[str, FormValue], block_id: str) -> int | None:
    return number(text(values, block_id).strip())


def clicking_user(body: dict[str, Any]) -> str:
    """The acting user of any payload: interactions carry `user.id`, slash commands `user_id`."""
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id", ""))
    return str(body.get("user_id") or "")


def tell(body: dict[str, Any], client: WebClient, message: dict[str, Any] | str) -> None:
    """Answer a click privately where the user is: in the message's thread, else by DM."""
    payload = {"text": message} if isinstance(message, str) else message
    response_url = body.get("response_url")
    if response_url:
        WebhookClient(response_url, retry_handlers=client.retry_handlers).send(
            **payload, response_type="ephemeral", replace_original=False
        )
    else:
        client.chat_postMessage(channel=clicking_user(body), **payload)


def replace_clicked_message(
    body: dict[str, Any], client: WebClient, message: dict[str, Any]
) -> None:
    """Update the message whose button was clicked (an ephemeral one through its response_url)."""
    response_url = body.get("response_url")
    if response_url:
        WebhookClient(response_url, retry_handlers=client.retry_handlers).send(
            **message, replace_original=True
        )


def run_or_tell(
    deps: Deps, body: dict[str, Any], client: WebClient, call: Callable[[Session], T]
) -> T | None:
    """One service call for the clicking user in its own transaction; None (the refusal
    explained privately, where they clicked) when a rule of the program refused it."""
    try:
        with deps.sessions.begin() as session:
            return call(session)
    except DomainError as refused:
        tell(body, client, str(refused))
        return None


def field_errors(
    refused: DomainError, view: dict[str, Any], fields: Mapping[str, str], default: str
) -> dict[str, str]:
    """A refusal as a modal's field errors. `fields` maps the service's names for its fields to
    the modal's block ids (a name that is already one stands for itself); a message for a field
    the modal has no input for goes on `default`, since Slack refuses errors on other blocks."""
    blocks = view.get("blocks")
    inputs = {
        block.get("block_id")
        for block in (blocks if isinstance(blocks, list) else [])
        if isinstance(block, dict) and block.get("type") == "input"
    }
    errors: dict[str, str] = {}
    for field, message in refused.by_field().items():
        block = fields.get(field, field)
        errors.setdefault(block if block in inputs else default, message)
    return errors


def submit_or_errors(
    deps: Deps,
    ack: Ack,
    view: dict[str, Any],
    call: Callable[[Session], T],
    *,
    default: str,
    fields: Mapping[str, str] | None = None,
) -> T | None:
    """A modal submission's one service call in its own transaction, then the ack that closes
    the modal. None when a rule of the program refused it: the refusal is then shown on the
    form's inputs, in the ack, and what the person typed is kept."""
    try:
        with deps.sessions.begin() as session:
            result = call(session)
    except DomainError as refused:
        ack(response_action="errors", errors=field_errors(refused, view, fields or {}, default))
        return None
    ack()
    return result
