package chaos

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/engine"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

var (
	scaleFigures    = flag.String("scale.figures", "", "run the scale figures and append them to this file, as Markdown")
	scaleOperations = flag.Int("scale.operations", 100_000, "asynchronous provisions in flight at once through the engine (0: none)")
	scaleWaiters    = flag.Int("scale.waiters", 10_000, "asynchronous provisions waited at once by blocking waiters (0: none)")
	scaleRetryAfter = flag.Int("scale.retry-after", 30, "Retry-After seconds of the broker's last_operation answers")
	scaleDuration   = flag.Duration("scale.duration", 0, "how long the broker's provisions take; 0: long enough for every provision to be sent first")
)

// TestScaleFigures provisions many asynchronous instances at once through one engine, on each
// store, and through the SDK's blocking waiters (a goroutine each), against a broker in its own
// process that answers last_operation with Retry-After, and appends the figures to the
// -scale.figures file. Without the flag it is skipped: make bench runs it.
func TestScaleFigures(t *testing.T) {
	if *scaleFigures == "" {
		t.Skip("make bench runs the scale figures (-scale.figures FILE)")
	}
	binary := buildChaosproc(t)
	var rows []string
	for _, run := range []struct {
		how string
		n   int
	}{{"engine, SQLite", *scaleOperations}, {"engine, PostgreSQL", *scaleOperations}, {"blocking waiters", *scaleWaiters}} {
		if run.n > 0 {
			f := measureScale(t, binary, run.how, run.n)
			t.Log(f)
			rows = append(rows, f.row())
		}
	}
	out, err := os.OpenFile(*scaleFigures, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	defer out.Close()
	_, err = fmt.Fprintf(out, "%s%s\n", scaleHeader(), strings.Join(rows, "\n"))
	require.NoError(t, err)
}

// scaleResult are the figures of one run.
type scaleResult struct {
	how                             string
	operations                      int
	heapPerOp, stackPerOp, rssPerOp float64
	goroutinesBefore, goroutinesAt  int
	pollsPerFewest                  float64
	fewest                          int
	p50, p99, maxLateness           time.Duration
	stepsPerSecond                  float64
	submitted, elapsed              time.Duration
}

func (r scaleResult) String() string { return r.row() }

func scaleHeader() string {
	return fmt.Sprintf(`
## Engine scale

### E1 asynchronous provisions in flight through one engine process, and through blocking waiters

Provisions in flight at once in one process: through the engine (package engine, its own module,
with its defaults: 100 River workers, fetch interval 200ms), on each store starting empty, and
through the SDK's blocking ProvisionAndWait, a goroutine each. The broker is brokertest in a
process of its own; its provisions last %s (long enough for all to be sent first) and every
last_operation answer carries Retry-After: %d. Measured by %s.

- *Go heap and goroutine stacks per operation*: runtime.GC, then HeapInuse and StackInuse before
  the first provision and once all are in flight (submitted, for the engine; polled once, for
  the waiters) and none has ended, the differences divided by the operations. The engine's
  records are in its store, not in memory.
- *Process RSS per operation*: the same difference of VmRSS (SQLite's page cache lives outside
  Go's heap).
- *Goroutines*: before and at the peak.
- *Polls per operation*: last_operation requests the broker counted, per operation, over the
  fewest that Retry-After allows (one poll right after the 202, then one per Retry-After until
  the provision ends).
- *Lateness*: how late each step started after its time: for the engine its Stats (every step,
  the first sends included, after the record's NextAt); for the waiters, the time between two
  polls of a wait less Retry-After.
- *Steps per second*: provisions and polls the broker received over the whole run.

| how | operations | Go heap per operation (bytes) | goroutine stacks per operation (bytes) | process RSS per operation (bytes) | goroutines before / at the peak | polls per operation / the fewest Retry-After allows | lateness p50 / p99 / max | steps per second | time to submit | whole run |
|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
`, provisionDuration(), *scaleRetryAfter, "`make bench` (`go test -run '^TestScaleFigures$' ./internal/chaos -scale.figures FILE`)")
}

func (r scaleResult) row() string {
	return fmt.Sprintf("| %s | %d | %.0f | %.0f | %.0f | %d / %d | %.3f (fewest %d) | %s / %s / %s | %.0f | %s | %s |",
		r.how, r.operations, r.heapPerOp, r.stackPerOp, r.rssPerOp, r.goroutinesBefore, r.goroutinesAt, r.pollsPerFewest, r.fewest,
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

// footprint is the process's memory at one moment.
type footprint struct {
	heap, stack, rss uint64
	goroutines       int
}

// measureFootprint collects garbage first, so that the heap is what is alive.
func measureFootprint() footprint {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	f := footprint{heap: m.HeapInuse, stack: m.StackInuse, goroutines: runtime.NumGoroutine()}
	status, _ := os.ReadFile("/proc/self/status")
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			_, _ = fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			f.rss = kb * 1024
		}
	}
	return f
}

// perOperation sets the figures of the peak against the start.
func (r *scaleResult) perOperation(before, peak footprint) {
	n := float64(r.operations)
	r.heapPerOp = (float64(peak.heap) - float64(before.heap)) / n
	r.stackPerOp = (float64(peak.stack) - float64(before.stack)) / n
	r.rssPerOp = (float64(peak.rss) - float64(before.rss)) / n
	r.goroutinesBefore, r.goroutinesAt = before.goroutines, peak.goroutines
}

func measureScale(t *testing.T, binary, how string, n int) scaleResult {
	duration := provisionDuration()
	dir := t.TempDir()
	spec := BrokerSpec{AsyncDuration: Duration(duration), RetryAfter: *scaleRetryAfter}
	broker := startProcess(t, binary, "broker", BrokerSettings{Brokers: []BrokerSpec{spec}}, filepath.Join(dir, "broker.log"))
	var addresses map[string]BrokerAddress
	require.NoError(t, json.Unmarshal([]byte(<-broker.lines), &addresses))
	client := scaleClient(t, addresses[spec.Name()])

	result := scaleResult{how: how, operations: n}
	switch how {
	case "blocking waiters":
		runWaiters(t, client, &result)
	default:
		runEngine(t, client, strings.Contains(how, "SQLite"), dir, &result)
	}

	require.NoError(t, broker.input.Close())
	var report BrokerReport
	require.NoError(t, json.Unmarshal([]byte(<-broker.lines), &report))
	// The first poll right after the 202, then one per Retry-After until the provision's end.
	result.fewest = 1 + int(math.Ceil(duration.Seconds()/float64(*scaleRetryAfter)))
	result.pollsPerFewest = float64(report.Polls) / float64(n) / float64(result.fewest)
	result.stepsPerSecond = float64(report.Requests) / result.elapsed.Seconds()
	return result
}

func scaleClient(t *testing.T, address BrokerAddress) *osb.OpenServiceBrokerV1 {
	client, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{URL: address.URL,
		Authenticator: &core.BasicAuthenticator{Username: address.Username, Password: address.Password}})
	require.NoError(t, err)
	// Bursts of polls must not run out of file descriptors or ports.
	if transport, ok := client.GetHTTPClient().Transport.(*http.Transport); ok {
		transport.MaxConnsPerHost = 256
	}
	return client
}

// runEngine submits the provisions to an engine and waits for all to end.
func runEngine(t *testing.T, client *osb.OpenServiceBrokerV1, sqlite bool, dir string, result *scaleResult) {
	ended, all := atomic.Int64{}, make(chan struct{})
	n := result.operations
	e := openScaleEngine(t, client, sqlite, dir, func() {
		if ended.Add(1) == int64(n) {
			close(all)
		}
	})
	before := measureFootprint()
	started := time.Now()
	submit(t, e, n)
	result.submitted = time.Since(started)
	peak := measureFootprint()
	require.Zero(t, ended.Load(), "an operation ended before all were in flight: lengthen -scale.duration")
	result.perOperation(before, peak)
	<-all
	result.elapsed = time.Since(started)
	stats, err := e.Stats(t.Context())
	require.NoError(t, err)
	require.Equal(t, n, stats.Phases[osb.PhaseSucceeded])
	result.p50, result.p99, result.maxLateness = stats.Lateness.P50, stats.Lateness.P99, stats.Lateness.Max
	require.NoError(t, e.Stop(context.Background()))
}

// runWaiters provisions and waits in a goroutine per operation, as a platform without the
// engine does.
func runWaiters(t *testing.T, client *osb.OpenServiceBrokerV1, result *scaleResult) {
	n := result.operations
	var polledOnce atomic.Int64
	allPolled := make(chan struct{})
	lateness := make(chan time.Duration, 1024)
	var latenesses []time.Duration
	collected := make(chan struct{})
	go func() {
		for d := range lateness {
			latenesses = append(latenesses, d)
		}
		close(collected)
	}()
	before := measureFootprint()
	started := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var previous time.Duration
			wait := &osb.WaitOptions{OnPoll: func(e osb.PollEvent) {
				if e.Attempt == 1 && polledOnce.Add(1) == int64(n) {
					close(allPolled)
				}
				if e.Attempt > 1 {
					lateness <- e.Elapsed - previous - time.Duration(*scaleRetryAfter)*time.Second
				}
				previous = e.Elapsed
			}}
			_, _, err := client.ProvisionAndWait(context.Background(), provisionOptions(i, brokertest.DefaultAsyncPlanID), wait)
			assert.NoError(t, err)
		})
	}
	<-allPolled
	result.submitted = time.Since(started)
	result.perOperation(before, measureFootprint())
	wg.Wait()
	result.elapsed = time.Since(started)
	close(lateness)
	<-collected
	slices.Sort(latenesses)
	if len(latenesses) > 0 {
		result.p50 = latenesses[len(latenesses)/2]
		result.p99 = latenesses[len(latenesses)*99/100]
		result.maxLateness = latenesses[len(latenesses)-1]
	}
}

func openScaleEngine(t *testing.T, client *osb.OpenServiceBrokerV1, sqlite bool, dir string, onDone func()) *engine.Engine {
	cfg := engine.Config{
		Clients: func(context.Context, string) (*osb.OpenServiceBrokerV1, error) { return client, nil },
		Key:     soakKey, MaxPollingDuration: time.Hour,
		OnDone: func(context.Context, engine.Operation) { onDone() },
	}
	var e *engine.Engine
	var err error
	if sqlite {
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
