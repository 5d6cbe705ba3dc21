#!/usr/bin/env bash
# check-tidy.sh MODULE...: fails when a module's go.mod or go.sum is not what `go mod tidy` would
# write. `go mod tidy` reads more than a build fetches (see `make download`); when that is not in
# the module cache and the network is off, this says so instead of calling the module untidy.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
status=0
for module in "$@"; do
	if difference=$(cd "$module" && GOWORK=off "$GO" mod tidy -diff 2>"$errors"); then
		continue
	fi
	status=1
	if [ -n "$difference" ]; then
		printf '%s\n' "$difference"
		echo "check-tidy: module $module is not tidy: run make tidy" >&2
	else
		head -n 4 "$errors" >&2
		echo "check-tidy: could not check module $module: go mod tidy failed (above); when it could not look a module up," \
			"the module cache lacks what tidy reads and the network is off: run make download once with the network on" >&2
	fi
done
exit "$status"
