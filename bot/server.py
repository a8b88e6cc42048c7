"""HTTP mode: Slack's events endpoint, a health check and people's calendar feeds, served by
waitress (multi-threaded)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from bot.blocks.ics import build_feed
from bot.deps import Deps
from bot.edge.late import LateRequests
from bot.services.calendar_feed import feed_sessions
from store.db import database_is_healthy

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
CALENDAR_PREFIX, CALENDAR_SUFFIX = "/calendar/", ".ics"
SERVER_THREADS = 8

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# A feed's token to its .ics bytes, or None when no feed has that token.
FeedReader = Callable[[str], bytes | None]

log = logging.getLogger(__name__)


class SlackHandler(SlackRequestHandler):
    """Bolt's WSGI handler, answering 400 to a body Bolt cannot read instead of failing with 500.

    Bolt reads the payload's user and channel before it checks the signature, and raises on
    shapes Slack never sends (`"user": true`), so anyone could otherwise fill the logs with
    tracebacks.
    """

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            bolt_request = BoltRequest(
                body=request.get_body(), query=request.query_string, headers=request.get_headers()
            )
        except (TypeError, AttributeError, KeyError, ValueError) as unreadable:
            log.warning("Refused a request Bolt cannot read: %r", unreadable)
            return BoltResponse(status=400, body="")
        return self.app.dispatch(bolt_request)


def feed_reader(deps: Deps) -> FeedReader:
    """Read a calendar feed in its own short transaction, at the clock's now."""

    def read(token: str) -> bytes | None:
        now = deps.clock.now()
        found = deps.read(lambda session: feed_sessions(session, token=token, now=now))
        return None if found is None else build_feed(found)

    return read


def serve_feed(feed: FeedReader | None, environ: dict[str, Any]) -> tuple[str, bytes]:
    """`GET /calendar/<token>.ics`: the feed, or 404 with an empty body for any token that
    opens nothing (wrong, reset, deleted): the answer says nothing about why."""
    path = str(environ.get("PATH_INFO") or "")
    token = path.removeprefix(CALENDAR_PREFIX).removesuffix(CALENDAR_SUFFIX)
    method = environ.get("REQUEST_METHOD")
    if feed is None or method not in ("GET", "HEAD") or not path.endswith(CALENDAR_SUFFIX):
        return "404 Not Found", b""
    try:
        body = feed(token)
    except SQLAlchemyError:
        log.exception("Could not read a calendar feed")
        return "503 Service Unavailable", b""
    if body is None:
        return "404 Not Found", b""
    return "200 OK", body if method == "GET" else b""


def make_wsgi_app(
    app: App, engine: Engine, feed: FeedReader | None = None, late: LateRequests | None = None
) -> WSGIApp:
    """`POST /slack/events` goes to Bolt; `GET /healthz` answers 200 only if the database does;
    `GET /calendar/<token>.ics` is a person's calendar feed (when `feed` reads them).

    /healthz also says which process answered and how many requests it shed as too late
    (`late`, see bot/edge/late.py): each worker of `serve --workers N` counts its own."""
    slack = SlackHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO") or "").startswith(CALENDAR_PREFIX):
            status, body = serve_feed(feed, environ)
            kind = "text/calendar; charset=utf-8" if status.startswith("200") else "text/plain"
            start_response(status, [
                ("Content-Type", kind),
                ("Cache-Control", "private, no-store"),
                ("X-Robots-Tag", "noindex"),
                ("Content-Length", str(len(body))),
            ])  # fmt: skip
            return [body]
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            healthy = database_is_healthy(engine)
            details: dict[str, object] = {
                "status": "ok" if healthy else "database unavailable",
                "pid": os.getpid(),
            }
            if late is not None:
                details["shed"] = late.snapshot()
            body = json.dumps(details).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        return slack(environ, start_response)

    return wsgi


def make_server(
    app: App,
    engine: Engine,
    *,
    host: str,
    port: int,
    feed: FeedReader | None = None,
    poll_seconds: float = 1.0,
    late: LateRequests | None = None,
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server; `port=0` picks a free one (see `.effective_port`). `poll_seconds` is
    how long its loop waits for sockets between checks, so how long closing it takes: the
    sandbox, started and stopped for every flow test, asks for a short one."""
    return create_server(
        make_wsgi_app(app, engine, feed, late),
        host=host,
        port=port,
        threads=SERVER_THREADS,
        ident="mentor-bot",
        asyncore_loop_timeout=poll_seconds,
    )
