#!/usr/bin/env bash
# Fails on tracked files that do not belong in the tree: anything over 1 MB, and any executable
# that is not a text script starting with a shebang (a built binary committed by mistake).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((1024 * 1024))
status=0
while IFS= read -r -d '' path; do
	[ -f "$path" ] || continue
	size=$(stat -c %s "$path")
	if [ "$size" -gt "$limit" ]; then
		echo "check-tree: $path is $size bytes; tracked files stay under 1 MB" >&2
		status=1
	fi
	if [ -x "$path" ] && [ "$(head -c 2 "$path")" != "#!" ]; then
		echo "check-tree: $path is executable but not a script with a shebang; remove it or its x bit" >&2
		status=1
	fi
done < <(git ls-files -z)
exit "$status"
