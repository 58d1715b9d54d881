#!/usr/bin/env bash
# The pages in each state, for the README: runs the browser tests that drive those states (headless Chromium,
# OC_CHROMIUM or /usr/bin/chromium) with their screenshots in a scratch folder, then copies the states the README
# shows into docs/screenshots/ (the people's page) and docs/ops-page.png (the operator page with its trends).
set -euo pipefail
cd "$(dirname "$0")/.."

SHOTS=$(mktemp -d)
trap 'rm -rf "$SHOTS"' EXIT

dotnet build -v q -nologo tests/Browser.Tests >/dev/null
OC_BROWSER_ARTIFACTS="$SHOTS" dotnet test tests/Browser.Tests --no-build -v q -nologo \
  --filter "FullyQualifiedName~PeoplePageTests|FullyQualifiedName~TwoSessionsPageTests|FullyQualifiedName~OpsPage_PlotsTheTrends"

mkdir -p docs/screenshots
# state in the tests -> name in docs/screenshots
for pair in saving:saving saved:saved done:done delayed-paused:delayed-paused someone-else-changed:someone-else-changed \
            conflict-dialog-two-tabs:conflict-dialog parked-after-reload:parked-after-reload; do
  cp "$SHOTS/${pair%%:*}.png" "docs/screenshots/${pair##*:}.png"
done
cp "$SHOTS/14-ops-trends.png" docs/ops-page.png
ls -1 docs/screenshots docs/ops-page.png
