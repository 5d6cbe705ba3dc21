package benchmarks

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// scaleRun is the shape of the scale case: waits asynchronous provisions waited at the same
// time through one client, against a broker whose operations take asyncDuration and at least
// asyncPolls "in progress" answers, with Retry-After retryAfterSeconds on every answer.
type scaleRun struct {
	waits             int
	asyncDuration     time.Duration
	asyncPolls        int
	retryAfterSeconds int
}

var (
	// fullScaleRun waits 10,000 operations. The operations last long enough for every wait to
	// have started and polled once before the first one ends, also on a busy machine where the
	// provisions take half a minute, and not a whole multiple of Retry-After, so that the fewest
	// polls do not depend on milliseconds.
	fullScaleRun = scaleRun{waits: 10_000, asyncDuration: 45500 * time.Millisecond, asyncPolls: 2, retryAfterSeconds: 8}
	// smallScaleRun keeps `go test -short` fast.
	smallScaleRun = scaleRun{waits: 200, asyncDuration: 1500 * time.Millisecond, asyncPolls: 2, retryAfterSeconds: 1}
)

// scaleProvisioners is how many provision requests are in flight while the waits start: the
// waits then poll as staggered as they started, and the client's connections suffice.
const scaleProvisioners = 64

// scaleConnections bounds the connections of the scale client, and so the file descriptors
// of both processes, when bursts of polls meet.
const scaleConnections = 256

// fewestPolls is the number of polls a client needs that polls at once after the 202 answer and
// then exactly as often as Retry-After allows: the first poll at or after the operation's
// duration is the one that sees it end, and the broker answers "in progress" at least
// asyncPolls times whatever the time.
func (r scaleRun) fewestPolls() int {
	byTime := 1 + int(math.Ceil(r.asyncDuration.Seconds()/float64(r.retryAfterSeconds)))
	return max(r.asyncPolls+1, byTime)
}

// scaleFigures are the results of a scale run.
type scaleFigures struct {
	heapPerWait    float64 // bytes of live heap per wait in progress
	stackPerWait   float64 // bytes of goroutine stack per wait in progress
	pollsPerFewest float64 // mean polls per operation over fewestPolls
	maxPolls       int
	goroutinesLeft int
	provisioned    time.Duration // until every provision was answered
	elapsed        time.Duration
	report         brokerProcessReport
	clientPolls    int64 // polls the waiters reported through OnPoll
}

// TestScaleFigures waits many asynchronous provisions at the same time through one client.
// At full size it writes the heap and stack per wait, the polls per operation against the
// fewest Retry-After allows, and the goroutines left afterwards; small, it checks that the
// counting sees every poll and every goroutine.
func TestScaleFigures(t *testing.T) {
	run := smallScaleRun
	if fullSize() {
		run = fullScaleRun
	}

	figures, err := measureScale(t, run)

	require.NoError(t, err)
	assert.Equal(t, run.waits, figures.report.Provisions, "provisions the broker received")
	assert.Len(t, figures.report.Polls, run.waits, "operations polled")
	assert.Zero(t, figures.report.FailedPolls, "polls not answered 200")
	assert.Equal(t, figures.clientPolls, int64(sum(figures.report.Polls)), "polls the waiters reported and polls the broker counted")
	for instance, polls := range figures.report.Polls {
		if !assert.GreaterOrEqual(t, polls, run.asyncPolls+1, "polls of %s: the broker answers in progress %d times", instance, run.asyncPolls) {
			break
		}
	}
	assert.Zero(t, figures.goroutinesLeft, "goroutines left after every wait returned")
	writeFigures(t, "S1ScaleWaits", ours,
		figure{figures.heapPerWait, "heap-B/wait"},
		figure{figures.stackPerWait, "stack-B/wait"},
		figure{figures.pollsPerFewest, "polls/fewest"},
		figure{float64(figures.maxPolls), "max-polls/op"},
		figure{float64(run.fewestPolls()), "fewest-polls/op"},
		figure{float64(figures.goroutinesLeft), "goroutines-left"},
		figure{figures.provisioned.Seconds(), "s-to-provision"},
		figure{figures.elapsed.Seconds(), "s/run"},
	)
}

// measureScale runs the scale case against a broker process.
func measureScale(t *testing.T, run scaleRun) (scaleFigures, error) {
	broker := startBrokerProcess(t, brokerProcessSettings{
		AsyncDuration: run.asyncDuration, AsyncPolls: run.asyncPolls, RetryAfterSeconds: run.retryAfterSeconds,
	})
	ctx, cancel := context.WithTimeout(context.Background(), run.asyncDuration+5*time.Minute)
	defer cancel()
	goroutinesBefore := runtime.NumGoroutine()

	client, err := openservicebrokerv1.NewOpenServiceBrokerV1(&openservicebrokerv1.OpenServiceBrokerV1Options{
		URL:           broker.URL,
		Authenticator: &core.BasicAuthenticator{Username: broker.Username, Password: broker.Password},
	})
	if err != nil {
		return scaleFigures{}, err
	}
	boundConnections(t, client.GetHTTPClient())
	if _, _, err := client.ListCatalogWithContext(ctx, client.NewListCatalogOptions()); err != nil {
		return scaleFigures{}, fmt.Errorf("warm-up call: %w", err)
	}
	before := liveMemory()
	started := time.Now()

	waits := newScaleWaits(client, run)
	if err := waits.provision(ctx); err != nil {
		return scaleFigures{}, err
	}
	provisioned := time.Since(started)
	peak, err := waits.peakMemory(ctx)
	if err != nil {
		return scaleFigures{}, err
	}
	if err := waits.wait(); err != nil {
		return scaleFigures{}, err
	}
	elapsed := time.Since(started)
	client.GetHTTPClient().CloseIdleConnections()
	goroutinesLeft := goroutinesAbove(goroutinesBefore, 5*time.Second)

	report, err := broker.report()
	if err != nil {
		return scaleFigures{}, fmt.Errorf("broker report: %w", err)
	}
	polls := sum(report.Polls)
	maxPolls := 0
	for _, n := range report.Polls {
		maxPolls = max(maxPolls, n)
	}
	return scaleFigures{
		heapPerWait:    float64(int64(peak.HeapInuse)-int64(before.HeapInuse)) / float64(run.waits),
		stackPerWait:   float64(int64(peak.StackInuse)-int64(before.StackInuse)) / float64(run.waits),
		pollsPerFewest: float64(polls) / float64(len(report.Polls)*run.fewestPolls()),
		maxPolls:       maxPolls,
		goroutinesLeft: goroutinesLeft,
		provisioned:    provisioned,
		elapsed:        elapsed,
		report:         report,
		clientPolls:    waits.polls.Load(),
	}, nil
}

// boundConnections caps the connections of client when its transport is net/http's, through
// the exported fields of the client that GetHTTPClient returns.
func boundConnections(t *testing.T, client *http.Client) {
	transport, ok := client.Transport.(*http.Transport)
	if !ok {
		t.Logf("the client's transport is a %T, not an *http.Transport: connections left as the client sets them", client.Transport)
		return
	}
	transport.MaxConnsPerHost = scaleConnections
	transport.MaxIdleConnsPerHost = scaleConnections
}

// scaleWaits are the provisions of one scale run and their waits.
type scaleWaits struct {
	client   *openservicebrokerv1.OpenServiceBrokerV1
	run      scaleRun
	polling  atomic.Int64 // waits that have polled at least once
	finished atomic.Int64
	polls    atomic.Int64
	group    sync.WaitGroup
	errs     []error
}

func newScaleWaits(client *openservicebrokerv1.OpenServiceBrokerV1, run scaleRun) *scaleWaits {
	return &scaleWaits{client: client, run: run, errs: make([]error, run.waits)}
}

// provision sends every provision request, scaleProvisioners at a time, and starts each wait
// as soon as its 202 answer arrives.
func (w *scaleWaits) provision(ctx context.Context) error {
	next := make(chan int)
	provisionErrs := make([]error, scaleProvisioners)
	var provisioners sync.WaitGroup
	for p := range scaleProvisioners {
		provisioners.Go(func() {
			for i := range next {
				if err := w.start(ctx, i); err != nil {
					provisionErrs[p] = err
					return
				}
			}
		})
	}
	for i := range w.run.waits {
		next <- i
	}
	close(next)
	provisioners.Wait()
	return errors.Join(provisionErrs...)
}

// start provisions instance i and starts waiting for it in a goroutine of its own.
func (w *scaleWaits) start(ctx context.Context, i int) error {
	instanceID := fmt.Sprintf("scale-%05d", i)
	options := w.client.NewReplaceServiceInstanceOptions(instanceID).
		SetServiceID(brokertest.DefaultServiceID).
		SetPlanID(brokertest.DefaultAsyncPlanID).
		SetOrganizationGUID(testkit.OrganizationGUID).
		SetSpaceGUID(testkit.SpaceGUID).
		SetAcceptsIncomplete(true)
	result, response, err := w.client.ReplaceServiceInstanceWithContext(ctx, options)
	if err != nil {
		return fmt.Errorf("provision %s: %w", instanceID, err)
	}
	if response.StatusCode != http.StatusAccepted || result.Operation == nil {
		return fmt.Errorf("provision %s: broker answered %d, not 202 with an operation", instanceID, response.StatusCode)
	}
	poll := w.client.NewGetLastOperationOptions(instanceID).
		SetOperation(*result.Operation).
		SetServiceID(brokertest.DefaultServiceID).
		SetPlanID(brokertest.DefaultAsyncPlanID)
	wait := openservicebrokerv1.NewWaitOptions().SetMaxWait(w.run.asyncDuration + 2*time.Minute).SetOnPoll(w.onPoll)
	w.group.Go(func() {
		_, _, w.errs[i] = w.client.AwaitLastOperation(ctx, poll, wait)
		w.finished.Add(1)
	})
	return nil
}

func (w *scaleWaits) onPoll(event openservicebrokerv1.PollEvent) {
	w.polls.Add(1)
	if event.Attempt == 1 {
		w.polling.Add(1)
	}
}

// peakMemory waits until every wait has polled once and reads the live memory then; it fails
// when a wait ended before, since then not all of them were in progress at the same time.
func (w *scaleWaits) peakMemory(ctx context.Context) (runtime.MemStats, error) {
	for w.polling.Load() < int64(w.run.waits) {
		if err := ctx.Err(); err != nil {
			return runtime.MemStats{}, err
		}
		time.Sleep(10 * time.Millisecond)
	}
	peak := liveMemory()
	if finished := w.finished.Load(); finished > 0 {
		return peak, fmt.Errorf("%d waits ended before the last one started: the operations must last longer than %s", finished, w.run.asyncDuration)
	}
	return peak, nil
}

// wait waits for every wait to return and joins their errors.
func (w *scaleWaits) wait() error {
	w.group.Wait()
	return errors.Join(w.errs...)
}

// liveMemory collects garbage and reads the memory statistics, so that the heap figures are
// what is kept alive rather than garbage not yet collected.
func liveMemory() runtime.MemStats {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return stats
}

// goroutinesAbove returns how many more goroutines than before are running, giving those that
// are ending (connections being closed) up to patience to end.
func goroutinesAbove(before int, patience time.Duration) int {
	deadline := time.Now().Add(patience)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return max(0, runtime.NumGoroutine()-before)
}

func sum(counts map[string]int) int {
	total := 0
	for _, n := range counts {
		total += n
	}
	return total
}
