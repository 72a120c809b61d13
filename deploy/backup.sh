#!/usr/bin/env sh
# Nightly backup. Evidence files live in the database (table evidence), so one
# dump holds everything. Keep 30 days. Usage: deploy/backup.sh /var/backups/dashboard
set -eu
dest="${1:-/var/backups/dashboard}"
mkdir -p "$dest"
if [ -z "${DATABASE_URL:-}" ] && [ -f /etc/dashboard.env ]; then . /etc/dashboard.env; fi
url="${DATABASE_URL:?set DATABASE_URL}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
case "$url" in
  sqlite:*)
    path="${url#sqlite:///}"
    python3 -c "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close()" "$path" "$dest/dashboard-$stamp.db"
    ;;
  *)
    pg_dump --format=custom --no-owner --dbname="$(echo "$url" | sed 's/+psycopg//')" --file="$dest/dashboard-$stamp.dump"
    ;;
esac
find "$dest" -name 'dashboard-*' -mtime +30 -delete
echo "backup written to $dest ($stamp)"
