"""Capacity: open-loop load at rising fixed rates against bare Bolt and `mentor-bot serve`.

Why open loop: a closed loop (N clients, each waiting for its answer) slows down with the server
and hides the queue; Slack does not wait, it sends each request when the person types. So a
separate generator process sends pre-signed `/mentor` commands at fixed times (rate R for D
seconds) and each latency is measured from the moment the request was *due*, not sent, so a
generator that falls behind cannot hide a slow server either.

Targets: bare Bolt whose `/mentor` listener only acks (the bot's waitress server, in this
process), and `mentor-bot serve --workers 2 --no-scheduler` (a real subprocess, gunicorn) on a
copy of the 10,000-mentor data set (benchmarks/dataset.py). The asker is a different mentee
each time. Per rate it prints: ack p50/p99 (due -> HTTP answer), follow-up p50/p99 (due -> the
search result reaching `response_url`, a receiver in this process), shed (answered "too late",
bot/edge/late.py), errors, and the backlog drain time (end of sending -> last answer or
follow-up). The sustained capacity is the highest rate whose ack p99 < 1 s, backlog drains within
5 s and nothing fails. Then `/mentor help`'s ack p99 at 5 req/s alone and under the find load at
the sustained capacity (issue 18, item 2: at most 2x).

    python -m benchmarks.capacity            # ~4 minutes
    python -m benchmarks.capacity --quick    # shorter steps, fewer rates
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from slack_bolt import Ack, App
from slack_sdk import WebClient

from benchmarks.common import machine_line, serving, worker_memory_mb
from benchmarks.dataset import Spec, cached_sqlite, mentee_slack_id
from bot.edge.late import TOO_LATE
from bot.sandbox import SIGNING_SECRET
from bot.simulator import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
BOT_RATES = (10, 20, 30, 40, 60, 80, 150)
BARE_RATES = (50, 100, 200, 400)
HELP_RATE = 5
ACK_LIMIT_S, DRAIN_LIMIT_S = 1.0, 5.0
GIVE_UP_S = 30.0  # after the last send, a follow-up not seen by then is lost
SENDER_THREADS = 256  # open loop: enough in flight that the generator never waits on the server


@dataclass(frozen=True)
class Planned:
    """One request, signed for the second it is due (as Slack signs when it sends)."""

    key: str
    due: float
    body: str
    stamp: int
    signature: str


@dataclass
class Step:
    rate: int
    acks: list[float] = field(default_factory=list)
    followups: list[float] = field(default_factory=list)
    shed: int = 0
    errors: int = 0
    drain: float = 0.0
    help_acks: list[float] = field(default_factory=list)

    @property
    def sustained(self) -> bool:
        return (
            self.errors == 0
            and bool(self.acks)
            and pct(self.acks, 99) < ACK_LIMIT_S * 1000
            and self.drain <= DRAIN_LIMIT_S
        )


def pct(samples: list[float], p: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def plan(
    text: str, rate: int, seconds: float, start: float, receiver: str, prefix: str, user: int
) -> list[Planned]:
    planned = []
    for n in range(int(rate * seconds)):
        due = start + n / rate
        key = f"{prefix}{n}"
        body = urlencode({
            "token": "sim", "team_id": "T0SIM", "team_domain": "sim", "channel_id": "D0BENCH",
            "channel_name": "directmessage", "user_id": mentee_slack_id(user + n),
            "user_name": "asker", "command": "/mentor", "text": text, "api_app_id": "A0SIM",
            "is_enterprise_install": "false", "response_url": f"{receiver}/r/{key}",
            "trigger_id": f"1.2.{key}",
        })  # fmt: skip
        stamp = int(due)
        base = f"v0:{stamp}:{body}".encode()
        signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
        planned.append(Planned(key, due, body, stamp, signature))
    return planned


def generate(url: str, inbox: Any, results: Any) -> None:
    """The generator process: once its imports are done it says so, takes the plan and sends
    each request when due, on its own connection."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port
    results.put("ready")
    planned: list[Planned] = inbox.get()

    def send(item: Planned) -> tuple[str, float, int]:
        try:
            connection = http.client.HTTPConnection(host, port, timeout=60)
            connection.request("POST", parts.path, item.body.encode(), {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(item.stamp),
                "X-Slack-Signature": item.signature,
            })  # fmt: skip
            answer = connection.getresponse()
            answer.read()
            connection.close()
            return item.key, time.time(), answer.status
        except OSError:
            return item.key, time.time(), 0

    with ThreadPoolExecutor(SENDER_THREADS) as pool:
        futures = []
        for item in sorted(planned, key=lambda p: p.due):
            wait = item.due - time.time()
            if wait > 0:
                time.sleep(wait)
            futures.append(pool.submit(send, item))
        results.put([future.result() for future in futures])


class Receiver:
    """Slack's response_url, here: when each follow-up arrived, and whether it said "too late"."""

    def __init__(self) -> None:
        self.arrived: dict[str, tuple[float, bool]] = {}
        seen = self.arrived

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(length).decode()
                key = self.path.rsplit("/", 1)[-1]
                seen.setdefault(key, (time.time(), json.loads(payload).get("text") == TOO_LATE))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def run_step(
    url: str,
    receiver: Receiver,
    rate: int,
    seconds: float,
    *,
    followups: bool,
    help_rate: int = 0,
    user: int = 0,
) -> Step:
    spawn = multiprocessing.get_context("spawn")
    inbox, results = spawn.Queue(), spawn.Queue()
    sender = spawn.Process(target=generate, args=(url, inbox, results))
    sender.start()
    assert results.get(timeout=120) == "ready"
    start = time.time() + 0.5
    prefix = f"s{rate}x{int(start * 1000)}-"
    planned = plan("find python", rate, seconds, start, receiver.url, prefix, user)
    helps = plan("help", help_rate, seconds, start, receiver.url, prefix + "h", user + 20_000)
    by_key = {p.key: p for p in planned + helps}
    inbox.put(planned + helps)
    answers: list[tuple[str, float, int]] = results.get(timeout=seconds + 120)
    sender.join()
    end = start + seconds
    step = Step(rate)
    last = max((at for _, at, _ in answers), default=end)
    for key, at, status in answers:
        if status != 200:
            step.errors += 1
        elif key.startswith(prefix + "h"):
            step.help_acks.append((at - by_key[key].due) * 1000)
        else:
            step.acks.append((at - by_key[key].due) * 1000)
    if followups:
        deadline = time.time() + GIVE_UP_S
        wanted = {p.key for p in planned}
        while time.time() < deadline and not wanted <= receiver.arrived.keys():
            time.sleep(0.05)
        for key in wanted:
            if key not in receiver.arrived:
                step.errors += 1
                continue
            at, shed = receiver.arrived[key]
            last = max(last, at)
            if shed:
                step.shed += 1
            else:
                step.followups.append((at - by_key[key].due) * 1000)
    step.drain = max(0.0, last - end)
    return step


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def bare_bolt(workdir: Path) -> Iterator[str]:
    """A `slack_bolt.App` whose `/mentor` listener only acks, behind the bot's waitress server
    factory (benchmarks/common.py), in this process: the generator is another one."""
    fake = FakeSlack().start()  # Bolt asks auth.test once, on the first request
    app = App(signing_secret=SIGNING_SECRET, token_verification_enabled=False,
              client=WebClient(token=fake.bot_token, base_url=fake.base_url))  # fmt: skip

    @app.command("/mentor")
    def only_ack(ack: Ack) -> None:
        ack()

    try:
        with serving(app, f"sqlite:///{workdir / 'bare.db'}") as url:
            yield url
    finally:
        fake.stop()


@contextmanager
def mentor_bot(workdir: Path, workers: int, scale: float) -> Iterator[tuple[str, int]]:
    """`mentor-bot serve --workers N --no-scheduler` on a copy of the data set."""
    database = workdir / "capacity.db"
    shutil.copyfile(cached_sqlite(Spec(scale)), database)
    fake = FakeSlack().start()
    port = free_port()
    env = {
        **os.environ, "SLACK_BOT_TOKEN": fake.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url, "SLACK_APP_TOKEN": "", "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": "1",
    }  # fmt: skip
    log = (workdir / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--no-scheduler",
         "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    root = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(root + "/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit((workdir / "serve.log").read_text()) from None
                time.sleep(0.1)
        yield root + "/slack/events", process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()
        fake.stop()


def row(name: str, step: Step) -> str:
    def ms(samples: list[float], p: int) -> str:
        return f"{pct(samples, p):,.0f}" if samples else "-"

    return (
        f"| {name} | {step.rate} | {ms(step.acks, 50)} | {ms(step.acks, 99)} | "
        f"{ms(step.followups, 50)} | {ms(step.followups, 99)} | {step.shed} | {step.errors} | "
        f"{step.drain:.1f} | {'yes' if step.sustained else 'no'} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 s steps, fewer rates")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each step")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0, help="data set scale (1 = 10,000)")
    args = parser.parse_args(argv)
    seconds = 5.0 if args.quick else args.seconds
    bot_rates = BOT_RATES[:4] if args.quick else BOT_RATES
    bare_rates = BARE_RATES[:2] if args.quick else BARE_RATES
    receiver = Receiver()
    print(machine_line())
    print(
        "| target | req/s | ack p50 ms | ack p99 ms | follow-up p50 ms | follow-up p99 ms "
        "| shed | errors | drain s | sustained |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="mentor-bot-capacity-") as folder:
        workdir = Path(folder)
        bare: list[Step] = []
        with bare_bolt(workdir) as url:
            for rate in bare_rates:
                bare.append(run_step(url, receiver, rate, seconds, followups=False))
                print(row("bare Bolt, ack only", bare[-1]), flush=True)
        bot: list[Step] = []
        with mentor_bot(workdir, args.workers, args.scale) as (url, arbiter):
            name = f"`/mentor find python`, serve --workers {args.workers}"
            user = 0
            for rate in bot_rates:
                bot.append(run_step(url, receiver, rate, seconds, followups=True, user=user))
                user += int(rate * seconds)
                print(row(name, bot[-1]), flush=True)
                if not bot[-1].sustained and bot[-1].drain > 3 * DRAIN_LIMIT_S:
                    break  # far past capacity: the next rate only queues longer
            capacity = max((s.rate for s in bot if s.sustained), default=0)
            idle = run_step(url, receiver, 0, seconds, followups=False, help_rate=HELP_RATE)
            loaded = run_step(
                url, receiver, capacity or bot_rates[0], seconds, followups=True,
                help_rate=HELP_RATE, user=user,
            )  # fmt: skip
            memory = worker_memory_mb(arbiter)
    bare_capacity = max((s.rate for s in bare if s.sustained), default=0)
    idle_p99, loaded_p99 = pct(idle.help_acks, 99), pct(loaded.help_acks, 99)
    print()
    print(f"sustained capacity: bare Bolt >= {bare_capacity} req/s (highest rate tried); "
          f"/mentor find python {capacity} req/s "
          f"({capacity / args.workers:.0f} req/s per worker process)")  # fmt: skip
    print(f"/mentor help ack p99 at {HELP_RATE} req/s: idle {idle_p99:.0f} ms; "
          f"under find at {loaded.rate} req/s {loaded_p99:.0f} ms "
          f"({loaded_p99 / idle_p99:.1f}x idle, target <= 2x)")  # fmt: skip
    bare_p99 = pct(bare[0].acks, 99)
    print(f"ratios to bare Bolt ack p99 at {bare[0].rate} req/s ({bare_p99:.0f} ms): help idle "
          f"{idle_p99 / bare_p99:.1f}x, help under load {loaded_p99 / bare_p99:.1f}x")  # fmt: skip
    print("peak memory per worker (VmHWM): " + ", ".join(f"{mb:.0f} MB" for mb in memory))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
