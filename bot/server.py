"""HTTP mode: Slack's events endpoint and a health check, served by waitress (multi-threaded)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy import Engine
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from store.db import database_is_healthy

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SERVER_THREADS = 8

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

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


def make_wsgi_app(app: App, engine: Engine) -> WSGIApp:
    """`POST /slack/events` goes to Bolt; `GET /healthz` answers 200 only if the database does."""
    slack = SlackHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            healthy = database_is_healthy(engine)
            body = json.dumps({"status": "ok" if healthy else "database unavailable"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        return slack(environ, start_response)

    return wsgi


def make_server(
    app: App, engine: Engine, *, host: str, port: int
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server; `port=0` picks a free one (see `.effective_port`)."""
    return create_server(
        make_wsgi_app(app, engine), host=host, port=port, threads=SERVER_THREADS, ident="mentor-bot"
    )
