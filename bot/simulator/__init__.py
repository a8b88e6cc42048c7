"""An offline Slack for tests and the demo: fake Web API, signed-request driver, Block Kit
checks, and a renderer of what each person saw."""

from bot.simulator.driver import Reply, SimActor, SlackDriver
from bot.simulator.executor import TrackingExecutor
from bot.simulator.fake_slack import ApiCall, FakeSlack, Seen, SimUser
from bot.simulator.render import describe, render_blocks, render_mrkdwn, render_view

__all__ = [
    "ApiCall",
    "FakeSlack",
    "Reply",
    "Seen",
    "SimActor",
    "SimUser",
    "SlackDriver",
    "TrackingExecutor",
    "describe",
    "render_blocks",
    "render_mrkdwn",
    "render_view",
]
