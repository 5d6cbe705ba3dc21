# The one entry point for building and testing; `make test` is what CI runs.
#
# The repository holds several Go modules (README, "Module layout"). Every target that builds or
# tests runs each module on its own, with GOWORK=off, so that what is tested is what a user of that
# module gets; go.work only lets `go run ./cmd/osb` and the like work from the root.
GO ?= go
MODULES = . cmd/osb internal/sdkgen benchmarks engine
EACH_MODULE = set -e; for module in $(MODULES); do (cd $$module && GOWORK=off
SDKGEN = $(GO) run ./internal/sdkgen/cmd/sdkgen -spec openapi.yaml -out openservicebrokerv1 -ignore .openapi-generator-ignore
STATICCHECK = $$($(GO) -C internal/sdkgen tool -n staticcheck)
BENCH_FLAGS ?= -run '^$$' -bench . -benchmem -count 5
BENCH_OUT ?= /tmp/osb-go-sdk-bench.txt
FIGURE_FLAGS ?= -count=1 -timeout 15m -v -run '^Test(Scale|Outage)Figures$$'
FIGURES_OUT ?= /tmp/osb-go-sdk-figures.txt
P2_OUT ?= /tmp/osb-go-sdk-bench-p2.txt
# The engine's scale figures: 100,000 provisions in flight on each store (see BENCHMARKS.md, E1).
ENGINE_SCALE_FLAGS ?= -scale.operations=100000 -scale.retry-after=60 -scale.duration=600s

.PHONY: generate check-generated check-tidy check-tree sdk-graph download build lint test test-int soak chaos bench bench-p2 tidy

## generate: regenerate openservicebrokerv1 from openapi.yaml
generate:
	$(SDKGEN) -v

## check-generated: regenerate into the tree and fail, showing the difference, if anything changed
check-generated:
	@changed="$$($(SDKGEN) -v)" || exit 1; \
	if [ -n "$$changed" ]; then \
		echo "generated code was out of date with openapi.yaml (or edited by hand); regenerated:"; \
		echo "$$changed"; git --no-pager diff -- $$changed; exit 1; \
	fi

## check-tidy: fail when a module's go.mod or go.sum is not what `go mod tidy` would write; works
## offline once `make download` (or `make build`) has run
check-tidy:
	@GO="$(GO)" scripts/check-tidy.sh $(MODULES)

## download: fetch every module that building, testing and check-tidy need, so that they work
## offline afterwards. `go build` and `go test` fetch only what they compile; `go mod tidy` reads
## more: the go.mod of every module in the graph (oklog/ulid v2.1.2 predates module graph pruning
## and brings pborman/getopt's) and the modules that the tests of our dependencies import
## (ginkgo and gomega for go-sdk-core's). `go mod tidy -diff` fetches exactly those and writes
## nothing; whether the modules are tidy is check-tidy's business, so its verdict is ignored here.
download:
	$(EACH_MODULE) $(GO) mod download && { $(GO) mod tidy -diff >/dev/null || true; }); done

## check-tree: fail on a tracked file over 1 MB or a tracked executable that is not a script
check-tree:
	@scripts/check-tree.sh

## sdk-graph: count the modules a program importing only openservicebrokerv1 has in its graph
sdk-graph:
	@GO="$(GO)" scripts/sdk-graph.sh

## build: compile every package and command of every module (after fetching what the checks need)
build: download
	$(EACH_MODULE) $(GO) build ./...); done

## lint: gofmt, go vet and staticcheck (a tool of the internal/sdkgen module) in every module
lint:
	@unformatted="$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	staticcheck=$(STATICCHECK); $(EACH_MODULE) $(GO) vet ./... && "$$staticcheck" ./...); done
	staticcheck=$(STATICCHECK); GOWORK=off $(GO) vet -tags integration ./integration/... && \
		GOWORK=off "$$staticcheck" -tags integration ./integration/...

## test: drift, tidiness and tree checks, lint, every module's unit tests (race detector on), the
## integration suite against the embedded broker and against testbroker as a separate process
test: check-generated check-tidy check-tree lint
	GOWORK=off $(GO) test -race -count=1 ./...
	GOWORK=off $(GO) test -race -count=1 -tags integration ./integration/...
	cd cmd/osb && GOWORK=off $(GO) test -race -count=1 ./...
	cd internal/sdkgen && GOWORK=off $(GO) test -race -count=1 ./...
	GO="$(GO)" scripts/test-against-testbroker.sh -race
	cd benchmarks && GOWORK=off $(GO) test -race -short -count=1 ./...
	cd engine && GOWORK=off $(GO) test -race -count=1 ./...

## test-int: the integration suite against the broker that OPEN_SERVICE_BROKER_URL names
test-int:
	@test -n "$$OPEN_SERVICE_BROKER_URL" || { echo "set OPEN_SERVICE_BROKER_URL and its credentials (_AUTH_TYPE, _USERNAME/_PASSWORD or _APIKEY); _SERVICE_ID, _PLAN_ID, _ASYNC_PLAN_ID are optional"; exit 2; }
	GOWORK=off $(GO) test -count=1 -v -tags integration ./integration/...

## soak: the full fault soak (1,000 lifecycles at 20% faults) and the 200-lifecycle figures at 20%
## and 40% faults with retries on and off; one summary line per run (several minutes)
soak:
	GOWORK=off $(GO) test -count=1 -v -timeout 60m -run '^TestSoak' ./internal/soak -soak.lifecycles=1000 -soak.figures

## chaos: the engine's crash soak at full size: 1,000 lifecycles per store (SQLite, PostgreSQL),
## the platform process killed 30 times; one summary line per store (a few minutes)
chaos:
	cd engine && GOWORK=off $(GO) test -count=1 -v -timeout 60m -run '^TestChaosSoak$$' ./internal/chaos \
		-chaos.lifecycles=1000 -chaos.kills=30 -chaos.timeout=30m

## bench: this SDK against IBM's SDK and plain net/http, then the scale and outage figures at
## full size (about 2 minutes more), then the engine's scale figures on SQLite and PostgreSQL
## (100,000 operations in flight for 10 minutes on each, and 10,000 blocking waiters; about an
## hour); regenerates BENCHMARKS.md
bench:
	cd benchmarks && GOWORK=off $(GO) test $(BENCH_FLAGS) . | tee $(BENCH_OUT)
	rm -f $(FIGURES_OUT)
	cd benchmarks && GOWORK=off $(GO) test $(FIGURE_FLAGS) . -figures $(FIGURES_OUT)
	cat $(BENCH_OUT) $(FIGURES_OUT) | (cd benchmarks && GOWORK=off $(GO) run ./cmd/benchtable -o ../BENCHMARKS.md -notes NOTES.md \
		-cmd "make bench ($(GO) test $(BENCH_FLAGS); $(GO) test $(FIGURE_FLAGS) . -figures FILE)")
	cd engine && GOWORK=off $(GO) test -count=1 -timeout 90m -v -run '^TestScaleFigures$$' ./internal/chaos \
		-scale.figures $(CURDIR)/BENCHMARKS.md $(ENGINE_SCALE_FLAGS)

## bench-p2: GetLastOperation, in memory and over loopback, 10 runs of each contender, compared
## by benchstat (a tool of the benchmarks module) with plain net/http as the baseline; the
## sub-benchmarks are renamed client=<contender> on the way, the form benchstat groups by
bench-p2:
	cd benchmarks && GOWORK=off $(GO) test -run '^$$' -bench '^BenchmarkP2LastOperation' -benchmem -count 10 . > $(P2_OUT) \
		|| { cat $(P2_OUT); exit 1; }
	sed -E 's#/(ours|ibm|plain)([-[:space:]])#/client=\1\2#' $(P2_OUT) > $(P2_OUT).benchstat
	cd benchmarks && GOWORK=off $(GO) tool benchstat -col '/client@(plain ours ibm)' $(P2_OUT).benchstat

## tidy: tidy every module
tidy:
	$(EACH_MODULE) $(GO) mod tidy); done
