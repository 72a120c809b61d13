#!/usr/bin/env sh
# Fetch axe-core (MPL-2.0), the accessibility checker the browser tests run in Chromium,
# from the npm registry into .cache/axe/. Not committed.
set -eu
VERSION=4.10.3
DEST="$(dirname "$0")/../.cache/axe"
[ -f "$DEST/axe.min.js" ] && exit 0
command -v npm >/dev/null 2>&1 || { echo "fetch_axe: npm not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "axe-core@$VERSION" >/dev/null)
tar -xzf "$tmp"/axe-core-*.tgz -C "$tmp"
mkdir -p "$DEST"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$DEST/"
echo "fetch_axe: axe-core $VERSION installed in .cache/axe/"
