package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Errors that end a run before its checks, matched with errors.Is.
var (
	// ErrBrokerUnreachable: the catalog request got no answer.
	ErrBrokerUnreachable = errors.New("the broker is not reachable")
	// ErrCredentialsRejected: the broker answered the catalog request with 401 or 403.
	ErrCredentialsRejected = errors.New("the broker rejected the credentials")
)

// Defaults of the polling settings.
const (
	DefaultMinPollDelay = time.Second
	DefaultMaxPollDelay = 30 * time.Second
	DefaultMaxWait      = 30 * time.Minute
	// sweepTimeout bounds the final sweep, which runs even after the run's context ended.
	sweepTimeout = 10 * time.Minute
	// platformTimeout is the request timeout platforms apply to brokers.
	platformTimeout = 60 * time.Second
)

// Options configure a run.
type Options struct {
	// Client talks to the broker under test. The run works on a copy that records every
	// exchange and does not retry, so that the broker's own answers are graded.
	Client *openservicebrokerv1.OpenServiceBrokerV1
	// Plans selects the plans to check by id or name; empty: every plan of the catalog.
	Plans []string
	// Parameters overrides, per plan, the parameters taken from the plans' schemas.
	Parameters ParametersFile
	// Platform fills context and originating identity as that platform does; cloudfoundry
	// when empty.
	Platform string
	// Prefix starts every instance and binding id the run creates; a fresh "osb-check-<hex>"
	// when empty.
	Prefix string
	// Only and Skip select checks by id, glob or dotted prefix.
	Only, Skip []string
	// Polling: the first and the longest delay between polls without Retry-After, and the
	// longest wait for one operation (a plan's maximum_polling_duration may shorten it).
	MinPollDelay, MaxPollDelay, MaxWait time.Duration
	// Progress, when set, gets every result as soon as it is known.
	Progress func(Result)
	// Notice, when set, gets a line for every step that may take a while (a wait, a deletion),
	// with the longest it can last.
	Notice func(string)
}

// run is the state of one run.
type run struct {
	options   Options
	client    *openservicebrokerv1.OpenServiceBrokerV1
	http      *http.Client
	recorder  *recorder
	platform  *platform
	selection selection
	report    *Report
	ledger    *ledger
	// plans are the plans under test by id, for the limits of their operations.
	plans map[string]*planUnderTest

	// catalogAnswer is the exchange that carried the catalog, the evidence of the catalog checks.
	catalogAnswer *Exchange

	// interrupted reports whether the run's context ended: what fails after that is the
	// interruption's doing, not the broker's.
	interrupted func() bool

	subject string
	// errorCodes are the 422 answers of the current scenario that had to carry an error code.
	errorCodes []errorCodeSeen
	// reached holds the checks of the current scenario that have a result, graded the results
	// by check and subject, so that each gets one.
	reached map[CheckID]bool
	graded  map[gradeKey]bool
	// polls are the waits of the current scenario, for the last_operation checks.
	polls []polling
}

// Run checks the broker and returns what it found. Everything the run created is removed at
// the end, even when ctx is cancelled; Report.Leftovers lists what could not be. The error is
// ErrBrokerUnreachable or ErrCredentialsRejected (wrapped) when no check could run.
func Run(ctx context.Context, options Options) (*Report, error) {
	r, err := newRun(options)
	if err != nil {
		return nil, err
	}
	r.interrupted = func() bool { return ctx.Err() != nil }
	defer r.sweep()
	catalog, err := r.fetchCatalog(ctx)
	if err != nil {
		return r.finish(), err
	}
	// A catalog that cannot be indexed (duplicate or missing ids) is one a platform refuses:
	// the catalog checks say why, and the scenarios on plans do not run.
	plans, unusable := []*planUnderTest(nil), ""
	if index, err := openservicebrokerv1.NewCatalog(catalog); err != nil {
		unusable = "a platform cannot use this catalog (see the catalog checks)"
	} else if plans, err = selectPlans(index, options.Plans, options.Parameters); err != nil {
		return r.finish(), err
	}
	for _, p := range plans {
		r.plans[p.planID()] = p
	}
	for _, s := range scenarios {
		if ctx.Err() != nil {
			break
		}
		if s.perPlan && unusable != "" {
			r.skipScenario(s, unusable)
			continue
		}
		r.runScenario(ctx, s, catalog, plans)
	}
	return r.finish(), ctx.Err()
}

func newRun(options Options) (*run, error) {
	if options.Client == nil {
		return nil, errors.New("conformance: Options.Client is required")
	}
	selection, err := newSelection(options.Only, options.Skip)
	if err != nil {
		return nil, err
	}
	platform, err := newPlatform(options.Platform)
	if err != nil {
		return nil, err
	}
	if options.Prefix == "" {
		options.Prefix = "osb-check-" + uuid.NewString()[:8]
	}
	options.MinPollDelay = orDefault(options.MinPollDelay, DefaultMinPollDelay)
	options.MaxPollDelay = orDefault(options.MaxPollDelay, DefaultMaxPollDelay)
	options.MaxWait = orDefault(options.MaxWait, DefaultMaxWait)

	client := options.Client.Clone()
	// The checks judge the broker's answers, so the run's client sends every request rather
	// than refuse some unsent by a catalog the caller's client may hold.
	client.SetCatalog(nil)
	client.DisableRetries()
	httpClient := *client.GetHTTPClient()
	held := &ledger{}
	rec := newRecorder(httpClient.Transport, held)
	httpClient.Transport = rec
	client.SetHTTPClient(&httpClient)
	if err := client.SetDefaultOriginatingIdentity(platform.originatingIdentity); err != nil {
		return nil, err
	}
	return &run{options: options, client: client, http: &httpClient, recorder: rec, platform: platform, selection: selection,
		report: &Report{Broker: redactedURL(client.GetServiceURL()), Prefix: options.Prefix, Started: time.Now()},
		ledger: held, plans: map[string]*planUnderTest{}}, nil
}

// redactedURL is serviceURL as shown in reports and errors: without the password it may hold.
func redactedURL(serviceURL string) string {
	parsed, err := url.Parse(serviceURL)
	if err != nil {
		return "(the broker URL does not parse)"
	}
	return parsed.Redacted()
}

func orDefault(d, fallback time.Duration) time.Duration {
	if d <= 0 {
		return fallback
	}
	return d
}

func (r *run) finish() *Report {
	r.report.Duration = time.Since(r.report.Started)
	return r.report
}

// fetchCatalog reads the catalog, telling an unreachable broker and refused credentials apart.
func (r *run) fetchCatalog(ctx context.Context) (catalog *openservicebrokerv1.BrokerCatalogResp, err error) {
	r.begin("broker")
	defer func() {
		if err != nil {
			r.end([]CheckID{CatalogFetch}, err.Error())
		}
	}()
	catalog, response, err := r.client.ListCatalogWithContext(ctx, r.client.NewListCatalogOptions())
	var brokerErr *openservicebrokerv1.BrokerError
	switch {
	case errors.As(err, &brokerErr) && (brokerErr.StatusCode == http.StatusUnauthorized || brokerErr.StatusCode == http.StatusForbidden):
		return nil, fmt.Errorf("%w (%d on GET /v2/catalog): check the username and password or API key", ErrCredentialsRejected, brokerErr.StatusCode)
	case err != nil && response == nil:
		return nil, fmt.Errorf("%w at %s: %w", ErrBrokerUnreachable, r.report.Broker, err)
	case err != nil:
		r.violate(CatalogFetch, "GET /v2/catalog failed: %v", err)
		return nil, fmt.Errorf("the catalog could not be read: %w", err)
	case len(catalog.Services) == 0:
		r.violate(CatalogFetch, "the catalog lists no service offering")
		return nil, errors.New("the catalog lists no service offering: nothing to check")
	}
	r.catalogAnswer = r.recorder.last()
	r.pass(CatalogFetch, "%d service offering(s)", len(catalog.Services))
	return catalog, nil
}

// runScenario runs a scenario once, or once per plan.
func (r *run) runScenario(ctx context.Context, s scenario, catalog *openservicebrokerv1.BrokerCatalogResp, plans []*planUnderTest) {
	if !r.anySelected(s.checks) {
		return
	}
	subjects := plans
	if !s.perPlan {
		subjects = []*planUnderTest{nil}
	} else if s.firstPlanOnly && len(plans) > 0 {
		subjects = plans[:1]
	}
	for _, p := range subjects {
		if ctx.Err() != nil {
			return
		}
		subject := "broker"
		if p != nil {
			subject = p.subject
		}
		r.begin(subject)
		reason := s.run(ctx, r, catalog, p)
		r.end(s.checks, reason)
	}
}

// skipScenario skips every check of a scenario that cannot run.
func (r *run) skipScenario(s scenario, reason string) {
	r.begin("every plan")
	r.end(s.checks, reason)
}

func (r *run) anySelected(ids []CheckID) bool {
	for _, id := range ids {
		if r.selection.selected(id) {
			return true
		}
	}
	return false
}

func (r *run) begin(subject string) {
	r.subject = subject
	r.reached, r.graded, r.polls = map[CheckID]bool{}, map[gradeKey]bool{}, nil
	r.errorCodes = nil
}

// end grades the error codes the scenario saw, and skips every selected check of the
// scenario that got no result, saying why.
func (r *run) end(ids []CheckID, reason string) {
	if slices.Contains(ids, ErrorsErrorCode) {
		r.gradeErrorCodes(reason)
	}
	if reason == "" {
		reason = "not reached"
	}
	for _, id := range ids {
		if !r.reached[id] {
			r.skip(id, "%s", reason)
		}
	}
}

// gradeKey names one result: a check on one subject.
type gradeKey struct {
	id      CheckID
	subject string
}

// undefinedStatusReason is why a check judging an answer of an undefined status skips: one bad
// answer, one failure.
var undefinedStatusReason = fmt.Sprintf("the answer's status is one the specification does not define for its endpoint: %s reports it", AnswersStatusDefined)

// grade records the outcome of a check for the current subject, with the latest exchange as
// evidence. A check that is not selected, or already graded for this subject, is left alone.
func (r *run) grade(id CheckID, outcome Outcome, evidence *Exchange, format string, args ...any) {
	check, ok := checkByID[id]
	if !ok {
		panic("conformance: unknown check " + string(id)) // a programming error in this package
	}
	key := gradeKey{id, r.subject}
	if !r.selection.selected(id) || r.graded[key] {
		return
	}
	r.graded[key], r.reached[id] = true, true
	result := Result{Check: check, Subject: r.subject, Outcome: outcome, Message: fmt.Sprintf(format, args...)}
	switch {
	case outcome != Pass && outcome != Skip && r.interrupted():
		result.Outcome, result.Message = Skip, "the run was interrupted: "+result.Message
	case (outcome == Fail || outcome == Warn || outcome == Info) && id != AnswersStatusDefined && evidence != nil && evidence.statusProblem != "":
		result.Outcome, result.Message = Skip, undefinedStatusReason+": "+result.Message
	}
	if outcome != Skip {
		result.Evidence = evidence
	}
	r.report.Results = append(r.report.Results, result)
	if r.options.Progress != nil {
		r.options.Progress(result)
	}
}

func (r *run) pass(id CheckID, format string, args ...any) {
	r.grade(id, Pass, r.recorder.last(), format, args...)
}

// violate records that the broker broke the check's rule: fail, warn or info by its level.
func (r *run) violate(id CheckID, format string, args ...any) {
	r.grade(id, checkByID[id].violation(), r.recorder.last(), format, args...)
}

// note records an answer the specification allows that a broker author should know about.
func (r *run) note(id CheckID, format string, args ...any) {
	r.grade(id, Info, r.recorder.last(), format, args...)
}

func (r *run) skip(id CheckID, format string, args ...any) {
	r.grade(id, Skip, nil, format, args...)
}

// errorCodeSeen is a 422 answer that the specification says carries an error code.
type errorCodeSeen struct {
	want, got string
	evidence  *Exchange
}

// expectErrorCode notes a 422 answer whose error field must be want, for errors.error-code.
func (r *run) expectErrorCode(err error, want string) {
	if status, got := errorCode(err); status == http.StatusUnprocessableEntity {
		r.errorCodes = append(r.errorCodes, errorCodeSeen{want: want, got: got, evidence: r.recorder.last()})
	}
}

// passRefusal passes a check whose rule asks for a 422, and notes the error code the answer
// must carry for errors.error-code. while, when set, says what was in progress.
func (r *run) passRefusal(id CheckID, err error, want, while string) {
	_, code := errorCode(err)
	if while != "" {
		while = " while " + while
	}
	r.pass(id, "422 %s%s", code, while)
	r.expectErrorCode(err, want)
}

// gradeErrorCodes grades errors.error-code from the 422 answers of the scenario: a wrong or
// missing code fails it, with the first such answer as evidence.
func (r *run) gradeErrorCodes(reason string) {
	if len(r.errorCodes) == 0 {
		if reason == "" {
			r.skip(ErrorsErrorCode, "no answer of this scenario had to carry an error code")
		}
		return
	}
	codes := make([]string, 0, len(r.errorCodes))
	for _, seen := range r.errorCodes {
		if seen.got != seen.want {
			r.grade(ErrorsErrorCode, checkByID[ErrorsErrorCode].violation(), seen.evidence,
				"a 422 that must carry the error code %s carried %q", seen.want, seen.got)
			return
		}
		codes = append(codes, seen.got)
	}
	r.grade(ErrorsErrorCode, Pass, r.errorCodes[0].evidence, "422 answers carried %s", strings.Join(codes, ", "))
}

// expectNone passes the check when problems is empty and violates it with the problems otherwise.
func (r *run) expectNone(id CheckID, problems []string, format string, args ...any) {
	if len(problems) == 0 {
		r.pass(id, format, args...)
		return
	}
	r.violate(id, "%s", strings.Join(problems, "; "))
}

// expect passes the check when ok and violates it otherwise.
func (r *run) expect(id CheckID, ok bool, format string, args ...any) {
	if ok {
		r.pass(id, format, args...)
	} else {
		r.violate(id, format, args...)
	}
}

// gradeAnswerTimes checks, over every exchange of the run, that the broker answered in time.
func (r *run) gradeAnswerTimes() {
	r.subject = "broker"
	var slowest *Exchange
	exchanges := r.recorder.since(0)
	for i := range exchanges {
		if slowest == nil || exchanges[i].Duration > slowest.Duration {
			slowest = &exchanges[i]
		}
	}
	if slowest == nil {
		return
	}
	outcome := Pass
	if slowest.Duration > platformTimeout {
		outcome = checkByID[BrokerAnswersWithin60s].violation()
	}
	r.grade(BrokerAnswersWithin60s, outcome, slowest, "slowest of %d answers: %s %s in %s", len(exchanges), slowest.Method, slowest.URL, slowest.Duration.Round(time.Millisecond))
}

// newID returns an id carrying the run prefix.
func (r *run) newID(kind string) string {
	return r.options.Prefix + "-" + kind + "-" + uuid.NewString()[:8]
}

// waitOptions are the polling settings of one wait, bounded by the plan's maximum_polling_duration.
func (r *run) waitOptions(p *planUnderTest, onPoll func(openservicebrokerv1.PollEvent)) openservicebrokerv1.WaitOptions {
	wait := openservicebrokerv1.NewWaitOptions().SetMinDelay(r.options.MinPollDelay).SetMaxDelay(r.options.MaxPollDelay).
		SetMaxWait(r.options.MaxWait).SetOnPoll(onPoll)
	if p != nil {
		if limit, ok := p.MaximumPollingDuration(); ok {
			wait.SetMaximumPollingDuration(int64(limit / time.Second))
		}
	}
	return *wait
}

func errorCode(err error) (status int, code string) {
	var brokerErr *openservicebrokerv1.BrokerError
	if errors.As(err, &brokerErr) {
		return brokerErr.StatusCode, brokerErr.ErrorCode
	}
	return 0, ""
}

func statusOf(response *core.DetailedResponse, err error) int {
	if status, _ := errorCode(err); status != 0 {
		return status
	}
	if response != nil {
		return response.StatusCode
	}
	return 0
}

// describe says what an answer was, for messages.
func describe(response *core.DetailedResponse, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%d %s", response.StatusCode, http.StatusText(response.StatusCode))
}
