package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/internal/testkit"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// externalTarget points the walk at srv as at a broker known only by URL and credentials.
func externalTarget(srv *brokertest.Server) *Target {
	return &Target{
		Client:      srv.Client(),
		Description: srv.URL,
		Wait:        openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond),
		Close:       func() {},
	}
}

// assertInOrder checks that every part appears in text, each after the one before.
func assertInOrder(t *testing.T, text string, parts ...string) {
	t.Helper()
	quoted := make([]string, len(parts))
	for i, part := range parts {
		quoted[i] = regexp.QuoteMeta(part)
	}
	assert.Regexp(t, "(?s)"+strings.Join(quoted, ".*"), text, "the parts in this order")
}

func TestRunOnTheEmbeddedBrokerReportsEveryStep(t *testing.T) {
	target, err := StartEmbedded("", "", "hint")
	require.NoError(t, err)
	defer target.Close()
	var out bytes.Buffer
	report, err := Run(context.Background(), &out, "demo", target)
	require.NoError(t, err)

	require.Len(t, report.Steps, 10)
	assert.Equal(t, "catalog", report.Steps[0].Name)
	assert.Contains(t, report.Steps[6].Details, "credentials (masked):")
	assertInOrder(t, out.String(), "demo: the life of a service instance", "(hint)", "context: platform cloudfoundry, organization ",
		"(generated)", "summary: all 10 steps succeeded")
}

func TestRunSendsTheFieldsTheSpecRequires(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	_, err := Run(context.Background(), io.Discard, "demo", externalTarget(srv))
	require.NoError(t, err)

	var provisions int
	for _, request := range srv.Requests() {
		if request.Method != http.MethodPut || !strings.HasPrefix(request.Path, "/v2/") || strings.Contains(request.Path, "service_bindings") {
			continue
		}
		provisions++
		var body struct {
			OrganizationGUID string                      `json:"organization_guid"`
			SpaceGUID        string                      `json:"space_guid"`
			Context          openservicebrokerv1.Context `json:"context"`
		}
		require.NoError(t, json.Unmarshal(request.Body, &body))
		assert.NotEmpty(t, body.OrganizationGUID, "Provisioning, Body: organization_guid is required")
		assert.NotEmpty(t, body.SpaceGUID, "Provisioning, Body: space_guid is required")
		assert.Equal(t, openservicebrokerv1.PlatformCloudFoundry, *body.Context.Platform)
		assert.Equal(t, body.OrganizationGUID, *body.Context.OrganizationGuid, "the context and the fields agree")
		assert.Equal(t, body.SpaceGUID, *body.Context.SpaceGuid)
	}
	assert.Equal(t, 1, provisions)
}

func TestRunSaysABindWithoutCredentialsHasNone(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodPut, PathPattern: "/v2/service_instances/*/service_bindings/*", Status: http.StatusCreated, Body: `{"credentials":null}`}))
	var out bytes.Buffer
	// The later steps fail: the broker kept no binding. Only the bind's lines matter here.
	_, _ = Run(context.Background(), &out, "demo", externalTarget(srv))
	assertInOrder(t, out.String(), "[7/10] bind", "201 Created", "credentials: none", "[8/10]")
	assert.NotContains(t, out.String(), "credentials (masked):")
}

func TestPollsShowGoneAndNoEscapes(t *testing.T) {
	var out bytes.Buffer
	l := &lifecycle{steps: &stepLog{out: &out}}
	l.reportPoll(openservicebrokerv1.PollEvent{Attempt: 2, Elapsed: time.Second})
	l.reportPoll(openservicebrokerv1.PollEvent{Attempt: 3, State: "in progress\x1b[2J", Description: "\u202eevil\r"})
	assert.Equal(t, "      poll 2: gone (410) after 1s\n      poll 3: in progress\\u001b[2J after 0s (\\u202eevil\\u000d)\n", out.String())
}

func TestRunSkipsWhatTheBrokerDoesNotOffer(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := brokertest.NewServer()
			defer srv.Close()
			require.NoError(t, srv.InjectFault(brokertest.Fault{PathPattern: "/bluemix_v1/service_instances/*", Status: status, Body: `{}`}))
			var out bytes.Buffer
			_, err := Run(context.Background(), &out, "demo", externalTarget(srv))
			require.NoError(t, err)
			skip := fmt.Sprintf("skipped: the broker does not serve IBM Cloud's state endpoints (%d %s)", status, http.StatusText(status))
			assertInOrder(t, out.String(), "[5/10] disable (IBM state)", skip, "[6/10] enable (IBM state)", skip, "[7/10] bind")
		})
	}
}

func TestRunSkipsBindingAPlanThatIsNotBindableAndGetsThatAreNotOffered(t *testing.T) {
	catalog := brokertest.DefaultCatalog()
	catalog[0].Bindable = false
	catalog[0].InstancesRetrievable = false
	for i := range catalog[0].Plans {
		catalog[0].Plans[i].Bindable = domain.BindableValue(false)
	}
	srv := brokertest.NewServer(brokertest.WithCatalog(catalog))
	defer srv.Close()
	var out bytes.Buffer
	_, err := Run(context.Background(), &out, "demo", externalTarget(srv))
	require.NoError(t, err)
	assertInOrder(t, out.String(), "using service 3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30 (brokertest-db), plan a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09 (small)",
		"[3/10] get instance", "skipped: the service does not offer GET of instances",
		"[7/10] bind", "skipped: the plan is not bindable", "[8/10] get binding", "skipped: the plan is not bindable",
		"[9/10] unbind", "skipped: the plan is not bindable", "summary: all 10 steps succeeded")
	assert.Empty(t, srv.Bindings())
	assert.Empty(t, srv.Instances())
}

func TestChoosePlanPrefersBindablePlans(t *testing.T) {
	notBindable, bindable := false, true
	response := &openservicebrokerv1.BrokerCatalogResp{Services: []openservicebrokerv1.Service{
		{ID: ptr("s1"), Name: ptr("one"), Description: ptr("d"), Bindable: &bindable, Plans: []openservicebrokerv1.Plan{
			{ID: ptr("p1"), Name: ptr("a"), Description: ptr("d"), Bindable: &notBindable},
			{ID: ptr("p2"), Name: ptr("b"), Description: ptr("d")},
		}},
	}}
	catalog, err := openservicebrokerv1.NewCatalog(response)
	require.NoError(t, err)
	tests := map[string]struct{ serviceID, planID, want string }{
		"first bindable plan":         {want: "p2"},
		"the plan asked for":          {planID: "p1", want: "p1"},
		"the service's bindable plan": {serviceID: "s1", want: "p2"},
		"a plan of the service":       {serviceID: "s1", planID: "p1", want: "p1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			plan, err := choosePlan(catalog, tc.serviceID, tc.planID)
			require.NoError(t, err)
			assert.Equal(t, tc.want, plan.ID())
		})
	}
	_, err = choosePlan(catalog, "s1", "p3")
	assert.ErrorContains(t, err, `plan "p3"`)
}

func ptr(s string) *string { return &s }

func TestMayExist(t *testing.T) {
	tests := map[string]struct {
		err  error
		want bool
	}{
		"success":           {nil, true},
		"rejected":          {&openservicebrokerv1.BrokerError{StatusCode: 409}, false},
		"broker failure":    {&openservicebrokerv1.BrokerError{StatusCode: 503}, true},
		"failed operation":  {&openservicebrokerv1.OperationFailedError{}, true},
		"mitigated":         {&openservicebrokerv1.OrphanMitigationError{Completed: true}, false},
		"mitigation failed": {&openservicebrokerv1.OrphanMitigationError{}, true},
		"no answer":         {context.DeadlineExceeded, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, mayExist(tc.err))
		})
	}
}

// TestInterruptCleansUp stops the walk while the broker still works on the provision, the
// update or the bind: the clean-up waits for that operation, then removes what the walk created.
func TestInterruptCleansUp(t *testing.T) {
	isInstancePut := func(r brokertest.RecordedRequest) bool {
		return r.Method == http.MethodPut && !strings.Contains(r.Path, "/service_bindings/")
	}
	cases := map[string]struct {
		sent    func(brokertest.RecordedRequest) bool
		waiting string
	}{
		"provision": {isInstancePut, "an operation on the instance is in progress; waiting for it to end"},
		"update":    {func(r brokertest.RecordedRequest) bool { return r.Method == http.MethodPatch }, "an operation on the instance is in progress; waiting for it to end"},
		"bind": {func(r brokertest.RecordedRequest) bool {
			return r.Method == http.MethodPut && strings.Contains(r.Path, "/service_bindings/")
		}, "an operation on the binding is in progress; waiting for it to end"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			srv := brokertest.NewServer(brokertest.WithAsyncPolls(20), brokertest.WithLastOperationRetryAfter(0), brokertest.WithAsyncBindings(true))
			defer srv.Close()
			target := externalTarget(srv)
			target.PlanID = brokertest.DefaultAsyncPlanID
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// The interrupt comes with the first poll of the operation, which has 20 to go.
			httpClient := target.Client.GetHTTPClient()
			base := httpClient.Transport
			if base == nil {
				base = http.DefaultTransport
			}
			httpClient.Transport = testkit.RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
				if strings.HasSuffix(r.URL.Path, "/last_operation") && slices.ContainsFunc(srv.Requests(), c.sent) {
					cancel()
				}
				return base.RoundTrip(r)
			})
			var out bytes.Buffer
			_, err := Run(ctx, &out, "demo", target)
			require.ErrorIs(t, err, context.Canceled)
			assertInOrder(t, out.String(), "cleaning up instance", c.waiting, "succeeded")
			assert.NotContains(t, out.String(), "could not", "the clean-up removed everything")
			assert.Empty(t, srv.Bindings(), "the interrupted walk's binding is unbound")
			assert.Empty(t, srv.Instances(), "the interrupted walk's instance is deprovisioned")
		})
	}
}
