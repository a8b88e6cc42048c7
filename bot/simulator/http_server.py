"""The fake Slack's HTTP face: Web API methods, response URLs and file uploads on loopback.

Only translation happens here (paths, bodies, headers); every decision is FakeSlack's, so the
same rules apply whichever way slack_sdk chooses to encode a call.
"""

from __future__ import annotations

import contextlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from bot.simulator.fake_slack import FakeSlack

# Parameters slack_sdk sends as JSON strings inside form bodies or query strings.
JSON_PARAMS = ("blocks", "attachments", "view", "files", "metadata")

Answer = tuple[int, dict[str, str], bytes]


def json_answer(status: int, body: dict, headers: dict[str, str] | None = None) -> Answer:
    """An HTTP answer with a JSON body, as Slack sends."""
    return (
        status,
        {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        (json.dumps(body).encode()),
    )


def decode_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Merge query-string and body parameters, whether the body is a form or JSON."""
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if body:
        if "json" in content_type:
            loaded = json.loads(body.decode("utf-8"))
            if isinstance(loaded, dict):
                params.update(loaded)
        else:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            params.update({k: v[-1] for k, v in form.items()})
    for key in JSON_PARAMS:
        if isinstance(params.get(key), str):
            with contextlib.suppress(ValueError):  # a bad one stays a string for validation
                params[key] = json.loads(params[key])
    return params


class FakeSlackServer(ThreadingHTTPServer):
    """A threading HTTP server that knows the FakeSlack it serves."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver's backlog of 5 resets connections when several app processes post at once
    # (benchmarks/load.py); Slack itself never does that.
    request_queue_size = 128

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer (a killed app process) is no error of ours."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: FakeSlackServer
    protocol_version = "HTTP/1.1"
    routes: ClassVar[tuple[str, ...]] = ("/api/", "/response/", "/upload/")

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and the demo print only what people see."""

    def do_GET(self) -> None:
        self._dispatch(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    def _dispatch(self, body: bytes) -> None:
        url = urlsplit(self.path)
        fake = self.server.fake
        content_type = self.headers.get("Content-Type") or ""
        answer: Answer
        try:
            if url.path.startswith("/api/"):
                params = decode_params(url.query, body, content_type)
                auth = self.headers.get("Authorization") or ""
                token = auth.removeprefix("Bearer ").strip() if auth else params.get("token")
                answer = fake.handle_api(url.path.removeprefix("/api/"), params, token)
            elif url.path.startswith("/response/") and self.command == "POST":
                answer = fake.handle_response_url(url.path.removeprefix("/response/"), body)
            elif url.path.startswith("/upload/") and self.command == "POST":
                answer = fake.handle_upload(url.path.removeprefix("/upload/"), body)
            else:
                answer = json_answer(404, {"ok": False, "error": "not_found"})
        except ValueError:
            answer = json_answer(400, {"ok": False, "error": "invalid_json"})
        except Exception as error:  # the simulator's own bug: say so instead of hanging up
            fake.report(f"the simulator failed on {self.command} {url.path}: {error!r}")
            answer = json_answer(500, {"ok": False, "error": "simulator_error"})
        status, headers, payload = answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
