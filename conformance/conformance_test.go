package conformance_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/conformance"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1/cataloglint"
)

// fastPolling keeps the embedded broker's asynchronous operations to milliseconds.
func fastPolling(options conformance.Options) conformance.Options {
	options.MinPollDelay, options.MaxPollDelay, options.MaxWait = time.Millisecond, 20*time.Millisecond, time.Minute
	return options
}

// flagged returns the checks that neither passed nor were skipped (nor got one of the outcomes
// allowed), logging each.
func flagged(t *testing.T, report *conformance.Report, allowed ...conformance.Outcome) map[conformance.CheckID]conformance.Outcome {
	t.Helper()
	found := map[conformance.CheckID]conformance.Outcome{}
	for _, result := range report.Results {
		if result.Outcome != conformance.Pass && result.Outcome != conformance.Skip && !slices.Contains(allowed, result.Outcome) {
			found[result.Check.ID] = result.Outcome
			t.Logf("%s %s [%s]: %s", result.Outcome, result.Check.ID, result.Subject, result.Message)
		}
	}
	return found
}

func TestConformantBrokerGetsNoFailureAndNoWarning(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client()}))
	require.NoError(t, err)
	assert.Empty(t, flagged(t, report))
	ran := map[conformance.CheckID]bool{}
	perSubject := map[string]bool{}
	for _, result := range report.Results {
		ran[result.Check.ID] = true
		key := string(result.Check.ID) + " [" + result.Subject + "]"
		assert.False(t, perSubject[key], "%s has one result", key)
		perSubject[key] = true
		if result.Outcome == conformance.Skip {
			assert.NotEmpty(t, result.Message, "%s: a skipped check says why", result.Check.ID)
		}
	}
	for _, check := range conformance.Checks() {
		assert.True(t, ran[check.ID], "%s has a result", check.ID)
	}
	assert.Empty(t, report.Leftovers)
	assert.Empty(t, srv.Instances(), "the run removed every instance it created")
	assert.Empty(t, srv.Bindings(), "the run removed every binding it created")
}

// TestEachMisbehaviourIsCaughtByItsChecks runs the checker against a broker that breaks one
// rule at a time: exactly the checks of that rule flag it (fail, warn or info by the rule's level).
func TestEachMisbehaviourIsCaughtByItsChecks(t *testing.T) {
	caughtBy := map[brokertest.Misbehaviour]map[conformance.CheckID]conformance.Outcome{
		brokertest.MisbehaveCreateAnswers200:             {conformance.ProvisionSync201New: conformance.Fail, conformance.Bind201New: conformance.Fail},
		brokertest.MisbehaveDeleteMissingAnswers200:      {conformance.DeprovisionMissing410: conformance.Fail, conformance.UnbindMissing410: conformance.Fail},
		brokertest.MisbehaveDeleteMissingAnswers404:      {conformance.DeprovisionMissing410: conformance.Fail, conformance.UnbindMissing410: conformance.Fail},
		brokertest.MisbehaveIgnoreAcceptsIncomplete:      {conformance.ProvisionAsyncRequired422: conformance.Fail},
		brokertest.MisbehaveStateSpelling:                {conformance.LastOperationStateValues: conformance.Fail},
		brokertest.MisbehaveNoOperation:                  {conformance.ProvisionAsyncOperation: conformance.Info},
		brokertest.MisbehaveNoConcurrencyError:           {conformance.ConcurrencyBusyInstance: conformance.Info},
		brokertest.MisbehaveNoCredentialsOnSyncBind:      {conformance.BindCredentials: conformance.Fail},
		brokertest.MisbehaveDuplicatePlanID:              {conformance.CatalogIDsUnique: conformance.Fail},
		brokertest.MisbehaveNoIdentityEcho:               {conformance.HeadersRequestIdentityEchoed: conformance.Warn},
		brokertest.MisbehaveEmptyDeleteBody:              {conformance.AnswersBodyShape: conformance.Fail},
		brokertest.MisbehaveGoneAsText:                   {conformance.AnswersContentTypeJSON: conformance.Warn},
		brokertest.MisbehaveEmptyErrorDescription:        {conformance.ErrorsDescriptionString: conformance.Fail},
		brokertest.MisbehaveFetchMissingAnswers410:       {conformance.InstanceGetMissing404: conformance.Fail, conformance.BindingGetMissing404: conformance.Fail},
		brokertest.MisbehavePollMissingAnswers410:        {conformance.LastOperationMissing404: conformance.Fail},
		brokertest.MisbehaveInstanceUsableOnEveryPoll:    {conformance.LastOperationOperationFields: conformance.Fail},
		brokertest.MisbehaveMalformedAnswers422:          {conformance.RequestsMalformed400: conformance.Fail},
		brokertest.MisbehaveDashboardURLLate:             {conformance.ProvisionDashboardURLFirst: conformance.Fail},
		brokertest.MisbehaveFetchDuringUpdateAnswers200:  {conformance.InstanceGetWhileUpdating422: conformance.Fail},
		brokertest.MisbehaveUpdateWithoutPlanChangesPlan: {conformance.UpdateKeepsPlan: conformance.Fail},
		brokertest.MisbehaveBindIgnoresAcceptsIncomplete: {conformance.BindAsyncRequired422: conformance.Fail},
		brokertest.MisbehaveBusyUnbindAnswers410:         {conformance.UnbindBusy422: conformance.Fail},
		brokertest.MisbehaveUnprocessableBodyAnswers422:  {conformance.RequestsUnprocessableBody400: conformance.Warn},
		brokertest.MisbehaveSnakeCaseMetadata:            {conformance.CatalogMetadataNames: conformance.Warn},
		brokertest.MisbehaveUnbindAnswers204:             {conformance.AnswersStatusDefined: conformance.Fail},
	}
	// Only asynchronous bindings need accepts_incomplete or stay in progress; rotation on the
	// asynchronous plan shows the rotation's part of the rule.
	needs := map[brokertest.Misbehaviour][]brokertest.Option{
		brokertest.MisbehaveBindIgnoresAcceptsIncomplete: asyncBindings(),
		brokertest.MisbehaveBusyUnbindAnswers410:         asyncBindings(),
	}
	require.Len(t, caughtBy, len(brokertest.Misbehaviours()), "every misbehaviour has a row")
	for _, misbehaviour := range brokertest.Misbehaviours() {
		t.Run(string(misbehaviour), func(t *testing.T) {
			t.Parallel()
			srv := brokertest.NewServer(append(needs[misbehaviour], brokertest.WithMisbehaviour(misbehaviour))...)
			defer srv.Close()

			report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client()}))
			require.NoError(t, err)
			assert.Equal(t, caughtBy[misbehaviour], flagged(t, report))
			assert.Empty(t, report.Leftovers, "the sweep removes everything, whatever the broker does")
		})
	}
}

// TestAsynchronousBindingsAndRotationAreChecked runs the binding checks that the default
// broker skips: asynchronous bind with its last_operation, and rotation.
func TestAsynchronousBindingsAndRotationAreChecked(t *testing.T) {
	srv := brokertest.NewServer(append(asyncBindings(), brokertest.WithBindingLifetime(time.Hour))...)
	defer srv.Close()

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client()}))
	require.NoError(t, err)
	assert.Empty(t, flagged(t, report))
	outcomes := map[conformance.CheckID][]conformance.Outcome{}
	for _, result := range report.Results {
		outcomes[result.Check.ID] = append(outcomes[result.Check.ID], result.Outcome)
	}
	assert.Contains(t, outcomes[conformance.BindRotation], conformance.Pass)
	assert.Contains(t, outcomes[conformance.BindAsync202ThenSucceeded], conformance.Pass, "the asynchronous plan binds asynchronously")
	bindingPut := "PUT /v2/service_instances/:instance_id/service_bindings/:binding_id"
	for _, subject := range []string{bindingPut, bindingPut + " (rotation)"} {
		assert.Equal(t, conformance.Pass, outcomeOn(report, conformance.BindAsyncRequired422, "large "+subject), subject)
	}
	assert.Equal(t, conformance.Pass, outcomeOn(report, conformance.UnbindBusy422, "large"))
	assert.Equal(t, conformance.Pass, outcomeOn(report, conformance.InstanceGetWhileUpdating422, "large"))
	assert.Equal(t, conformance.Pass, outcomeOn(report, conformance.UpdateKeepsPlan, "large"))
	assert.Empty(t, srv.Bindings())
}

// asyncBindings configures a broker whose asynchronous plan binds asynchronously only, with
// rotation on both plans.
func asyncBindings() []brokertest.Option {
	return []brokertest.Option{brokertest.WithAsyncBindings(true),
		brokertest.WithRotatableBindings(brokertest.DefaultSyncPlanID, brokertest.DefaultAsyncPlanID)}
}

// outcomeOn returns the outcome of a check on the subject whose name ends with subject.
func outcomeOn(report *conformance.Report, id conformance.CheckID, subject string) conformance.Outcome {
	for _, result := range report.Results {
		if result.Check.ID == id && strings.HasSuffix(result.Subject, subject) {
			return result.Outcome
		}
	}
	return ""
}

// TestPlatformFillsContextAndOriginatingIdentity checks that every provision carries the
// context and the originating identity of the platform asked for.
func TestPlatformFillsContextAndOriginatingIdentity(t *testing.T) {
	for _, platform := range conformance.Platforms {
		t.Run(platform, func(t *testing.T) {
			srv := brokertest.NewServer()
			defer srv.Close()

			_, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client(), Platform: platform,
				Only: []string{string(conformance.ProvisionSync201New)}, Plans: []string{brokertest.DefaultSyncPlanID}}))
			require.NoError(t, err)
			provisions := 0
			for _, request := range srv.Requests() {
				if request.Method != "PUT" || strings.Contains(request.Path, "service_bindings") {
					continue
				}
				provisions++
				var body struct {
					Context struct {
						Platform string `json:"platform"`
					} `json:"context"`
					OrganizationGUID string `json:"organization_guid"`
					SpaceGUID        string `json:"space_guid"`
				}
				require.NoError(t, json.Unmarshal(request.Body, &body))
				assert.Equal(t, platform, body.Context.Platform)
				assert.NotEmpty(t, body.OrganizationGUID)
				assert.NotEmpty(t, body.SpaceGUID)
				identityPlatform, _, err := openservicebrokerv1.ParseOriginatingIdentity(request.Header.Get(openservicebrokerv1.HeaderOriginatingIdentity))
				require.NoError(t, err)
				assert.Equal(t, platform, identityPlatform)
			}
			assert.Positive(t, provisions)
		})
	}
}

// TestCancelledRunRemovesWhatItCreated cancels a run in the middle of an asynchronous
// provision: the final sweep still removes the instance.
func TestCancelledRunRemovesWhatItCreated(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithAsyncDuration(300 * time.Millisecond))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	options := fastPolling(conformance.Options{Client: srv.Client(), Plans: []string{brokertest.DefaultAsyncPlanID}, Only: []string{"provision"}})
	options.Progress = func(result conformance.Result) {
		if result.Check.ID == conformance.ProvisionAsync202RepeatSameOperation {
			cancel() // the provisioning is in progress now
		}
	}

	report, err := conformance.Run(ctx, options)
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, report.Count(conformance.Fail), "what the interruption cut short is skipped, not failed")
	assert.Empty(t, report.Leftovers)
	assert.Empty(t, srv.Instances(), "the sweep deprovisioned the instance")
}

func TestSelectionRejectsAPatternThatMatchesNoCheck(t *testing.T) {
	_, err := conformance.Describe(conformance.Options{Only: []string{"provison.*"}})
	require.ErrorContains(t, err, `"provison.*" matches no check`)
}

func TestDescribeSelectsByIDGlobAndPrefix(t *testing.T) {
	planned, err := conformance.Describe(conformance.Options{Only: []string{"bind", string(conformance.UnbindMissing410), "deprovision.*"}, Skip: []string{string(conformance.BindRotation)}})
	require.NoError(t, err)
	var ids []conformance.CheckID
	for _, scenario := range planned {
		for _, check := range scenario.Checks {
			ids = append(ids, check.ID)
		}
	}
	assert.Contains(t, ids, conformance.BindCredentials)
	assert.Contains(t, ids, conformance.UnbindMissing410)
	assert.Contains(t, ids, conformance.DeprovisionMissing410)
	assert.NotContains(t, ids, conformance.BindRotation, "--skip wins over --only")
	assert.NotContains(t, ids, conformance.Unbind200Or202)
	assert.NotContains(t, ids, conformance.BindingGet, `"bind" selects bind.* only`)
}

func TestEveryCheckHasSectionAndLevel(t *testing.T) {
	seen := map[conformance.CheckID]bool{}
	for _, check := range conformance.Checks() {
		assert.False(t, seen[check.ID], "%s is listed once", check.ID)
		seen[check.ID] = true
		assert.NotEmpty(t, check.Section, check.ID)
		assert.NotEmpty(t, check.Rule, check.ID)
		assert.Contains(t, []cataloglint.Level{cataloglint.LevelMust, cataloglint.LevelShould, cataloglint.LevelMay}, check.Level, check.ID)
	}
}

// TestA422WithoutItsErrorCodeFailsOnlyTheErrorCodeCheck: the refusal itself is what the
// specification asks (422), so only the missing error field is the broker's deviation.
func TestA422WithoutItsErrorCodeFailsOnlyTheErrorCodeCheck(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	require.NoError(t, srv.InjectFault(brokertest.Fault{Method: "PUT", PathPattern: "/v2/service_instances/*", Count: 1,
		Status: 422, Body: `{"description":"this plan needs accepts_incomplete=true"}`, ContentType: "application/json"}))

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client(),
		Plans: []string{brokertest.DefaultSyncPlanID}, Only: []string{string(conformance.ProvisionAsyncRequired422), string(conformance.ErrorsErrorCode)}}))
	require.NoError(t, err)
	assert.Equal(t, map[conformance.CheckID]conformance.Outcome{conformance.ErrorsErrorCode: conformance.Fail}, flagged(t, report))
}

func TestAuthenticationChecksSkipABrokerWithoutAuthentication(t *testing.T) {
	// A broker that serves its catalog to anyone, as a broker without authentication does.
	catalog, err := json.Marshal(map[string]any{"services": brokertest.DefaultCatalog()})
	require.NoError(t, err)
	broker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(catalog)
	}))
	defer broker.Close()
	client, err := openservicebrokerv1.NewOpenServiceBrokerV1(&openservicebrokerv1.OpenServiceBrokerV1Options{URL: broker.URL, Authenticator: &core.NoAuthAuthenticator{}})
	require.NoError(t, err)

	report, err := conformance.Run(context.Background(), conformance.Options{Client: client, Only: []string{"auth"}})
	require.NoError(t, err)
	authResults := 0
	for _, result := range report.Results {
		if strings.HasPrefix(string(result.Check.ID), "auth.") {
			authResults++
			assert.Equal(t, conformance.Skip, result.Outcome, result.Check.ID)
			assert.Contains(t, result.Message, "without authentication")
		}
	}
	assert.Equal(t, 2, authResults)
}

// TestAnUpdateTheBrokerDoesNotSupportIsInformation: "Updating a Service Instance, Response"
// has the broker answer 422 to a change it does not support, so the refusal is no failure.
func TestAnUpdateTheBrokerDoesNotSupportIsInformation(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	forward := httputil.NewSingleHostReverseProxy(target)
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, request *http.Request) {
		if request.Method == http.MethodPatch {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"description":"this plan cannot be updated"}`))
			return
		}
		forward.ServeHTTP(w, request)
	}))
	defer refusing.Close()
	client := srv.Client().Clone()
	require.NoError(t, client.SetServiceURL(refusing.URL))

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: client,
		Plans: []string{brokertest.DefaultSyncPlanID}, Only: []string{string(conformance.UpdatePreviousValues), string(conformance.UpdatePlanChange)}}))
	require.NoError(t, err)
	graded := map[conformance.CheckID]conformance.Result{}
	for _, result := range report.Results {
		graded[result.Check.ID] = result
	}
	for _, id := range []conformance.CheckID{conformance.UpdatePreviousValues, conformance.UpdatePlanChange} {
		assert.Equal(t, conformance.Info, graded[id].Outcome, id)
		assert.Contains(t, graded[id].Message, "this plan cannot be updated", "%s gives the broker's description", id)
	}
	assert.Empty(t, srv.Instances())
}

func TestTextReportPrintsNoEscapeTheBrokerSent(t *testing.T) {
	report := &conformance.Report{Broker: "http://127.0.0.1:1", Prefix: "p",
		Results: []conformance.Result{{Subject: "db\x1b[2J/small", Outcome: conformance.Fail,
			Check: conformance.Check{ID: conformance.BindCredentials}, Message: "the broker said \x1b[31mno\x1b[0m\rhidden\nsecond \x1b]0;title\x07line"}},
		Leftovers: []conformance.Resource{{InstanceID: "i", Problem: "deprovision answered \x1b[H500"}}}
	var out strings.Builder
	require.NoError(t, conformance.WriteText(&out, report, false))
	// Shown, not dropped: what the broker sent stays visible, harmless.
	assert.Contains(t, out.String(), `db\u001b[2J/small`)
	assert.Contains(t, out.String(), `the broker said \u001b[31mno\u001b[0m\u000dhidden`+"\n")
	assert.Contains(t, out.String(), `second \u001b]0;title\u0007line`+"\n")
	assert.Contains(t, out.String(), `deprovision answered \u001b[H500`)
	assert.NotContains(t, out.String(), "\x1b")
	assert.NotContains(t, out.String(), "\r")
}

// TestAGetAfterTheUpdateEndedIsNoFailure: a broker whose update ends before the GET arrives
// serves it; the poll after the GET shows the update ended, so the check cannot tell.
func TestAGetAfterTheUpdateEndedIsNoFailure(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithAsyncPolls(0)) // an operation ends as soon as anything looks at it
	defer srv.Close()

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client(),
		Plans: []string{brokertest.DefaultAsyncPlanID}, Only: []string{string(conformance.InstanceGetWhileUpdating422)}}))
	require.NoError(t, err)
	assert.Equal(t, conformance.Inconclusive, outcomeOn(report, conformance.InstanceGetWhileUpdating422, "large"))
	assert.Empty(t, srv.Instances())
}

// TestAnUndefinedStatusIsOneFailureOfItsOwn runs the checker against a broker that answers a
// completed unbind 204 No Content: answers.status-defined fails on that endpoint alone, and the
// check that expected 200 skips naming it; the refusals the checker provokes (401, 400, 404,
// 409, 410, 412, 422) are statuses the specification defines and pass.
func TestAnUndefinedStatusIsOneFailureOfItsOwn(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithMisbehaviour(brokertest.MisbehaveUnbindAnswers204))
	defer srv.Close()

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client()}))
	require.NoError(t, err)
	unbind := "DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id"
	endpoints, unbinds := 0, 0
	for _, result := range report.Results {
		switch {
		case result.Check.ID == conformance.AnswersStatusDefined && result.Subject == unbind:
			assert.Equal(t, conformance.Fail, result.Outcome)
			assert.Contains(t, result.Message, "answered 204 No Content")
			assert.Contains(t, result.Message, "Unbinding, Response")
			require.NotNil(t, result.Evidence)
			assert.Equal(t, 204, result.Evidence.Status)
		case result.Check.ID == conformance.AnswersStatusDefined:
			endpoints++
			assert.Equal(t, conformance.Pass, result.Outcome, result.Subject)
		case result.Check.ID == conformance.Unbind200Or202:
			unbinds++
			assert.Equal(t, conformance.Skip, result.Outcome, result.Subject)
			assert.Contains(t, result.Message, "answers.status-defined reports it", result.Subject)
		}
	}
	assert.Equal(t, 9, endpoints, "every other endpoint is judged")
	assert.Positive(t, unbinds)
	assert.Empty(t, report.Leftovers)
	assert.Empty(t, srv.Bindings())
}
