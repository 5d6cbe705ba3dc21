#!/usr/bin/env bash
# Prints how many modules, besides its own and the SDK's, a program that imports only
# openservicebrokerv1 has in its module graph (`go list -m all`), and lists them. Minimum version
# selection pulls every one of them into a platform that imports the SDK.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
GO=${GO:-go}
program=$(mktemp -d)
trap 'rm -rf "$program"' EXIT
cat >"$program/go.mod" <<MOD
module example.com/sdkuser

go 1.26.0

require github.com/osbkit/osb-go-sdk v0.0.0-00010101000000-000000000000

replace github.com/osbkit/osb-go-sdk => $root
MOD
cat >"$program/main.go" <<'GO'
package main

import "github.com/osbkit/osb-go-sdk/openservicebrokerv1"

func main() { _ = openservicebrokerv1.DefaultServiceURL }
GO
cd "$program"
GOWORK=off GOFLAGS=-mod=mod "$GO" mod tidy
others=$(GOWORK=off "$GO" list -m all | grep -v -e '^example.com/sdkuser$' -e '^github.com/osbkit/osb-go-sdk ')
echo "$others"
echo "modules in an SDK user's graph besides its own and the SDK's: $(echo "$others" | wc -l)"
