#!/usr/bin/env bash
# Refresh the vendored Helsinki Design System core CSS (static/vendor/hds/) from the npm
# package at the pinned version: the base tokens and the components, with the licence. Not
# the fonts (lib/fonts loads Helsinki's brand font from Helsinki's server). Fails when the
# CSS would load anything from elsewhere: the Content-Security-Policy allows 'self' only.
set -euo pipefail

VERSION="${HDS_VERSION:-4.10.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/vendor/hds"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "hds-core@$VERSION" >/dev/null && tar xzf "hds-core-$VERSION.tgz")
mkdir -p "$DEST"
# Source maps are left out, so the references to them go too.
for pair in "lib/base.min.css:base.min.css" "lib/components/all.min.css:components.min.css"; do
  sed -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$WORK/package/${pair%%:*}" >"$DEST/${pair##*:}"
done
cp "$WORK/package/LICENSE" "$DEST/LICENSE"
printf 'hds-core %s (https://www.npmjs.com/package/hds-core, MIT): lib/base.min.css and lib/components/all.min.css, refreshed by scripts/vendor-hds.sh.\n' \
  "$VERSION" >"$DEST/README.md"

if grep -Eo '@import|url\(["'"'"']?[^"'"'"'d][^)]*' "$DEST"/*.css | grep -v 'url(["'"'"']\?data:'; then
  echo "vendor-hds: the CSS above loads something from outside: refusing" >&2
  exit 1
fi
echo "static/vendor/hds/: hds-core $VERSION"
