#!/usr/bin/env bash
# Builds GOV.UK Frontend (without GDS Transport font and without the crown/crest)
# into ../wwwroot so the app runs with plain `dotnet run` and no npm.
# The outputs are committed; re-run this only when changing app.scss, init.js,
# form-editor.js or the package versions.
#
# Writes:
#   wwwroot/lib/govuk/govuk-frontend.min.css   (compressed, no source map)
#   wwwroot/lib/govuk/govuk-frontend.min.js    (package's ES module build)
#   wwwroot/lib/govuk/assets/images/*          (only images the CSS references; currently none)
#   wwwroot/js/init.js                         (copied from ./init.js)
#   wwwroot/lib/codemirror/form-editor.js      (CodeMirror 6 and ./form-editor.js, bundled by esbuild)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

wwwroot="$here/../wwwroot"
out="$wwwroot/lib/govuk"
pkg="$here/node_modules/govuk-frontend/dist/govuk"

if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# --- CSS -------------------------------------------------------------------
./node_modules/.bin/sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  app.scss "$tmp/govuk-frontend.min.css"

css="$tmp/govuk-frontend.min.css"
if grep -q "GDS Transport" "$css"; then
  echo "build.sh: compiled CSS still mentions GDS Transport" >&2; exit 1
fi
if grep -q "@font-face" "$css"; then
  echo "build.sh: compiled CSS contains @font-face" >&2; exit 1
fi

# Every url() must be an image under /lib/govuk/assets/images/ that the package ships.
mkdir -p "$tmp/assets/images"
urls="$(grep -o 'url([^)]*)' "$css" | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' | sort -u || true)"
for u in $urls; do
  case "$u" in
    /lib/govuk/assets/images/*) ;;
    *) echo "build.sh: unexpected url() in CSS: $u" >&2; exit 1 ;;
  esac
  name="${u#/lib/govuk/assets/images/}"
  case "$name" in
    */*|*.woff|*.woff2|govuk-crest.svg)
      echo "build.sh: refusing to ship $u" >&2; exit 1 ;;
  esac
  if [[ ! -f "$pkg/assets/images/$name" ]]; then
    echo "build.sh: CSS references $u but the package has no such image" >&2; exit 1
  fi
  cp "$pkg/assets/images/$name" "$tmp/assets/images/$name"
done

# --- JS --------------------------------------------------------------------
# The map is not shipped, so drop the sourceMappingURL comment (avoids a 404 in dev tools).
sed -e 's|//# sourceMappingURL=govuk-frontend.min.js.map||' \
  "$pkg/govuk-frontend.min.js" > "$tmp/govuk-frontend.min.js"

# --- Install into wwwroot (lib/govuk is entirely generated) ----------------
rm -rf "$out"
mkdir -p "$out" "$wwwroot/js"
cp "$tmp/govuk-frontend.min.css" "$tmp/govuk-frontend.min.js" "$out/"
if [[ -n "$(ls -A "$tmp/assets/images")" ]]; then
  mkdir -p "$out/assets"
  cp -R "$tmp/assets/images" "$out/assets/"
fi
cp init.js "$wwwroot/js/init.js"

# --- Form editor: CodeMirror 6 bundled into one ES module -------------------
rm -rf "$wwwroot/lib/codemirror"
mkdir -p "$wwwroot/lib/codemirror"
./node_modules/.bin/esbuild form-editor.js --bundle --format=esm --minify --target=es2020 \
  --legal-comments=eof --outfile="$wwwroot/lib/codemirror/form-editor.js" --log-level=warning

echo "GOV.UK Frontend $(node -p 'require("govuk-frontend/package.json").version') built:"
(cd "$wwwroot" && find lib/govuk lib/codemirror js/init.js -type f -exec ls -l {} + | awk '{print "  " $5 "\t" $NF}')
