#!/usr/bin/env bash
# Quick start 1: set up, then play the whole program offline on the Slack simulator.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec "$root/.venv/bin/mentor-bot" demo "$@"
