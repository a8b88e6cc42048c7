"""The `mentor-bot` command line: serve, run-due, db upgrade, manifest, demo."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings, read_environment

log = logging.getLogger("mentor_bot")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ConfigError as exc:
        print(f"mentor-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentor-bot",
        description="Mentor Bot: a Slack app that runs the company's mentorship program.",
        epilog="Settings come from the environment and .env; see .env.example.",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the bot (HTTP on PORT, or Socket Mode when SLACK_APP_TOKEN is set)",
        description="Run the bot. Migrates the database first. HTTP mode serves POST "
        "/slack/events and GET /healthz on PORT; Socket Mode connects out to Slack instead.",
    )
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run due-work passes here (leave them to other replicas or to cron)",
    )
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    serve.add_argument(
        "--workers",
        type=_worker_count,
        metavar="N",
        help="HTTP mode: worker processes (default WEB_CONCURRENCY, else one per CPU); "
        "Socket Mode always runs one",
    )
    serve.set_defaults(run=_serve)

    run_due = commands.add_parser(
        "run-due",
        help="do everything due now (reminders, check-ins, expiries...) once, then exit",
        description="One pass of due work, then exit: for cron-style deployments. Safe to run "
        "alongside serving replicas; each item is sent once.",
    )
    run_due.set_defaults(run=_run_due)

    db = commands.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_commands = db.add_subparsers(title="db commands", required=True, metavar="DB_COMMAND")
    upgrade = db_commands.add_parser(
        "upgrade",
        help="apply the Alembic migrations up to the latest schema",
        description="Apply the Alembic migrations to DATABASE_URL, up to the latest schema.",
    )
    upgrade.set_defaults(run=_db_upgrade)
    revision = db_commands.add_parser(
        "revision",
        help="for developers: write a new migration from changes to store/models.py",
        description="Autogenerate a new Alembic revision in store/migrations/versions from the "
        "difference between store/models.py and the latest migration (uses a scratch SQLite "
        "database). Review the file before committing it.",
    )
    revision.add_argument("-m", "--message", required=True, help="what the migration changes")
    revision.set_defaults(run=_db_revision)

    manifest = commands.add_parser(
        "manifest",
        help="print app_manifest.yml ready to paste into Slack's app settings",
        description="Print the Slack app manifest, with request URLs on your host (HTTP mode) "
        "or set up for Socket Mode.",
    )
    mode = manifest.add_mutually_exclusive_group(required=True)
    mode.add_argument("--url", help="public https:// base URL where `serve` is reachable")
    mode.add_argument("--socket-mode", action="store_true", help="a manifest for Socket Mode")
    manifest.set_defaults(run=_manifest)

    demo = commands.add_parser(
        "demo",
        help="play the whole program offline against the Slack simulator and print it",
        description="Start the real HTTP app on a temporary SQLite database against the offline "
        "Slack simulator, play a short story and print what each person saw. Needs no Slack "
        "account and no settings.",
    )
    demo.add_argument(
        "--files",
        default="demo-output",
        help="folder for the images people are sent, such as the digest's charts "
        "(default: ./demo-output)",
    )
    demo.set_defaults(run=_demo)
    return parser


def _settings() -> Settings:
    settings = load_settings(read_environment())
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return settings


def _serve(args: argparse.Namespace) -> int:
    from bot.runtime import serve

    settings = _settings()
    settings.require_slack()
    return serve(settings, host=args.host, scheduler=not args.no_scheduler, workers=args.workers)


def _worker_count(value: str) -> int:
    from bot.config import MAX_WORKERS

    if not value.isdigit() or not 1 <= int(value) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"expected a whole number 1-{MAX_WORKERS}, got {value!r}")
    return int(value)


def _run_due(args: argparse.Namespace) -> int:
    from bot.runtime import run_due_once

    settings = _settings()
    settings.require_bot_token()
    return run_due_once(settings)


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.runtime import upgrade_database

    return upgrade_database(_settings())


def _db_revision(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from store.db import make_engine
    from store.migrate import new_revision

    with tempfile.TemporaryDirectory() as folder:
        new_revision(make_engine(f"sqlite:///{Path(folder) / 'scratch.db'}"), args.message)
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from bot import manifest

    document = manifest.load_manifest()
    if args.socket_mode:
        document = manifest.for_socket_mode(document)
    else:
        try:
            document = manifest.for_http(document, args.url)
        except ValueError as exc:
            print(f"mentor-bot: {exc}", file=sys.stderr)
            return 2
    print(manifest.dump(document), end="")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(sys.stdout, files=Path(args.files))


if __name__ == "__main__":
    raise SystemExit(main())
