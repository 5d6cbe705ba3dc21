# The one entry point for building and testing; `make test` is what CI runs.
GO ?= go
SDKGEN = $(GO) run ./internal/sdkgen/cmd/sdkgen -spec openapi.yaml -out openservicebrokerv1 -ignore .openapi-generator-ignore
BENCH_FLAGS ?= -run '^$$' -bench . -benchmem -count 5
BENCH_OUT ?= /tmp/osb-go-sdk-bench.txt
FIGURE_FLAGS ?= -count=1 -timeout 15m -v -run '^Test(Scale|Outage)Figures$$'
FIGURES_OUT ?= /tmp/osb-go-sdk-figures.txt

.PHONY: generate check-generated build lint test test-int soak bench tidy

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

## build: compile every package and command
build:
	$(GO) build ./...

## lint: gofmt, go vet and staticcheck (pinned in go.mod as a tool), in both modules
lint:
	@unformatted="$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags integration ./integration/...
	$(GO) tool staticcheck ./...
	$(GO) tool staticcheck -tags integration ./integration/...
	cd benchmarks && $(GO) vet ./...

## test: drift check, lint, unit tests (race detector on), the integration suite against the
## embedded broker and against testbroker as a separate process, and the benchmark module's tests
test: check-generated lint
	$(GO) test -race -count=1 ./...
	$(GO) test -race -count=1 -tags integration ./integration/...
	GO="$(GO)" scripts/test-against-testbroker.sh -race
	cd benchmarks && $(GO) test -race -short -count=1 ./...

## test-int: the integration suite against the broker that OPEN_SERVICE_BROKER_URL names
test-int:
	@test -n "$$OPEN_SERVICE_BROKER_URL" || { echo "set OPEN_SERVICE_BROKER_URL and its credentials (_AUTH_TYPE, _USERNAME/_PASSWORD or _APIKEY); _SERVICE_ID, _PLAN_ID, _ASYNC_PLAN_ID are optional"; exit 2; }
	$(GO) test -count=1 -v -tags integration ./integration/...

## soak: the full fault soak (1,000 lifecycles at 20% faults) and the 200-lifecycle figures at 20%
## and 40% faults with retries on and off; one summary line per run (several minutes)
soak:
	$(GO) test -count=1 -v -timeout 60m -run '^TestSoak' ./internal/soak -soak.lifecycles=1000 -soak.figures

## bench: this SDK against IBM's SDK and plain net/http, then the scale and outage figures at
## full size (about 2 minutes more); regenerates BENCHMARKS.md
bench:
	cd benchmarks && $(GO) test $(BENCH_FLAGS) . | tee $(BENCH_OUT)
	rm -f $(FIGURES_OUT)
	cd benchmarks && $(GO) test $(FIGURE_FLAGS) . -figures $(FIGURES_OUT)
	cat $(BENCH_OUT) $(FIGURES_OUT) | (cd benchmarks && $(GO) run ./cmd/benchtable -o ../BENCHMARKS.md -notes NOTES.md \
		-cmd "make bench ($(GO) test $(BENCH_FLAGS); $(GO) test $(FIGURE_FLAGS) . -figures FILE)")

## tidy: tidy both modules
tidy:
	$(GO) mod tidy
	cd benchmarks && $(GO) mod tidy
