#!/usr/bin/env bash
# `make fuzz`: runs every Fuzz* target of every package for a short time
# (default 10s each; `make fuzz FUZZTIME=1m` for longer).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime=${1:-10s}
n=0
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
		n=$((n + 1))
	done
done
echo "fuzz: $n targets ran without a failure"
