package openservicebrokerv1_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// badInput is what a bad-input test passes to an operation; every other required option is
// set to a valid value.
type badInput struct {
	instanceID, bindingID string
	parameters            any
	headers               map[string]string
}

// badInputOperation is one operation of the client, called with a badInput.
type badInputOperation struct {
	name string
	// path is the operation's path template, with {instance_id} and {binding_id}.
	path string
	// parameters tells whether the operation sends free-form parameters.
	parameters bool
	call       func(*osb.OpenServiceBrokerV1, badInput) error
}

// withID returns, for each ID parameter of op, the valid input with that parameter set to id.
func (op badInputOperation) withID(id string) map[string]badInput {
	inputs := map[string]badInput{}
	if strings.Contains(op.path, "{instance_id}") {
		inputs["instance_id"] = badInput{instanceID: id, bindingID: acceptedInput.bindingID}
	}
	if strings.Contains(op.path, "{binding_id}") {
		inputs["binding_id"] = badInput{instanceID: acceptedInput.instanceID, bindingID: id}
	}
	return inputs
}

// sentPath is the escaped path op must send when its ID parameter holds a value escaped as
// segment and the other ID is valid.
func (op badInputOperation) sentPath(parameter, segment string) string {
	ids := map[string]string{"instance_id": acceptedInput.instanceID, "binding_id": acceptedInput.bindingID}
	ids[parameter] = segment
	return strings.NewReplacer("{instance_id}", ids["instance_id"], "{binding_id}", ids["binding_id"]).Replace(op.path)
}

const (
	badInputInstancePath = "/v2/service_instances/{instance_id}"
	badInputBindingPath  = badInputInstancePath + "/service_bindings/{binding_id}"
	badInputServiceID    = brokertest.DefaultServiceID
	badInputPlanID       = brokertest.DefaultSyncPlanID
)

// badInputOperations lists every operation of the client.
var badInputOperations = []badInputOperation{
	{name: "ListCatalog", path: "/v2/catalog", call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		_, _, err := c.ListCatalog(c.NewListCatalogOptions().SetHeaders(in.headers))
		return err
	}},
	{name: "ReplaceServiceInstance", path: badInputInstancePath, parameters: true, call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		options := c.NewReplaceServiceInstanceOptions(in.instanceID).SetServiceID(badInputServiceID).SetPlanID(badInputPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
		_, _, err := c.ReplaceServiceInstance(options.SetParameters(in.parameters).SetHeaders(in.headers))
		return err
	}},
	{name: "UpdateServiceInstance", path: badInputInstancePath, parameters: true, call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		options := c.NewUpdateServiceInstanceOptions(in.instanceID).SetServiceID(badInputServiceID)
		_, _, err := c.UpdateServiceInstance(options.SetParameters(in.parameters).SetHeaders(in.headers))
		return err
	}},
	{name: "DeleteServiceInstance", path: badInputInstancePath, call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		_, _, err := c.DeleteServiceInstance(c.NewDeleteServiceInstanceOptions(badInputServiceID, badInputPlanID, in.instanceID).SetHeaders(in.headers))
		return err
	}},
	{name: "GetServiceInstance", path: badInputInstancePath, call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		_, _, err := c.GetServiceInstance(c.NewGetServiceInstanceOptions(in.instanceID).SetHeaders(in.headers))
		return err
	}},
	{name: "GetLastOperation", path: badInputInstancePath + "/last_operation", call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		_, _, err := c.GetLastOperation(c.NewGetLastOperationOptions(in.instanceID).SetHeaders(in.headers))
		return err
	}},
	{name: "GetServiceInstanceState", path: "/bluemix_v1/service_instances/{instance_id}", call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		_, _, err := c.GetServiceInstanceState(c.NewGetServiceInstanceStateOptions(in.instanceID).SetHeaders(in.headers))
		return err
	}},
	{name: "ReplaceServiceInstanceState", path: "/bluemix_v1/service_instances/{instance_id}", call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		_, _, err := c.ReplaceServiceInstanceState(c.NewReplaceServiceInstanceStateOptions(in.instanceID).SetEnabled(true).SetHeaders(in.headers))
		return err
	}},
	{name: "ReplaceServiceBinding", path: badInputBindingPath, parameters: true, call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		options := c.NewReplaceServiceBindingOptions(in.bindingID, in.instanceID).SetServiceID(badInputServiceID).SetPlanID(badInputPlanID)
		_, _, err := c.ReplaceServiceBinding(options.SetParameters(in.parameters).SetHeaders(in.headers))
		return err
	}},
	{name: "DeleteServiceBinding", path: badInputBindingPath, call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		_, err := c.DeleteServiceBinding(c.NewDeleteServiceBindingOptions(in.bindingID, in.instanceID, badInputPlanID, badInputServiceID).SetHeaders(in.headers))
		return err
	}},
	{name: "GetServiceBinding", path: badInputBindingPath, call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		_, _, err := c.GetServiceBinding(c.NewGetServiceBindingOptions(in.bindingID, in.instanceID).SetHeaders(in.headers))
		return err
	}},
	{name: "GetServiceBindingLastOperation", path: badInputBindingPath + "/last_operation", call: func(c *osb.OpenServiceBrokerV1, in badInput) error {
		_, _, err := c.GetServiceBindingLastOperation(c.NewGetServiceBindingLastOperationOptions(in.bindingID, in.instanceID).SetHeaders(in.headers))
		return err
	}},
}

// acceptedInput is an input the broker accepts.
var acceptedInput = badInput{instanceID: "instance-1", bindingID: "binding-1"}

// countingTransport counts the requests a client hands to the network.
type countingTransport struct {
	sent atomic.Int64
}

func (t *countingTransport) RoundTrip(request *http.Request) (*http.Response, error) {
	t.sent.Add(1)
	return http.DefaultTransport.RoundTrip(request)
}

// badInputBroker is a brokertest broker and a client of it whose every request is counted,
// whether or not it reaches the broker.
type badInputBroker struct {
	server    *brokertest.Server
	client    *osb.OpenServiceBrokerV1
	transport *countingTransport
}

func newBadInputBroker(t *testing.T) *badInputBroker {
	t.Helper()
	server := startBroker(t)
	broker := &badInputBroker{server: server, client: server.Client(), transport: &countingTransport{}}
	broker.client.DisableRetries()
	broker.client.GetHTTPClient().Transport = broker.transport
	return broker
}

// assertNothingSent checks that the client sent no request, not even one the broker never saw.
func (b *badInputBroker) assertNothingSent(t *testing.T) {
	t.Helper()
	assert.Zero(t, b.transport.sent.Load(), "requests handed to the network")
	assert.Empty(t, b.server.Requests(), "requests the broker saw")
}

// assertParameterError checks that err is the *ParameterError of op's parameter and that
// its text names the operation and the parameter and says what is wrong.
func assertParameterError(t *testing.T, err error, operation, parameter string, problem ...string) {
	t.Helper()
	var parameterErr *osb.ParameterError
	require.ErrorAs(t, err, &parameterErr)
	assert.Equal(t, operation, parameterErr.Operation)
	assert.Equal(t, parameter, parameterErr.Parameter)
	for _, text := range append([]string{operation, parameter}, problem...) {
		assert.Contains(t, err.Error(), text)
	}
}

func TestBadInputBlankIDsFailBeforeSending(t *testing.T) {
	for _, op := range badInputOperations {
		for _, blank := range []string{"", " ", "\t\r\n "} {
			for parameter, input := range op.withID(blank) {
				t.Run(op.name+"/"+parameter+"/"+strconv.Quote(blank), func(t *testing.T) {
					broker := newBadInputBroker(t)
					err := op.call(broker.client, input)
					assertParameterError(t, err, op.name, parameter, "required", "blank")
					broker.assertNothingSent(t)
				})
			}
		}
	}
}

// badInputOddIDs are IDs with characters that have a meaning in a URL, with the path segment
// that must carry each.
var badInputOddIDs = []struct {
	name, id, escaped string
}{
	{"slash", "crn:v1:bluemix:public:db:us-south:a/0123456789:instance-1::", "crn:v1:bluemix:public:db:us-south:a%2F0123456789:instance-1::"},
	{"question mark", "what?x=1", "what%3Fx=1"},
	{"hash", "id#fragment", "id%23fragment"},
	{"percent", "100%", "100%25"},
	{"escaped slash", "a%2Fb", "a%252Fb"},
	{"space", "my instance", "my%20instance"},
	{"unicode", "grüße-€-😀", "gr%C3%BC%C3%9Fe-%E2%82%AC-%F0%9F%98%80"},
	{"1 MB", strings.Repeat("x", 1<<20), strings.Repeat("x", 1<<20)},
}

func TestBadInputOddIDsAreSentEscaped(t *testing.T) {
	for _, op := range badInputOperations {
		for _, odd := range badInputOddIDs {
			for parameter, input := range op.withID(odd.id) {
				t.Run(op.name+"/"+parameter+"/"+odd.name, func(t *testing.T) {
					t.Parallel() // the IDs of a megabyte take a while under the race detector
					broker := newBadInputBroker(t)
					_ = op.call(broker.client, input) // the broker may refuse: what matters is what it received
					requests := broker.server.Requests()
					require.Len(t, requests, 1)
					// Not assert.Equal: a failure would print a megabyte.
					assert.True(t, requests[0].Path == op.sentPath(parameter, odd.escaped), "path sent: %.200s...", requests[0].Path)
				})
			}
		}
	}
}

// TestBadInputOddIDsRoundTrip creates an instance and a binding under each odd ID, reads them
// back and deletes them: the broker must hold them under exactly the IDs the caller gave.
func TestBadInputOddIDsRoundTrip(t *testing.T) {
	for _, odd := range badInputOddIDs {
		t.Run(odd.name, func(t *testing.T) {
			t.Parallel()
			broker := newBadInputBroker(t)
			instance := badInput{instanceID: odd.id}
			badInputRun(t, broker.client, instance, "ReplaceServiceInstance", "GetServiceInstance")
			instances := broker.server.Instances()
			require.Len(t, instances, 1)
			assert.True(t, instances[0].ID == odd.id, "the broker holds the instance as %.100q", instances[0].ID)
			badInputRun(t, broker.client, instance, "DeleteServiceInstance")

			// A binding is tried under a short instance ID: two IDs of a megabyte make a path
			// longer than the broker accepts.
			binding := badInput{instanceID: acceptedInput.instanceID, bindingID: odd.id}
			badInputRun(t, broker.client, binding, "ReplaceServiceInstance", "ReplaceServiceBinding", "GetServiceBinding")
			bindings := broker.server.Bindings()
			require.Len(t, bindings, 1)
			assert.True(t, bindings[0].ID == odd.id, "the broker holds the binding as %.100q", bindings[0].ID)
			badInputRun(t, broker.client, binding, "DeleteServiceBinding", "DeleteServiceInstance")
			assert.Empty(t, broker.server.Instances())
		})
	}
}

// badInputRun calls the named operations in order with input, each of which must succeed.
func badInputRun(t *testing.T, client *osb.OpenServiceBrokerV1, input badInput, names ...string) {
	t.Helper()
	for _, name := range names {
		require.NoError(t, badInputOperationNamed(t, name).call(client, input), name)
	}
}

func badInputOperationNamed(t *testing.T, name string) badInputOperation {
	t.Helper()
	for _, op := range badInputOperations {
		if op.name == name {
			return op
		}
	}
	t.Fatalf("no operation %s", name)
	return badInputOperation{}
}

func TestBadInputDotSegmentIDsFailBeforeSending(t *testing.T) {
	for _, op := range badInputOperations {
		for _, dots := range []string{".", ".."} {
			for parameter, input := range op.withID(dots) {
				t.Run(op.name+"/"+parameter+"/"+dots, func(t *testing.T) {
					broker := newBadInputBroker(t)
					err := op.call(broker.client, input)
					assertParameterError(t, err, op.name, parameter, `"`+dots+`"`, "another resource")
					broker.assertNothingSent(t)
				})
			}
		}
	}
}

func TestBadInputParametersThatAreNotObjectsFailBeforeSending(t *testing.T) {
	notObjects := map[string]any{
		"slice":           []string{"a"},
		"string":          "size=10",
		"number":          42,
		"boolean":         true,
		"channel":         make(chan int),
		"raw JSON array":  json.RawMessage(`[1]`),
		"raw JSON broken": json.RawMessage(`{"a":`),
	}
	for _, op := range badInputOperations {
		if !op.parameters {
			continue
		}
		for name, value := range notObjects {
			t.Run(op.name+"/"+name, func(t *testing.T) {
				broker := newBadInputBroker(t)
				input := acceptedInput
				input.parameters = value
				err := op.call(broker.client, input)
				assertParameterError(t, err, op.name, "parameters", "must be a JSON object", fmt.Sprintf("%T", value))
				broker.assertNothingSent(t)
			})
		}
	}
}

// TestBadInputParametersThatDoNotEncodeFailBeforeSending passes a map, which the client sends
// as it is: only encoding the whole request body finds the value inside that JSON cannot hold.
func TestBadInputParametersThatDoNotEncodeFailBeforeSending(t *testing.T) {
	for _, op := range badInputOperations {
		if !op.parameters {
			continue
		}
		t.Run(op.name, func(t *testing.T) {
			broker := newBadInputBroker(t)
			input := acceptedInput
			input.parameters = map[string]any{"callback": func() {}}
			err := op.call(broker.client, input)
			assertParameterError(t, err, op.name, "request body", "cannot be encoded as JSON")
			require.Error(t, errors.Unwrap(err))
			assert.Contains(t, errors.Unwrap(err).Error(), "unsupported type: func()", "the cause says which type JSON cannot hold")
			broker.assertNothingSent(t)
		})
	}
}

var badInputAPIVersions = []string{"v2", "", "2", "2.x", "2.17 ", "2.17\n", "２.１７"}

func TestBadInputAPIVersionIsRejected(t *testing.T) {
	for _, version := range badInputAPIVersions {
		t.Run(strconv.Quote(version), func(t *testing.T) {
			broker := newBadInputBroker(t)
			err := broker.client.SetBrokerAPIVersion(version)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "SetBrokerAPIVersion")
			assert.Contains(t, err.Error(), strconv.Quote(version), "the error quotes the value")
			assert.Contains(t, err.Error(), "major.minor")
			assert.Equal(t, osb.DefaultBrokerAPIVersion, broker.client.GetBrokerAPIVersion(), "the rejected version was kept")
			broker.assertNothingSent(t)
		})
	}
}

// TestBadInputAPIVersionHeaderFailsBeforeSending sets the version header in the operation's
// options and in the client's default headers, both of which go out unless rejected.
func TestBadInputAPIVersionHeaderFailsBeforeSending(t *testing.T) {
	setters := map[string]func(*osb.OpenServiceBrokerV1, *badInput, string){
		"options": func(_ *osb.OpenServiceBrokerV1, input *badInput, version string) {
			input.headers = map[string]string{osb.HeaderAPIVersion: version}
		},
		"default headers": func(client *osb.OpenServiceBrokerV1, _ *badInput, version string) {
			client.SetDefaultHeaders(http.Header{osb.HeaderAPIVersion: {version}})
		},
	}
	for _, op := range badInputOperations {
		for setterName, set := range setters {
			for _, version := range []string{"v2", "2", "2.x"} {
				t.Run(op.name+"/"+setterName+"/"+version, func(t *testing.T) {
					broker := newBadInputBroker(t)
					input := acceptedInput
					set(broker.client, &input, version)
					err := op.call(broker.client, input)
					assertParameterError(t, err, op.name, osb.HeaderAPIVersion, strconv.Quote(version), "major.minor")
					broker.assertNothingSent(t)
				})
			}
		}
	}
}

func TestBadInputAPIVersionFromEnvironmentIsRejected(t *testing.T) {
	t.Setenv("OPEN_SERVICE_BROKER_URL", "http://127.0.0.1:9")
	t.Setenv("OPEN_SERVICE_BROKER_AUTH_TYPE", "noauth")
	t.Setenv("OPEN_SERVICE_BROKER_API_VERSION", "v2")
	client, err := osb.NewOpenServiceBrokerV1UsingExternalConfig(&osb.OpenServiceBrokerV1Options{})
	require.Error(t, err)
	assert.Nil(t, client)
	assert.Contains(t, err.Error(), "OPEN_SERVICE_BROKER_API_VERSION")
	assert.Contains(t, err.Error(), "major.minor")
}

// badInputURL is a service URL a client cannot send a request to, with what the error says about it.
type badInputURL struct {
	name, url, problem string
}

var badInputServiceURLs = []badInputURL{
	{"no scheme", "://bad", "missing protocol scheme"},
	{"relative", "ftp-ish", "not an absolute http or https URL"},
	{"ftp", "ftp://127.0.0.1:21/broker", "not an absolute http or https URL"},
	{"space in host", "http://127.0.0.1 :8080", "invalid"},
	{"no host", "http://", "not an absolute http or https URL"},
	{"no host with path", "http:///v2", "not an absolute http or https URL"},
	{"braces", "{http://127.0.0.1}", "URL"},
}

func TestBadInputServiceURLFailsAtConstruction(t *testing.T) {
	for _, bad := range badInputServiceURLs {
		t.Run(bad.name, func(t *testing.T) {
			client, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{URL: bad.url, Authenticator: &core.NoAuthAuthenticator{}})
			require.Error(t, err)
			assert.Nil(t, client)
			assert.Contains(t, err.Error(), "URL")
			assert.Contains(t, err.Error(), bad.problem)
		})
	}
}

func TestBadInputServiceURLFromEnvironmentFailsAtConstruction(t *testing.T) {
	t.Setenv("OPEN_SERVICE_BROKER_URL", "ftp://127.0.0.1:21/broker")
	t.Setenv("OPEN_SERVICE_BROKER_AUTH_TYPE", "noauth")
	client, err := osb.NewOpenServiceBrokerV1UsingExternalConfig(&osb.OpenServiceBrokerV1Options{})
	require.Error(t, err)
	assert.Nil(t, client)
	assert.Contains(t, err.Error(), "OPEN_SERVICE_BROKER_URL")
	assert.Contains(t, err.Error(), "not an absolute http or https URL")
}

func TestBadInputServiceURLFailsBeforeSending(t *testing.T) {
	for _, op := range badInputOperations {
		for _, bad := range slices.Concat(badInputServiceURLs, []badInputURL{{"empty", "", "service URL is empty"}}) {
			t.Run(op.name+"/"+bad.name, func(t *testing.T) {
				broker := newBadInputBroker(t)
				err := broker.client.SetServiceURL(bad.url)
				if err == nil {
					err = op.call(broker.client, acceptedInput)
				}
				require.Error(t, err)
				assert.Contains(t, err.Error(), "URL")
				assert.Contains(t, err.Error(), bad.problem)
				broker.assertNothingSent(t)
			})
		}
	}
}

func TestBadInputServiceURLErrorHidesThePassword(t *testing.T) {
	const password = "url-pa55word-7f3e"
	_, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{
		URL: "ftp://admin:" + password + "@127.0.0.1/broker", Authenticator: &core.NoAuthAuthenticator{},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ftp://admin:xxxxx@127.0.0.1/broker")
	assert.False(t, strings.Contains(err.Error(), password), "the error shows the URL's password")
}

func TestBadInputMissingAuthenticatorFailsAtConstruction(t *testing.T) {
	var nilBasic *core.BasicAuthenticator
	for name, authenticator := range map[string]core.Authenticator{"nil": nil, "nil pointer": nilBasic} {
		t.Run(name, func(t *testing.T) {
			client, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{URL: "http://127.0.0.1:9", Authenticator: authenticator})
			require.Error(t, err)
			assert.Nil(t, client)
			assert.Contains(t, err.Error(), "Authentication information was not properly configured")
		})
	}
}

func TestBadInputMissingAuthenticatorFailsBeforeSending(t *testing.T) {
	for _, op := range badInputOperations {
		t.Run(op.name, func(t *testing.T) {
			broker := newBadInputBroker(t)
			broker.client.Service.Options.Authenticator = nil
			err := op.call(broker.client, acceptedInput)
			require.Error(t, err)
			assert.Contains(t, err.Error(), op.name)
			assert.Contains(t, err.Error(), "no authenticator")
			broker.assertNothingSent(t)
		})
	}
}

func TestBadInputNilOptionsFailBeforeSending(t *testing.T) {
	broker := newBadInputBroker(t)
	_, _, err := broker.client.GetServiceInstance(nil)
	assertParameterError(t, err, "GetServiceInstance", "options", "must not be nil", "NewGetServiceInstanceOptions")
	broker.assertNothingSent(t)
}
