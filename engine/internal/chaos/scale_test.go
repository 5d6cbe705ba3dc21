package chaos

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/engine"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

var (
	scaleFigures    = flag.String("scale.figures", "", "run the engine's scale figures and append them to this file, as Markdown")
	scaleOperations = flag.Int("scale.operations", 100_000, "asynchronous provisions in flight at once")
	scaleRetryAfter = flag.Int("scale.retry-after", 30, "Retry-After seconds of the broker's last_operation answers")
	scaleDuration   = flag.Duration("scale.duration", 0, "how long the broker's provisions take; 0: long enough for every provision to be sent first")
)

// TestScaleFigures provisions many asynchronous instances at once through one engine, on each
// store, against a broker in its own process that answers last_operation with Retry-After,
// and appends the figures to the -scale.figures file. Without the flag it is skipped: make bench
// runs it.
func TestScaleFigures(t *testing.T) {
	if *scaleFigures == "" {
		t.Skip("make bench runs the scale figures (-scale.figures FILE)")
	}
	binary := buildChaosproc(t)
	var sections []string
	for _, driver := range []string{"sqlite", "postgres"} {
		f := measureScale(t, binary, driver)
		t.Log(f)
		sections = append(sections, f.row())
	}
	out, err := os.OpenFile(*scaleFigures, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	defer out.Close()
	_, err = fmt.Fprintf(out, "%s%s\n", scaleHeader(), strings.Join(sections, "\n"))
	require.NoError(t, err)
}

// scaleResult are the figures of one store.
type scaleResult struct {
	driver                   string
	operations               int
	heapPerOp, rssPerOp      float64
	goroutinesAtPeak         int
	goroutinesBefore         int
	pollsPerFewest           float64
	fewest                   int
	p50, p99, maxLateness    time.Duration
	stepsPerSecond           float64
	submitted, elapsed       time.Duration
	sends, polls, brokerPoll int64
}

func (r scaleResult) String() string {
	return fmt.Sprintf("%s: %d ops heap/op=%.0fB rss/op=%.0fB goroutines %d->%d polls/fewest=%.3f (fewest %d) lateness p50=%s p99=%s max=%s steps/s=%.0f submit=%s total=%s",
		r.driver, r.operations, r.heapPerOp, r.rssPerOp, r.goroutinesBefore, r.goroutinesAtPeak, r.pollsPerFewest, r.fewest,
		r.p50, r.p99, r.maxLateness, r.stepsPerSecond, r.submitted.Round(time.Millisecond), r.elapsed.Round(time.Millisecond))
}

func scaleHeader() string {
	return fmt.Sprintf(`
## Engine scale

### E1 %d asynchronous provisions in flight through one engine process

The engine (package engine, its own module) in the test process, with its defaults (100 River
workers, fetch interval 200ms); brokertest in a process of its own, its provisions lasting %s
(long enough for all to be submitted first) and every last_operation answer carrying
Retry-After: %d. Each store starts empty. Measured by %s.

- *Go heap per operation in flight*: runtime.GC then HeapInuse, before the first submission and
  once all are submitted and none has ended, the difference divided by the operations. The
  records are in the store, not in memory: this is River's and the drivers' working set.
- *Process RSS per operation*: the same difference of VmRSS (SQLite's page cache lives outside
  Go's heap).
- *Goroutines*: River's workers and fetchers, not one per operation.
- *Polls per operation*: last_operation requests the broker counted, per operation, over the
  fewest that Retry-After allows (one poll right after the 202, then one per Retry-After until
  the provision ends).
- *Lateness*: how long after its record's NextAt each step started (the engine's Stats).
- *Steps per second*: sends and polls over the whole run.

| store | operations | Go heap per operation in flight (bytes) | process RSS per operation (bytes) | goroutines before / at the peak | polls per operation / the fewest Retry-After allows | lateness of a step p50 / p99 / max | steps per second | time to submit | whole run |
|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|
`, *scaleOperations, provisionDuration(), *scaleRetryAfter, "`make bench` (`go test -run '^TestScaleFigures$' ./internal/chaos -scale.figures FILE`)")
}

func (r scaleResult) row() string {
	return fmt.Sprintf("| %s | %d | %.0f | %.0f | %d / %d | %.3f (fewest %d) | %s / %s / %s | %.0f | %s | %s |",
		r.driver, r.operations, r.heapPerOp, r.rssPerOp, r.goroutinesBefore, r.goroutinesAtPeak, r.pollsPerFewest, r.fewest,
		r.p50.Round(time.Millisecond), r.p99.Round(time.Millisecond), r.maxLateness.Round(time.Millisecond), r.stepsPerSecond,
		r.submitted.Round(time.Second), r.elapsed.Round(time.Second))
}

// provisionDuration is how long the broker's provisions take: -scale.duration, or long enough
// for all to be submitted first (submitting runs at several hundred a second).
func provisionDuration() time.Duration {
	if *scaleDuration > 0 {
		return *scaleDuration
	}
	return time.Duration(max(60, *scaleOperations/300)) * time.Second
}

// scaleRun is one store's run: the engine in this process, the broker in another.
type scaleRun struct {
	engine *engine.Engine
	ended  atomic.Int64
	done   chan struct{}
	n      int
}

func measureScale(t *testing.T, binary, driver string) scaleResult {
	n, duration := *scaleOperations, provisionDuration()
	dir := t.TempDir()
	spec := BrokerSpec{AsyncDuration: Duration(duration), RetryAfter: *scaleRetryAfter}
	broker := startProcess(t, binary, "broker", BrokerSettings{Brokers: []BrokerSpec{spec}}, filepath.Join(dir, "broker.log"))
	var addresses map[string]BrokerAddress
	require.NoError(t, json.Unmarshal([]byte(<-broker.lines), &addresses))
	address := addresses[spec.Name()]

	run := &scaleRun{done: make(chan struct{}), n: n}
	run.engine = openScaleEngine(t, driver, dir, address, run)
	result := scaleResult{driver: driver, operations: n, goroutinesBefore: runtime.NumGoroutine()}
	heapBefore, rssBefore := memory()
	started := time.Now()
	submit(t, run.engine, n)
	result.submitted = time.Since(started)
	heapPeak, rssPeak := memory()
	result.goroutinesAtPeak = runtime.NumGoroutine()
	require.Zero(t, run.ended.Load(), "an operation ended before all were in flight: lengthen -scale.duration")
	result.heapPerOp, result.rssPerOp = float64(heapPeak-heapBefore)/float64(n), float64(rssPeak-rssBefore)/float64(n)

	<-run.done
	result.elapsed = time.Since(started)
	stats, err := run.engine.Stats(t.Context())
	require.NoError(t, err)
	require.Equal(t, n, stats.Phases[osb.PhaseSucceeded])
	result.sends, result.polls = stats.Sends, stats.Polls
	result.p50, result.p99, result.maxLateness = stats.Lateness.P50, stats.Lateness.P99, stats.Lateness.Max
	result.stepsPerSecond = float64(stats.Sends+stats.Polls) / result.elapsed.Seconds()
	require.NoError(t, run.engine.Stop(context.Background()))

	require.NoError(t, broker.input.Close())
	var report BrokerReport
	require.NoError(t, json.Unmarshal([]byte(<-broker.lines), &report))
	result.brokerPoll = int64(report.Polls)
	// The first poll right after the 202, then one per Retry-After until the provision's end.
	result.fewest = 1 + int(math.Ceil(duration.Seconds()/float64(*scaleRetryAfter)))
	result.pollsPerFewest = float64(report.Polls) / float64(n) / float64(result.fewest)
	return result
}

func openScaleEngine(t *testing.T, driver, dir string, address BrokerAddress, run *scaleRun) *engine.Engine {
	client, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{URL: address.URL,
		Authenticator: &core.BasicAuthenticator{Username: address.Username, Password: address.Password}})
	require.NoError(t, err)
	cfg := engine.Config{
		Clients: func(context.Context, string) (*osb.OpenServiceBrokerV1, error) { return client, nil },
		Key:     soakKey, MaxPollingDuration: time.Hour,
		OnDone: func(context.Context, engine.Operation) {
			if run.ended.Add(1) == int64(run.n) {
				close(run.done)
			}
		},
	}
	var e *engine.Engine
	if driver == "sqlite" {
		e, err = engine.OpenSQLite(t.Context(), filepath.Join(dir, "engine.db"), cfg)
	} else {
		var pool *pgxpool.Pool
		pool, err = pgxpool.New(t.Context(), postgres.Get(t).URL)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		_, err = pool.Exec(t.Context(), "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
		require.NoError(t, err)
		e, err = engine.OpenPostgres(t.Context(), pool, cfg)
	}
	require.NoError(t, err)
	require.NoError(t, e.Start(t.Context()))
	return e
}

// submit submits n provisions from a few goroutines.
func submit(t *testing.T, e *engine.Engine, n int) {
	const submitters = 8
	var wg sync.WaitGroup
	errs := make(chan error, submitters)
	for w := range submitters {
		wg.Go(func() {
			for i := w; i < n; i += submitters {
				if err := e.Submit(t.Context(), fmt.Sprintf("scale-%d", i), "scale", engine.Provision(provisionOptions(i, brokertest.DefaultAsyncPlanID))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	require.NoError(t, <-errs)
}

// memory returns the Go heap in use after a collection, and the process's resident memory.
func memory() (heap, rss uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	status, _ := os.ReadFile("/proc/self/status")
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			rss = kb * 1024
		}
	}
	return m.HeapInuse, rss
}
