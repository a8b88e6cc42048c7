"""Posting a mentee's request for a different mentor where only coordinators read it.

The card goes to the coordinators' channel, with the same check of who can read it as the digest
(bot/slack/coordinator_channel.py); without a channel, each coordinator gets it in a DM.
"""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk import WebClient

from bot.blocks.course import build_change_request_card
from bot.services.change_requests import ChangeRequestView
from bot.slack.coordinator_channel import post_card


def post_change_request(
    client: WebClient,
    channel: str | None,
    coordinators: Collection[str],
    request: ChangeRequestView,
) -> None:
    post_card(
        client,
        channel,
        coordinators,
        lambda warning: build_change_request_card(request, warning=warning),
    )
