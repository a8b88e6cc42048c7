"""Posting a mentee's request for a different mentor where only coordinators read it.

The card goes to the coordinators' channel, with the same check of who can read it as the digest
(bot/slack/coordinator_channel.py); without a channel, each coordinator gets it in a DM.
"""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk import WebClient

from bot.blocks.course import build_change_request_card
from bot.services.change_requests import ChangeRequestView
from bot.slack.coordinator_channel import read_audience


def post_change_request(
    client: WebClient,
    channel: str | None,
    coordinators: Collection[str],
    request: ChangeRequestView,
) -> None:
    if not channel:
        for coordinator in sorted(coordinators):
            client.chat_postMessage(channel=coordinator, **build_change_request_card(request))
        return
    audience = read_audience(client, channel, coordinators)
    warning = audience.problem() if audience else None
    client.chat_postMessage(channel=channel, **build_change_request_card(request, warning=warning))
