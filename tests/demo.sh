#!/usr/bin/env bash
# make demo: kdx's main job on the built-in KALDRIX runbooks.
set -euo pipefail
cd "$(dirname "$0")/.."
./kdx validate plans/failover.kdx
mkdir -p build
./kdx graph plans/failover.kdx >build/failover.dot
dot -Tsvg build/failover.dot >build/failover.svg
echo "graph: build/failover.dot, build/failover.svg"
