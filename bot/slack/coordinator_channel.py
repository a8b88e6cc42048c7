"""Asking Slack who can read the coordinators' channel, before the digest goes there.

conversations.info says whether the channel is private (it needs the channels:read scope for a
public channel, groups:read for a private one) and conversations.members lists who is in it.
When Slack refuses (a missing scope, a channel the bot cannot see), one warning line goes to
the log and the digest goes out as before: the check never stops it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.services.channel_audience import ChannelAudience, judge_audience

log = logging.getLogger(__name__)
PAGE = 200


def read_audience(
    client: WebClient, channel: str, coordinators: Collection[str]
) -> ChannelAudience | None:
    """The channel's audience, or None (and one warning logged) when Slack would not say."""
    try:
        info = client.conversations_info(channel=channel)["channel"]
        members: list[str] = []
        cursor = ""
        while True:
            page = client.conversations_members(channel=channel, limit=PAGE, cursor=cursor or None)
            members += page.get("members") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                break
        bot_user_id = client.auth_test()["user_id"]
    except (SlackClientError, OSError) as refused:
        reason = refused.response.get("error") if isinstance(refused, SlackApiError) else refused
        needed = refused.response.get("needed") if isinstance(refused, SlackApiError) else None
        log.warning(
            "Could not check who can read the coordinators' channel %s (%s%s); the digest "
            "goes out without the check",
            channel,
            reason,
            f", needs the {needed} scope" if needed else "",
        )
        return None
    return judge_audience(
        channel,
        is_private=bool(info.get("is_private")),
        members=members,
        coordinators=coordinators,
        bot_user_id=str(bot_user_id),
    )


def warn_if_readable_by_others(
    client: WebClient, channel: str | None, coordinators: Collection[str]
) -> ChannelAudience | None:
    """At start-up: log a warning when the channel is public or has other members."""
    if not channel:
        return None
    audience = read_audience(client, channel, coordinators)
    problem = audience.problem() if audience else None
    if problem:
        log.warning(problem)
    return audience


def post_card(
    client: WebClient,
    channel: str | None,
    coordinators: Collection[str],
    build: Callable[[str | None], dict[str, Any]],
) -> None:
    """Post a card only coordinators should read: to their channel, with a warning on it when
    others can read the channel too (`build` gets the warning); without a channel, to each
    coordinator's DM."""
    if not channel:
        for coordinator in sorted(coordinators):
            client.chat_postMessage(channel=coordinator, **build(None))
        return
    audience = read_audience(client, channel, coordinators)
    client.chat_postMessage(channel=channel, **build(audience.problem() if audience else None))
