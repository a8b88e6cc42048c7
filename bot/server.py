"""HTTP mode: Slack's events endpoint and a health check, served by waitress (multi-threaded)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from store.db import database_is_healthy

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SERVER_THREADS = 8

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_wsgi_app(app: App, engine: Engine) -> WSGIApp:
    """`POST /slack/events` goes to Bolt; `GET /healthz` answers 200 only if the database does."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

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
