#!/usr/bin/env bash
# Quick start 2: set up, then lint, type-check and run every test.
# PostgreSQL tests run when TEST_DATABASE_URL is set (postgresql+psycopg://...), else are skipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$root"
.venv/bin/ruff check bot handlers store tests
.venv/bin/ruff format --check bot handlers store tests
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
