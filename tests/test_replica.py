"""`mentor-bot serve --workers N` as production runs it: a real subprocess under gunicorn, real
signed HTTP, the offline Slack (issue 18, item 1). Every core answers, one timer runs, SIGTERM
stops everything cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from benchmarks.common import command_body
from bot.sandbox import SIGNING_SECRET
from bot.simulator import FakeSlack, SlackDriver
from bot.simulator.driver import FORM
from bot.simulator.render import render_blocks
from tests.conftest import BEN, make_fake_slack

ROOT = Path(__file__).resolve().parent.parent
STARTUP = 60.0  # seconds the replica may take to migrate and fork (a busy CI machine)
SCHEDULER = re.compile(r"Due-work scheduler running in process (\d+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Replica:
    def __init__(self, process: subprocess.Popen[str], root: str, log: Path) -> None:
        self.process, self.root, self.log = process, root, log

    def health(self) -> dict:
        with urllib.request.urlopen(self.root + "/healthz", timeout=5) as answer:
            return dict(json.load(answer))

    def wait_for(self, line: re.Pattern[str]) -> None:
        deadline = time.monotonic() + STARTUP
        while not line.search(self.log.read_text()):
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.1)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


@contextmanager
def replica(tmp_path: Path, fake: FakeSlack, *options: str) -> Iterator[Replica]:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url,
        "SLACK_APP_TOKEN": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'replica.db'}",
        "PORT": str(port),
        "LOG_LEVEL": "INFO",
        "WEB_CONCURRENCY": "",
    }
    log = tmp_path / "replica.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", *options],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    running = Replica(process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            assert process.poll() is None, log.read_text()
            try:
                running.health()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_two_workers_answer_one_scheduler_runs_and_sigterm_stops_all(tmp_path: Path) -> None:
    """`serve --workers 2`: signed /mentor help is answered; /healthz is answered by two
    different worker processes, neither the arbiter; exactly one due-work scheduler starts,
    in a process of its own; SIGTERM stops the replica with status 0, scheduler included."""
    fake = make_fake_slack().start()
    try:
        with replica(tmp_path, fake, "--workers", "2") as running:
            driver = SlackDriver(fake, running.root + "/slack/events", SIGNING_SECRET)
            for _ in range(4):
                reply = driver.user(BEN).command("help")
                assert reply.status == 200
                assert "/mentor find" in render_blocks(reply.json["blocks"], "UTC")
            pids = {running.health()["pid"] for _ in range(200)}
            assert len(pids) == 2 and running.process.pid not in pids
            running.wait_for(SCHEDULER)
            status = running.stop()
        log = running.log.read_text()
    finally:
        fake.stop()
    assert status == 0, log
    scheduler = [int(pid) for pid in SCHEDULER.findall(log)]
    assert len(scheduler) == 1, log
    assert scheduler[0] not in pids | {running.process.pid}
    assert "Due-work scheduler stopped" in log
    assert not alive(scheduler[0])


def test_no_scheduler_runs_none(tmp_path: Path) -> None:
    """`serve --workers 1 --no-scheduler`: it serves, and no due-work timer starts."""
    fake = make_fake_slack().start()
    try:
        with replica(tmp_path, fake, "--workers", "1", "--no-scheduler") as running:
            assert running.health()["status"] == "ok"
            status = running.stop()
        log = running.log.read_text()
    finally:
        fake.stop()
    assert status == 0, log
    assert SCHEDULER.findall(log) == [] and "No due-work scheduler" in log


class HeldResponseUrl:
    """A response_url that holds the first answer posted to it until released."""

    def __init__(self) -> None:
        self.arrived, self.release = threading.Event(), threading.Event()
        self.bodies: list[dict] = []
        held = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                held.arrived.set()
                held.release.wait(STARTUP)
                held.bodies.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/response/1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_sigterm_drains_work_already_acknowledged(tmp_path: Path) -> None:
    """Ben's /mentor find is acknowledged and its answer is on its way to response_url when the
    replica gets SIGTERM: it waits for that answer to be delivered, then exits with status 0."""
    fake = make_fake_slack().start()
    held = HeldResponseUrl()
    try:
        with replica(tmp_path, fake, "--workers", "1", "--no-scheduler") as running:
            driver = SlackDriver(fake, running.root + "/slack/events", SIGNING_SECRET)
            body = command_body(fake, "find python", BEN)
            body = re.sub(r"response_url=[^&]+", "response_url=" + quote(held.url, safe=""), body)
            assert driver.post(body, FORM).status == 200
            assert held.arrived.wait(STARTUP)
            running.process.send_signal(signal.SIGTERM)
            time.sleep(1.5)
            still_running = running.process.poll() is None
            held.release.set()
            status = running.process.wait(timeout=60)
        log = running.log.read_text()
    finally:
        held.release.set()
        held.server.shutdown()
        fake.stop()
    assert still_running, log
    assert status == 0, log
    assert len(held.bodies) == 1 and "python" in json.dumps(held.bodies[0]).lower()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
