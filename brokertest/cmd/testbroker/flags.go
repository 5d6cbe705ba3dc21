package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// settings are the parsed command-line flags.
type settings struct {
	addr            string
	username        string
	password        string
	catalogFile     string
	asyncPolls      int
	asyncDuration   time.Duration
	asyncPlans      []string
	asyncPlansSet   bool
	asyncBindings   bool
	failing         []string
	retryAfter      int
	faultRate       float64
	faultSeed       int64
	faultKinds      []string
	faultRetryAfter int
	readyFile       string
	verbose         bool
	lenient         bool
	misbehaviours   []string
	rotatablePlans  []string
	rotatableSet    bool
	bindingLifetime time.Duration

	catalog []domain.Service
}

func parseFlags(args []string, stderr io.Writer) (settings, error) {
	var s settings
	fs := flag.NewFlagSet("testbroker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&s.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&s.username, "username", "", "basic-auth username (default: random, printed)")
	fs.StringVar(&s.password, "password", "", "basic-auth password (default: random, printed)")
	fs.StringVar(&s.catalogFile, "catalog", "", `catalog JSON file, {"services": [...]} (default: built-in catalog)`)
	fs.IntVar(&s.asyncPolls, "async-polls", 2, `last_operation polls an asynchronous operation answers "in progress"`)
	fs.DurationVar(&s.asyncDuration, "async-duration", 0, "minimum duration of an asynchronous operation")
	fs.Func("async-plans", "comma-separated plan ids whose instance operations are asynchronous only (default: "+brokertest.DefaultAsyncPlanID+")",
		func(v string) error { s.asyncPlans, s.asyncPlansSet = splitList(v), true; return nil })
	fs.BoolVar(&s.asyncBindings, "async-bindings", false, "make bind and unbind on the asynchronous plans asynchronous too")
	fs.Func("fail", "comma-separated operation kinds whose asynchronous runs end failed (provision,update,deprovision,bind,unbind)",
		func(v string) error { s.failing = splitList(v); return nil })
	fs.IntVar(&s.retryAfter, "retry-after", 0, "Retry-After seconds on last_operation answers (negative: no header)")
	fs.Float64Var(&s.faultRate, "fault-rate", 0, "fraction of requests answered with a random fault (0..1)")
	fs.Int64Var(&s.faultSeed, "fault-seed", 1, "seed of the random faults")
	fs.Func("fault-kinds", "comma-separated random fault kinds (unavailable,too-many-requests,drop-before,drop-after; default all)",
		func(v string) error { s.faultKinds = splitList(v); return nil })
	fs.IntVar(&s.faultRetryAfter, "fault-retry-after", 1, "Retry-After seconds on random 429 faults")
	fs.Func("rotatable-plans", "comma-separated plan ids whose bindings can be rotated (default: "+brokertest.DefaultSyncPlanID+")",
		func(v string) error { s.rotatablePlans, s.rotatableSet = splitList(v), true; return nil })
	fs.DurationVar(&s.bindingLifetime, "binding-lifetime", 0, "lifetime of a binding, reported as expires_at and renew_before (0: for ever)")
	fs.BoolVar(&s.lenient, "lenient", false, "accept what the broker library accepts instead of rejecting malformed requests as a strict broker does")
	fs.Func("misbehave", "comma-separated ways to break the specification, for testing platforms and checkers ("+misbehaviourNames()+")",
		func(v string) error { s.misbehaviours = splitList(v); return nil })
	fs.StringVar(&s.readyFile, "ready-file", "", "write the client environment to this file once listening")
	fs.BoolVar(&s.verbose, "verbose", false, "log the broker library's messages to stderr")
	if err := fs.Parse(args); err != nil {
		return settings{}, err
	}
	if fs.NArg() > 0 {
		return settings{}, fmt.Errorf("unexpected arguments %q; all settings are flags (see -h)", fs.Args())
	}
	return s, nil
}

func splitList(v string) []string {
	var items []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// options turns the settings into brokertest options; it loads the catalog (the file if given)
// into s.catalog, which clientEnvironment reads.
func (s *settings) options(stderr io.Writer) ([]brokertest.Option, error) {
	s.catalog = brokertest.DefaultCatalog()
	if s.catalogFile != "" {
		catalog, err := brokertest.LoadCatalog(s.catalogFile)
		if err != nil {
			return nil, err
		}
		s.catalog = catalog
	}
	opts := []brokertest.Option{
		brokertest.WithAddr(s.addr),
		brokertest.WithCatalog(s.catalog),
		brokertest.WithAsyncPolls(s.asyncPolls),
		brokertest.WithAsyncDuration(s.asyncDuration),
		brokertest.WithAsyncBindings(s.asyncBindings),
		brokertest.WithFailingOperations(operationKinds(s.failing)...),
		brokertest.WithLastOperationRetryAfter(s.retryAfter),
		brokertest.WithRandomFaults(s.faultRate, s.faultSeed, faultKinds(s.faultKinds)...),
		brokertest.WithRandomFaultRetryAfter(s.faultRetryAfter),
		brokertest.WithLogger(newLogger(s.verbose, stderr)),
		brokertest.WithMisbehaviour(misbehaviours(s.misbehaviours)...),
		brokertest.WithBindingLifetime(s.bindingLifetime),
	}
	if s.rotatableSet {
		opts = append(opts, brokertest.WithRotatableBindings(s.rotatablePlans...))
	}
	if s.lenient {
		opts = append(opts, brokertest.WithLenient())
	}
	if s.asyncPlansSet {
		opts = append(opts, brokertest.WithAsyncPlans(s.asyncPlans...))
	}
	if s.username != "" || s.password != "" {
		opts = append(opts, brokertest.WithCredentials(s.username, s.password))
	}
	return opts, nil
}

func operationKinds(names []string) []brokertest.OperationKind {
	kinds := make([]brokertest.OperationKind, len(names))
	for i, n := range names {
		kinds[i] = brokertest.OperationKind(n)
	}
	return kinds
}

func misbehaviours(names []string) []brokertest.Misbehaviour {
	list := make([]brokertest.Misbehaviour, len(names))
	for i, n := range names {
		list[i] = brokertest.Misbehaviour(n)
	}
	return list
}

func misbehaviourNames() string {
	var names []string
	for _, m := range brokertest.Misbehaviours() {
		names = append(names, string(m))
	}
	return strings.Join(names, ",")
}

func faultKinds(names []string) []brokertest.FaultKind {
	kinds := make([]brokertest.FaultKind, len(names))
	for i, n := range names {
		kinds[i] = brokertest.FaultKind(n)
	}
	return kinds
}

// effectiveAsyncPlans returns the plan ids whose instance operations are asynchronous.
func (s *settings) effectiveAsyncPlans() []string {
	if s.asyncPlansSet {
		return s.asyncPlans
	}
	return []string{brokertest.DefaultAsyncPlanID}
}
