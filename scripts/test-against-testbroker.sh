#!/usr/bin/env bash
# Runs the integration suite and the osb command against testbroker started as a separate process, configured only
# through the OPEN_SERVICE_BROKER_* variables the broker prints: exactly what a user does with a
# live broker. Arguments are passed to `go test` (e.g. -race, -v, -run Lifecycle).
# The exit code is the tests'; the broker is stopped however the script ends.
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
READY_TIMEOUT_SECONDS=${READY_TIMEOUT_SECONDS:-30}

workdir=$(mktemp -d)
broker_pid=""

stop_broker() {
	if [ -n "$broker_pid" ]; then
		kill "$broker_pid" 2>/dev/null || true
		wait "$broker_pid" 2>/dev/null || true
	fi
	rm -rf "$workdir"
}
trap stop_broker EXIT

# show_broker_log prints the broker's output without its password.
show_broker_log() {
	grep -v '^OPEN_SERVICE_BROKER_PASSWORD=' "$workdir/broker.log" >&2 || true
}

"$GO" build -o "$workdir/testbroker" ./brokertest/cmd/testbroker
"$workdir/testbroker" -addr 127.0.0.1:0 -ready-file "$workdir/broker.env" >"$workdir/broker.log" 2>&1 &
broker_pid=$!

deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
until [ -f "$workdir/broker.env" ]; do
	if ! kill -0 "$broker_pid" 2>/dev/null; then
		echo "test-against-testbroker: testbroker exited before it was ready:" >&2
		show_broker_log
		exit 1
	fi
	if [ "$SECONDS" -ge "$deadline" ]; then
		echo "test-against-testbroker: testbroker was not ready within ${READY_TIMEOUT_SECONDS}s:" >&2
		show_broker_log
		exit 1
	fi
	sleep 0.05
done

# Export the broker's KEY=value lines; read them as data, never evaluate them.
while IFS='=' read -r key value; do
	if [[ ! "$key" =~ ^OPEN_SERVICE_BROKER_[A-Z0-9_]+$ ]]; then
		echo "test-against-testbroker: unexpected line in the ready file: ${key}" >&2
		exit 1
	fi
	export "$key=$value"
done <"$workdir/broker.env"
echo "test-against-testbroker: testbroker (pid $broker_pid) at $OPEN_SERVICE_BROKER_URL"

status=0
"$GO" test -tags integration -count=1 "$@" ./integration/... || status=$?

# The osb command against the same broker: an asynchronous provision and deprovision, waited for.
"$GO" build -o "$workdir/osb" ./cmd/osb
for command in provision deprovision; do
	"$workdir/osb" "$command" osb-against-testbroker --service "$OPEN_SERVICE_BROKER_SERVICE_ID" \
		--plan "$OPEN_SERVICE_BROKER_ASYNC_PLAN_ID" --wait -o json >"$workdir/osb.json" || {
		echo "test-against-testbroker: osb $command exited $?" >&2
		status=1
	}
done
exit "$status"
