"""What the benchmarks share: signed slash commands, percentiles, the machine line, and the
baseline every ratio is taken against: a bare Bolt app whose `/mentor` listener only acks.

Why a baseline: absolute milliseconds describe the machine, not the bot. A bare
`slack_bolt.App` behind the bot's own waitress server factory, measured in the same run, gives
"what Bolt + waitress + HTTP on loopback cost here", so a row's ratio to it is what our code adds.
"""

from __future__ import annotations

import os
import platform
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.sandbox import SIGNING_SECRET
from bot.server import EVENTS_PATH, make_server
from bot.simulator import FakeSlack, SlackDriver
from bot.simulator.driver import FORM, VERIFICATION_TOKEN, Reply
from store.db import make_engine

ASKER = "U0ASKER"


def machine_line() -> str:
    return (
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


def p50_p99(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


def command_body(fake: FakeSlack, text: str, user_id: str = ASKER) -> str:
    """A `/mentor` slash command form, as Slack (and the simulator's driver) sends it."""
    channel = fake.dm_channel(user_id)
    return urlencode({
        "token": VERIFICATION_TOKEN, "team_id": fake.team_id, "team_domain": "sim",
        "channel_id": channel, "channel_name": "directmessage", "user_id": user_id,
        "user_name": "asker", "command": "/mentor", "text": text, "api_app_id": fake.app_id,
        "is_enterprise_install": "false",
        "response_url": fake.new_response_url(user_id, channel),
        "trigger_id": fake.new_trigger_id(user_id),
    })  # fmt: skip


def check(reply: Reply, what: str) -> None:
    if reply.status != 200:
        raise SystemExit(f"{what}: HTTP {reply.status} {reply.body[:200]}")


def measure(
    driver: SlackDriver, text: str, count: int, warmup: int, settle: Callable[[], None] | None
) -> tuple[list[float], list[float]]:
    """Ack times and (with `settle`) complete-handling times in ms, after `warmup` requests."""
    acks: list[float] = []
    completes: list[float] = []
    for n in range(warmup + count):
        body = command_body(driver.fake, text)
        start = time.perf_counter()
        reply = driver.post(body, FORM)
        acked = time.perf_counter()
        if settle is not None:
            settle()
        done = time.perf_counter()
        check(reply, f"/mentor {text}")
        if n >= warmup:
            acks.append((acked - start) * 1000)
            completes.append((done - start) * 1000)
    return acks, completes


@contextmanager
def serving(app: App, database_url: str) -> Iterator[str]:
    """`app` behind the bot's own waitress server on loopback; yields the events URL."""
    engine = make_engine(database_url)  # only /healthz uses it
    server = make_server(app, engine, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}"  # type: ignore[union-attr]
    finally:
        server.close()
        thread.join(timeout=5)
        engine.dispose()


def run_baseline(workdir: Path, count: int, warmup: int) -> list[float]:
    """Ack times in ms of a bare Bolt app whose `/mentor` listener only calls `ack()`."""
    fake = FakeSlack()
    fake.add_user(ASKER, "Asker Person", "Europe/Paris")
    fake.start()
    try:
        app = App(signing_secret=SIGNING_SECRET, token_verification_enabled=False,
                  client=WebClient(token=fake.bot_token, base_url=fake.base_url))  # fmt: skip

        @app.command("/mentor")
        def only_ack(ack: Ack) -> None:
            ack()

        with serving(app, f"sqlite:///{workdir / 'baseline.db'}") as url:
            acks, _ = measure(SlackDriver(fake, url, SIGNING_SECRET), "help", count, warmup, None)
        return acks
    finally:
        fake.stop()


def worker_memory_mb(arbiter: int) -> list[float]:
    """Peak resident memory (VmHWM) of each worker of the arbiter, from /proc (Linux)."""
    sizes = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(arbiter) and "VmHWM" in fields:
            sizes.append(int(fields["VmHWM"].split()[0]) / 1024)
    return sizes
