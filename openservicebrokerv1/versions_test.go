package openservicebrokerv1_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

const (
	gatedInstance = "gated-instance"
	gatedBinding  = "gated-binding"
	annotationKey = "myprovider.com/send-alerts-to-email"
)

// fullContext carries every context property of the Cloud Foundry and Kubernetes profiles.
func fullContext() *osb.Context {
	annotations := map[string]any{annotationKey: "me@mycompany.com"}
	return &osb.Context{Platform: core.StringPtr(osb.PlatformCloudFoundry),
		OrganizationGuid: core.StringPtr("1113aa0-124e-4af2-1526-6bfacf61b111"), OrganizationName: core.StringPtr("system"),
		SpaceGuid: core.StringPtr("aaaa1234-da91-4f12-8ffa-b51d0336aaaa"), SpaceName: core.StringPtr("development"),
		InstanceName: core.StringPtr("my-db"), OrganizationAnnotations: annotations, SpaceAnnotations: annotations,
		InstanceAnnotations: annotations, ClusterID: core.StringPtr("8263feba-9b8a-23ae-99ed-abcd1234feda"),
		NamespaceAnnotations: annotations}
}

// fullRequests send, per operation of the version table, a request carrying every element the
// table names for it; a refused body field is carried only when it is the one under test.
var fullRequests = map[string]func(client *osb.OpenServiceBrokerV1, refused string) error{
	"list_catalog": func(client *osb.OpenServiceBrokerV1, _ string) error {
		_, _, err := client.ListCatalog(client.NewListCatalogOptions().SetHeaders(map[string]string{
			"If-None-Match": `"v1"`, "If-Modified-Since": "Mon, 07 Dec 2026 10:00:00 GMT"}))
		return err
	},
	"replace_service_instance": func(client *osb.OpenServiceBrokerV1, refused string) error {
		options := client.NewReplaceServiceInstanceOptions(gatedInstance).SetServiceID(brokertest.DefaultServiceID).
			SetPlanID(brokertest.DefaultSyncPlanID).SetContext(fullContext()).SetAcceptsIncomplete(true).
			SetOriginatingIdentity(cloudFoundryIdentity).SetRequestIdentity("e26cea76-f5a0-4bbc-a1e1-4ff25f4a0bd2")
		if refused == "/maintenance_info" {
			options.SetMaintenanceInfo(&osb.MaintenanceInfo{Version: core.StringPtr("1.0.0")})
		}
		_, _, err := client.ReplaceServiceInstance(options)
		return err
	},
	"update_service_instance": func(client *osb.OpenServiceBrokerV1, refused string) error {
		options := client.NewUpdateServiceInstanceOptions(gatedInstance).SetServiceID(brokertest.DefaultServiceID).
			SetContext(fullContext()).SetAcceptsIncomplete(true).
			SetPreviousValues(&osb.PreviousValues{PlanID: core.StringPtr(brokertest.DefaultSyncPlanID),
				MaintenanceInfo: &osb.MaintenanceInfo{Version: core.StringPtr("1.0.0")}})
		if refused == "/maintenance_info" {
			options.SetMaintenanceInfo(&osb.MaintenanceInfo{Version: core.StringPtr("1.0.0")})
		}
		_, _, err := client.UpdateServiceInstance(options)
		return err
	},
	"delete_service_instance": func(client *osb.OpenServiceBrokerV1, _ string) error {
		_, _, err := client.DeleteServiceInstance(client.NewDeleteServiceInstanceOptions(brokertest.DefaultServiceID,
			brokertest.DefaultSyncPlanID, gatedInstance).SetAcceptsIncomplete(true))
		return err
	},
	"replace_service_binding": func(client *osb.OpenServiceBrokerV1, refused string) error {
		options := client.NewReplaceServiceBindingOptions(gatedBinding, gatedInstance).SetServiceID(brokertest.DefaultServiceID).
			SetPlanID(brokertest.DefaultSyncPlanID).SetContext(fullContext()).SetAcceptsIncomplete(true).
			SetBindResource(&osb.BindResource{AppGuid: core.StringPtr("5e76c9bf-d5e3-46bf-9877-6d8dddfc8a45"),
				SpaceGuid:          core.StringPtr("15823972-c216-4ba5-9f3f-e75b0b891297"),
				AppAnnotations:     map[string]any{annotationKey: "me@mycompany.com"},
				CredentialClientID: core.StringPtr("cc_service_key_client")})
		if refused == "/predecessor_binding_id" {
			options.SetPredecessorBindingID("older-binding")
		}
		_, _, err := client.ReplaceServiceBinding(options)
		return err
	},
	"delete_service_binding": func(client *osb.OpenServiceBrokerV1, _ string) error {
		_, err := client.DeleteServiceBinding(client.NewDeleteServiceBindingOptions(gatedBinding, gatedInstance,
			brokertest.DefaultSyncPlanID, brokertest.DefaultServiceID).SetAcceptsIncomplete(true))
		return err
	},
	"get_last_operation": func(client *osb.OpenServiceBrokerV1, _ string) error {
		_, _, err := client.GetLastOperation(client.NewGetLastOperationOptions(gatedInstance).SetServiceID(brokertest.DefaultServiceID).
			SetPlanID(brokertest.DefaultSyncPlanID).SetOperation("Provision_45"))
		return err
	},
	"get_service_instance": func(client *osb.OpenServiceBrokerV1, _ string) error {
		_, _, err := client.GetServiceInstance(client.NewGetServiceInstanceOptions(gatedInstance).
			SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID))
		return err
	},
	"get_service_binding": func(client *osb.OpenServiceBrokerV1, _ string) error {
		_, _, err := client.GetServiceBinding(client.NewGetServiceBindingOptions(gatedBinding, gatedInstance).
			SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID))
		return err
	},
	"get_service_binding_last_operation": func(client *osb.OpenServiceBrokerV1, _ string) error {
		_, _, err := client.GetServiceBindingLastOperation(client.NewGetServiceBindingLastOperationOptions(gatedBinding, gatedInstance))
		return err
	},
}

// cloudFoundryIdentity is profile.md's Cloud Foundry originating identity example.
const cloudFoundryIdentity = "cloudfoundry eyJ1c2VyX2lkIjogIjY4M2VhNzQ4LTMwOTItNGZmNC1iNjU2LTM5Y2FjYzRkNTM2MCJ9"

// sendAt sends the operation's full request with the client set to version and returns what
// the broker received (nil when nothing was sent) and the error.
func sendAt(t *testing.T, srv *brokertest.Server, version, operation, refused string) (*brokertest.RecordedRequest, error) {
	t.Helper()
	client := srv.Client()
	client.DisableRetries()
	require.NoError(t, client.SetBrokerAPIVersion(version))
	srv.ResetRequests()
	err := fullRequests[operation](client, refused)
	requests := srv.Requests()
	require.LessOrEqual(t, len(requests), 1)
	if len(requests) == 0 {
		return nil, err
	}
	assert.Empty(t, requests[0].NewerThanAPIVersion, "the broker finds nothing newer than the version the client announces")
	return &requests[0], err
}

// replayAt sends a recorded request again, unchanged but for the X-Broker-API-Version it
// announces, and returns the broker's status and what it recorded of it.
func replayAt(t *testing.T, srv *brokertest.Server, recorded *brokertest.RecordedRequest, version string) (int, string, brokertest.RecordedRequest) {
	t.Helper()
	request, err := http.NewRequest(recorded.Method, srv.URL+recorded.Path+"?"+recorded.RawQuery, bytes.NewReader(recorded.Body))
	require.NoError(t, err)
	request.Header = recorded.Header.Clone()
	request.Header.Set(osb.HeaderAPIVersion, version)
	srv.ResetRequests()
	answer, err := http.DefaultClient.Do(request)
	require.NoError(t, err)
	defer answer.Body.Close()
	body, err := io.ReadAll(answer.Body)
	require.NoError(t, err)
	received := srv.Requests()
	require.Len(t, received, 1)
	return answer.StatusCode, string(body), received[0]
}

// carries reports whether the received request has the rule's element.
func carries(t *testing.T, received *brokertest.RecordedRequest, rule osb.APIVersionRule) bool {
	t.Helper()
	if received == nil {
		return false
	}
	switch rule.Kind {
	case osb.ElementHeader:
		return received.Header.Get(rule.Name) != ""
	case osb.ElementQuery:
		return received.Query().Has(rule.Name)
	case osb.ElementBody:
		if len(received.Body) == 0 {
			return false
		}
		var value any
		require.NoError(t, json.Unmarshal(received.Body, &value))
		for _, key := range strings.Split(rule.Name, "/")[1:] {
			object, ok := value.(map[string]any)
			if !ok {
				return false
			}
			if value, ok = object[key]; !ok {
				return false
			}
		}
	}
	return true
}

// operationsOf are the operations a rule is tested on: its own, or those whose full request
// carries an element the table names for every operation.
func operationsOf(rule osb.APIVersionRule) []string {
	if rule.Operation != "" {
		return []string{rule.Operation}
	}
	var operations []string
	for operation := range fullRequests {
		if mayCarry(operation, rule) {
			operations = append(operations, operation)
		}
	}
	return operations
}

func versionBefore(t *testing.T, version string) string {
	major, minor, _ := strings.Cut(version, ".")
	n, err := strconv.Atoi(minor)
	require.NoError(t, err)
	require.Positive(t, n)
	return major + "." + strconv.Itoa(n-1)
}

func refusedName(rule osb.APIVersionRule) string {
	if rule.Refused && rule.Kind == osb.ElementBody {
		return rule.Name
	}
	return ""
}

func TestAPIVersionRules_EachElementIsSentFromItsVersionOnAndNotBefore(t *testing.T) {
	srv := startBroker(t)
	for _, rule := range osb.APIVersionRules() {
		operations := operationsOf(rule)
		require.NotEmpty(t, operations, "rule %+v is tested on at least one operation", rule)
		for _, operation := range operations {
			name := fmt.Sprintf("%s %s %s since %s on %s", rule.Kind, rule.Name, rule.Operation, rule.Since, operation)
			t.Run(name, func(t *testing.T) {
				require.Contains(t, fullRequests, operation, "every operation of the table has a full request")
				atSince, _ := sendAt(t, srv, rule.Since, operation, refusedName(rule))
				require.True(t, carries(t, atSince, rule), "a %s client sends it", rule.Since)
				before := versionBefore(t, rule.Since)
				received, err := sendAt(t, srv, before, operation, refusedName(rule))
				if rule.Refused {
					require.ErrorIs(t, err, osb.ErrNewerThanAPIVersion)
					assert.Contains(t, err.Error(), rule.Source, "the error cites the source")
					assert.Nil(t, received, "nothing is sent")
					return
				}
				require.NotNil(t, received, "the request is sent without the element")
				assert.False(t, carries(t, received, rule), "a %s client leaves it out", before)
			})
		}
	}
}

func TestAPIVersionRules_AStrictBrokerRefusesOrRecordsWhatIsNewerThanTheAnnouncedVersion(t *testing.T) {
	srv := startBroker(t)
	for _, rule := range osb.APIVersionRules() {
		for _, operation := range operationsOf(rule) {
			name := fmt.Sprintf("%s %s %s since %s on %s", rule.Kind, rule.Name, rule.Operation, rule.Since, operation)
			t.Run(name, func(t *testing.T) {
				atSince, _ := sendAt(t, srv, rule.Since, operation, refusedName(rule))
				require.NotNil(t, atSince)

				status, body, received := replayAt(t, srv, atSince, versionBefore(t, rule.Since))

				assert.Contains(t, received.NewerThanAPIVersion, rule, "the broker records the element as newer than the announced version")
				if rule.Refused {
					assert.Equal(t, http.StatusPreconditionFailed, status, "a strict broker refuses it: %s", body)
					assert.Contains(t, body, rule.Source, "the refusal cites the source")
					assert.Contains(t, body, "was introduced in "+rule.Since)
					return
				}
				assert.NotEqual(t, http.StatusPreconditionFailed, status, "a broker of the older version ignores it (Vendor Extension Fields): %s", body)
			})
		}
	}
}

func TestAPIVersionRules_ALenientBrokerOnlyRecordsWhatIsNewer(t *testing.T) {
	srv := startBroker(t, brokertest.WithLenient())
	atSince, _ := sendAt(t, srv, "2.14", "get_service_instance", "")
	require.NotNil(t, atSince)

	status, body, received := replayAt(t, srv, atSince, "2.13")

	assert.NotEqual(t, http.StatusPreconditionFailed, status, body)
	require.Len(t, received.NewerThanAPIVersion, 1)
	assert.Equal(t, osb.ElementEndpoint, received.NewerThanAPIVersion[0].Kind)
}

// newerRules lists the rules newer than version that apply to operation.
func newerRules(version, operation string) []osb.APIVersionRule {
	var rules []osb.APIVersionRule
	for _, rule := range osb.APIVersionRules() {
		if (rule.Operation == "" || rule.Operation == operation) && versionNewer(rule.Since, version) {
			rules = append(rules, rule)
		}
	}
	return rules
}

func versionNewer(a, b string) bool {
	aMajor, aMinor, _ := strings.Cut(a, ".")
	bMajor, bMinor, _ := strings.Cut(b, ".")
	am, _ := strconv.Atoi(aMajor)
	an, _ := strconv.Atoi(aMinor)
	bm, _ := strconv.Atoi(bMajor)
	bn, _ := strconv.Atoi(bMinor)
	return am > bm || (am == bm && an > bn)
}

func TestAPIVersion_A213ClientSendsNothingNewer(t *testing.T) {
	srv := startBroker(t)
	for operation := range fullRequests {
		t.Run(operation, func(t *testing.T) {
			received, err := sendAt(t, srv, "2.13", operation, "")
			rules := newerRules("2.13", operation)
			if len(rules) > 0 && rules[0].Kind == osb.ElementEndpoint {
				require.ErrorIs(t, err, osb.ErrNewerThanAPIVersion)
				assert.Nil(t, received)
				return
			}
			require.NotNil(t, received)
			assert.Equal(t, "2.13", received.Header.Get(osb.HeaderAPIVersion))
			for _, rule := range rules {
				assert.False(t, carries(t, received, rule), "%s %s (since %s)", rule.Kind, rule.Name, rule.Since)
			}
		})
	}
}

func TestAPIVersion_A217ClientSendsEverything(t *testing.T) {
	srv := startBroker(t)
	for _, refused := range []string{"", "/maintenance_info", "/predecessor_binding_id"} {
		for operation := range fullRequests {
			received, _ := sendAt(t, srv, "2.17", operation, refused)
			require.NotNil(t, received, operation)
			for _, rule := range newerRules("2.0", operation) {
				if rule.Refused && rule.Kind == osb.ElementBody && rule.Name != refused {
					continue
				}
				if rule.Operation == operation || mayCarry(operation, rule) {
					assert.True(t, carries(t, received, rule), "%s: %s %s", operation, rule.Kind, rule.Name)
				}
			}
		}
	}
}

// mayCarry says which operations carry the elements that the table names for every operation.
func mayCarry(operation string, rule osb.APIVersionRule) bool {
	switch {
	case rule.Operation != "":
		return false
	case rule.Kind == osb.ElementHeader:
		return operation == "replace_service_instance"
	case rule.Name == "/maintenance_info", rule.Name == "/context": // a bind's context has its own row
		return operation == "replace_service_instance" || operation == "update_service_instance"
	case strings.HasPrefix(rule.Name, "/context"):
		return operation == "replace_service_instance" || operation == "update_service_instance" || operation == "replace_service_binding"
	}
	return false
}

func TestAPIVersion_TheVersionHeaderACallerSetsIsTheOneApplied(t *testing.T) {
	srv := startBroker(t)
	client := srv.Client()

	_, _, err := client.GetServiceInstance(client.NewGetServiceInstanceOptions(gatedInstance).
		SetHeaders(map[string]string{osb.HeaderAPIVersion: "2.13"}))

	require.ErrorIs(t, err, osb.ErrNewerThanAPIVersion)
	assert.Contains(t, err.Error(), "GET /v2/service_instances/{instance_id} was introduced in 2.14")
	assert.Empty(t, srv.Requests())
}

func TestAPIVersion_ProfileJSON(t *testing.T) {
	cases := map[string]struct {
		options *osb.ReplaceServiceBindingOptions
		pointer string
		want    string
	}{
		"Cloud Foundry Bind Resource Object, service binding": {
			options: (&osb.ReplaceServiceBindingOptions{}).SetBindResource(&osb.BindResource{
				AppGuid: core.StringPtr("5e76c9bf-d5e3-46bf-9877-6d8dddfc8a45"), SpaceGuid: core.StringPtr("15823972-c216-4ba5-9f3f-e75b0b891297")}),
			pointer: "bind_resource",
			want:    `{"app_guid": "5e76c9bf-d5e3-46bf-9877-6d8dddfc8a45", "space_guid": "15823972-c216-4ba5-9f3f-e75b0b891297"}`,
		},
		"Cloud Foundry Bind Resource Object, service key": {
			options: (&osb.ReplaceServiceBindingOptions{}).SetBindResource(&osb.BindResource{CredentialClientID: core.StringPtr("cc_service_key_client")}),
			pointer: "bind_resource",
			want:    `{"credential_client_id": "cc_service_key_client"}`,
		},
		"Cloud Foundry Bind Resource Object, app_annotations": {
			options: (&osb.ReplaceServiceBindingOptions{}).SetBindResource(&osb.BindResource{AppAnnotations: map[string]any{annotationKey: "me@mycompany.com"}}),
			pointer: "bind_resource",
			want:    `{"app_annotations": {"myprovider.com/send-alerts-to-email": "me@mycompany.com"}}`,
		},
		"Cloud Foundry Context Object": {
			options: (&osb.ReplaceServiceBindingOptions{}).SetContext(&osb.Context{Platform: core.StringPtr(osb.PlatformCloudFoundry),
				OrganizationGuid: core.StringPtr("1113aa0-124e-4af2-1526-6bfacf61b111"), OrganizationName: core.StringPtr("system"),
				SpaceGuid: core.StringPtr("aaaa1234-da91-4f12-8ffa-b51d0336aaaa"), SpaceName: core.StringPtr("development"),
				InstanceName: core.StringPtr("my-db")}),
			pointer: "context",
			want: `{"platform": "cloudfoundry", "organization_guid": "1113aa0-124e-4af2-1526-6bfacf61b111", "organization_name": "system",
				"space_guid": "aaaa1234-da91-4f12-8ffa-b51d0336aaaa", "space_name": "development", "instance_name": "my-db"}`,
		},
		"Kubernetes Context Object": {
			options: (&osb.ReplaceServiceBindingOptions{}).SetContext(&osb.Context{Platform: core.StringPtr(osb.PlatformKubernetes),
				Namespace: core.StringPtr("development"), ClusterID: core.StringPtr("8263feba-9b8a-23ae-99ed-abcd1234feda")}),
			pointer: "context",
			want:    `{"platform": "kubernetes", "namespace": "development", "clusterid": "8263feba-9b8a-23ae-99ed-abcd1234feda"}`,
		},
		"Kubernetes annotations": {
			options: (&osb.ReplaceServiceBindingOptions{}).SetContext(&osb.Context{Platform: core.StringPtr(osb.PlatformKubernetes),
				Namespace: core.StringPtr("testing"), NamespaceAnnotations: map[string]any{annotationKey: "me@mycompany.com"},
				InstanceAnnotations: map[string]any{annotationKey: "me@mycompany.com"}}),
			pointer: "context",
			want: `{"platform": "kubernetes", "namespace": "testing", "namespace_annotations": {"myprovider.com/send-alerts-to-email": "me@mycompany.com"},
				"instance_annotations": {"myprovider.com/send-alerts-to-email": "me@mycompany.com"}}`,
		},
	}
	srv := startBroker(t)
	client := srv.Client()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			srv.ResetRequests()
			c.options.SetInstanceID(gatedInstance).SetBindingID(gatedBinding).
				SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID)

			_, _, _ = client.ReplaceServiceBinding(c.options)

			requests := srv.Requests()
			require.Len(t, requests, 1)
			var body map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(requests[0].Body, &body))
			assert.JSONEq(t, c.want, string(body[c.pointer]))
		})
	}
}
