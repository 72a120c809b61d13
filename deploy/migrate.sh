#!/usr/bin/env sh
# Run on deploy, before (re)starting the replicas: brings the schema to the newest
# migration. Safe if two hosts run it at once (PostgreSQL advisory lock).
set -eu
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ] && [ -f /etc/dashboard.env ]; then . /etc/dashboard.env; fi
export DATABASE_URL
.venv/bin/python -m data_layer.migrate
