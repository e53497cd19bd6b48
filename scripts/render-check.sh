#!/usr/bin/env bash
# Renders every HTML page under the given report folders with headless Chromium and checks that
# the page is complete: it parses to the end, every inline figure survives rendering, every
# relative link or image reference points at an existing file, and the 800-px-wide screenshot is
# not blank. Checks every SVG file for a title, labelled axes and a legend (or colour bar), and a
# width that reads at 800 px. Installs chromium when missing (scripts/ensure-deps.sh --browser).
#   scripts/render-check.sh orbit-report [more folders…]     screenshots go to <folder>/.render/
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -ge 1 ]] || { echo "usage: $0 REPORT_DIR [REPORT_DIR…]" >&2; exit 2; }
"$here/ensure-deps.sh" --browser
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[[ -n "$browser" ]] || { echo "error: no chromium found after installing it" >&2; exit 1; }
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-dev-shm-usage
  --user-data-dir="$(mktemp -d)")
failures=0 pages=0 figures=0
fail() { echo "FAIL $1" >&2; failures=$((failures + 1)); }

for root in "$@"; do
  [[ -d "$root" ]] || { fail "$root: not a folder"; continue; }
  mkdir -p "$root/.render"
  while IFS= read -r -d '' page; do
    pages=$((pages + 1))
    abs="$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
    dom="$(timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$abs" 2>/dev/null || true)"
    grep -q "</html>" <<<"$dom" || { fail "$page: Chromium did not render the page to the end"; continue; }
    want=$({ grep -o "<svg" "$page" || true; } | wc -l)
    got=$({ grep -o "<svg" <<<"$dom" || true; } | wc -l)
    [[ "$want" == "$got" ]] || fail "$page: $want inline figures in the file, $got after rendering"
    figures=$((figures + got))
    while IFS= read -r ref; do
      case "$ref" in http:* | https:* | mailto:* | \#* | data:*) continue ;; esac
      [[ -e "$(dirname "$page")/${ref%%#*}" ]] || fail "$page: broken reference $ref"
    done < <({ grep -oE '(href|src)="[^"]*"' "$page" || true; } | sed -E 's/^(href|src)="(.*)"$/\2/')
    png="$root/.render/$(echo "${page#"$root"/}" | tr '/' '_').png"
    timeout 120 "$browser" "${flags[@]}" --window-size=800,2400 --screenshot="$png" "file://$abs" >/dev/null 2>&1 || true
    size=$(stat -c %s "$png" 2>/dev/null || echo 0)
    [[ "$size" -gt 8000 ]] || fail "$page: screenshot missing or blank ($size bytes)"
  done < <(find "$root" -name '*.html' -not -path '*/.render/*' -print0)
  while IFS= read -r -d '' svg; do
    grep -q "<title>" "$svg" || fail "$svg: no title"
    grep -q 'class="x-label"' "$svg" || fail "$svg: no x-axis label"
    grep -q 'class="y-label"' "$svg" || fail "$svg: no y-axis label"
    grep -qE 'class="(legend|colour-bar)"' "$svg" || fail "$svg: no legend or colour bar"
    width=$(grep -oE '^<svg[^>]* width="[0-9.]+"' "$svg" | grep -oE 'width="[0-9.]+"' | head -1 | grep -oE '[0-9.]+' || echo 0)
    awk -v w="$width" 'BEGIN { exit !(w > 0 && w <= 800) }' || fail "$svg: width $width px (must be at most 800)"
    figures=$((figures + 1))
  done < <(find "$root" -name '*.svg' -not -path '*/.render/*' -print0)
done
echo "render check: $pages pages, $figures figures, $failures problems"
[[ $failures -eq 0 ]]
