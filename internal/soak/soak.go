// Package soak drives full service lifecycles (provision, bind, unbind, deprovision) through the
// openservicebrokerv1 client against a brokertest broker that injects faults, the way a platform
// would, and accounts for every lifecycle: it succeeded, or it failed with a typed error and the
// platform cleaned up what it left. At the end the broker's own view tells what was orphaned.
package soak

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Config describes one soak run.
type Config struct {
	// Lifecycles is how many full lifecycles to run.
	Lifecycles int
	// Concurrency is how many lifecycles run at a time.
	Concurrency int
	// ServiceID and PlanID select what is provisioned; the plan should be asynchronous so that
	// provision and deprovision are polled.
	ServiceID, PlanID string
	// Wait tunes the polling of asynchronous operations; nil selects the client's defaults.
	Wait *osb.WaitOptions
	// CleanupAttempts is how many times the platform tries to remove what a failed lifecycle
	// left behind; 1 tries once, as a platform without retries would.
	CleanupAttempts int
	// CleanupDelay is the pause between cleanup attempts.
	CleanupDelay time.Duration
}

func (c Config) validate() error {
	var problems []string
	if c.Lifecycles <= 0 {
		problems = append(problems, fmt.Sprintf("Lifecycles must be positive, got %d", c.Lifecycles))
	}
	if c.Concurrency <= 0 {
		problems = append(problems, fmt.Sprintf("Concurrency must be positive, got %d", c.Concurrency))
	}
	if c.ServiceID == "" || c.PlanID == "" {
		problems = append(problems, "ServiceID and PlanID must be set")
	}
	if c.CleanupAttempts <= 0 {
		problems = append(problems, fmt.Sprintf("CleanupAttempts must be positive, got %d", c.CleanupAttempts))
	}
	if len(problems) > 0 {
		return fmt.Errorf("soak: invalid configuration: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Result accounts for a soak run.
type Result struct {
	// Lifecycles is how many lifecycles ran; every one is counted in exactly one of Succeeded,
	// FailedAndCleaned and FailedNotCleaned.
	Lifecycles int
	// Succeeded counts lifecycles whose four steps all succeeded.
	Succeeded int
	// FailedAndCleaned counts lifecycles that failed and whose leftovers the platform removed.
	FailedAndCleaned int
	// FailedNotCleaned counts lifecycles whose cleanup gave up; what they left is in the orphans.
	FailedNotCleaned int
	// Untyped counts failures whose error is none of the client's types (a broker error, an
	// orphan mitigation, a failed or timed-out operation, no answer, the context ending).
	Untyped int
	// OrphanInstances and OrphanBindings are what the broker still holds at the end.
	OrphanInstances, OrphanBindings int
	// Duplicates counts lifecycles for which, right after a successful bind, the broker did not
	// hold exactly the one instance and the one binding of the lifecycle with the credentials the
	// platform received, plus resources the broker holds under ids no lifecycle used.
	Duplicates int
	// Requests and Faults count the requests the broker received during the run and how many of
	// them it answered with an injected fault.
	Requests, Faults int
	// Elapsed is the run's duration.
	Elapsed time.Duration
	// Failures counts failed lifecycles by the step that failed and the kind of its error,
	// e.g. "provision: orphan mitigation completed".
	Failures map[string]int
	// Examples holds the first error message seen for each key of Failures.
	Examples map[string]string
}

// Orphans is the number of instances and bindings the broker still holds.
func (r Result) Orphans() int {
	return r.OrphanInstances + r.OrphanBindings
}

// String is a one-line summary.
func (r Result) String() string {
	failures := make([]string, 0, len(r.Failures))
	for _, reason := range slices.Sorted(maps.Keys(r.Failures)) {
		failures = append(failures, fmt.Sprintf("%s x%d", reason, r.Failures[reason]))
	}
	return fmt.Sprintf("lifecycles=%d succeeded=%d failed-and-cleaned=%d failed-not-cleaned=%d untyped=%d orphans=%d (instances=%d bindings=%d) duplicates=%d requests=%d faults=%d elapsed=%s failures=[%s]",
		r.Lifecycles, r.Succeeded, r.FailedAndCleaned, r.FailedNotCleaned, r.Untyped, r.Orphans(), r.OrphanInstances, r.OrphanBindings,
		r.Duplicates, r.Requests, r.Faults, r.Elapsed.Round(time.Millisecond), strings.Join(failures, ", "))
}

// Run runs cfg.Lifecycles lifecycles through client against broker, cfg.Concurrency at a time,
// and accounts for them. It forgets the requests broker recorded before, so that Requests and
// Faults count this run only. The error reports an invalid configuration; the outcome of the
// lifecycles is in the Result.
func Run(ctx context.Context, broker *brokertest.Server, client *osb.OpenServiceBrokerV1, cfg Config) (Result, error) {
	if err := cfg.validate(); err != nil {
		return Result{}, err
	}
	broker.ResetRequests()
	started := time.Now()
	tally := &tally{result: Result{Lifecycles: cfg.Lifecycles, Failures: map[string]int{}, Examples: map[string]string{}}}

	next := make(chan int)
	var workers sync.WaitGroup
	for range min(cfg.Concurrency, cfg.Lifecycles) {
		workers.Go(func() {
			for n := range next {
				lc := newLifecycle(n, cfg, client, broker)
				tally.add(lc.run(ctx))
			}
		})
	}
	for n := range cfg.Lifecycles {
		next <- n
	}
	close(next)
	workers.Wait()

	result := tally.result
	result.Elapsed = time.Since(started)
	inspectBroker(&result, broker, cfg.Lifecycles)
	return result, nil
}

// inspectBroker fills in what only the broker knows: what it still holds and what it received.
func inspectBroker(result *Result, broker *brokertest.Server, lifecycles int) {
	known := knownIDs(lifecycles)
	instances, bindings := broker.Instances(), broker.Bindings()
	result.OrphanInstances, result.OrphanBindings = len(instances), len(bindings)
	for _, instance := range instances {
		if !known[instance.ID] {
			result.Duplicates++
		}
	}
	for _, binding := range bindings {
		if !known[binding.ID] {
			result.Duplicates++
		}
	}
	requests := broker.Requests()
	result.Requests = len(requests)
	for _, request := range requests {
		if request.Fault != "" {
			result.Faults++
		}
	}
}

func knownIDs(lifecycles int) map[string]bool {
	known := make(map[string]bool, 2*lifecycles)
	for n := range lifecycles {
		known[instanceIDOf(n)] = true
		known[bindingIDOf(n)] = true
	}
	return known
}

// outcome is how one lifecycle ended.
type outcome struct {
	failedStep string // empty when the lifecycle succeeded
	err        error
	cleaned    bool
	duplicate  bool
}

// tally adds up outcomes from concurrent lifecycles.
type tally struct {
	mu     sync.Mutex
	result Result
}

func (t *tally) add(o outcome) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if o.duplicate {
		t.result.Duplicates++
	}
	switch {
	case o.failedStep == "":
		t.result.Succeeded++
		return
	case o.cleaned:
		t.result.FailedAndCleaned++
	default:
		t.result.FailedNotCleaned++
	}
	kind := errorKind(o.err)
	if kind == kindUntyped {
		t.result.Untyped++
	}
	reason := o.failedStep + ": " + kind
	t.result.Failures[reason]++
	if _, seen := t.result.Examples[reason]; !seen {
		t.result.Examples[reason] = o.err.Error()
	}
}

const kindUntyped = "untyped error"

// errorKind names the client error type err is, for the accounting.
func errorKind(err error) string {
	var mitigation *osb.OrphanMitigationError
	var failed *osb.OperationFailedError
	var brokerErr *osb.BrokerError
	switch {
	case errors.As(err, &mitigation) && mitigation.Completed:
		return "orphan mitigation completed"
	case errors.As(err, &mitigation):
		return "orphan mitigation incomplete"
	case errors.Is(err, osb.ErrWaitTimeout):
		return "wait timed out"
	case errors.As(err, &failed):
		return "operation failed"
	case errors.As(err, &brokerErr):
		return fmt.Sprintf("broker answered %d", brokerErr.StatusCode)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "context ended"
	case isNoAnswer(err):
		return "no answer"
	}
	return kindUntyped
}
