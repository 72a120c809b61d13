#!/usr/bin/env sh
# Fetch the Vazirmatn web fonts (OFL) from the npm registry into static/fonts/.
# Not committed: the app falls back to system fonts when they are missing.
set -eu
VERSION=33.0.3
DEST="$(dirname "$0")/../static/fonts"
[ -f "$DEST/Vazirmatn-Regular.woff2" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
  echo "fetch_fonts: npm not found; the app will use a system font" >&2
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && npm pack --silent "vazirmatn@$VERSION" >/dev/null 2>&1); then
  echo "fetch_fonts: could not fetch vazirmatn@$VERSION; the app will use a system font" >&2
  exit 0
fi
tar -xzf "$tmp"/vazirmatn-*.tgz -C "$tmp"
mkdir -p "$DEST"
for w in Regular Medium Bold ExtraBold; do
  cp "$tmp/package/fonts/webfonts/Vazirmatn-$w.woff2" "$DEST/"
  cp "$tmp/package/fonts/ttf/Vazirmatn-$w.ttf" "$DEST/"
done
cp "$tmp/package/OFL.txt" "$DEST/OFL.txt"
echo "fetch_fonts: Vazirmatn $VERSION installed in static/fonts/"
