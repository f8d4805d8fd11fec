#!/bin/sh
# Rebuild dashboard/assets/plotly-dashboard-<version>.min.js from the pinned npm packages
# (package-lock.json). Needs node and npm (the npm registry); CI does not: the bundle is committed.
set -eu
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund
node build.mjs
