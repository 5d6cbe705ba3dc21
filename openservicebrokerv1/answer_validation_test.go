package openservicebrokerv1

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// goodVolumeMount is a volume mount as the Volume Mount Object defines it.
const goodVolumeMount = `{"driver": "nfs", "container_dir": "/data", "mode": "rw", "device_type": "shared", "device": {"volume_id": "vol-1", "mount_config": {"uid": "1000"}}}`

// answerCase is one answer to one operation and what the client makes of it.
type answerCase struct {
	name      string
	operation string
	status    int
	body      string
	findings  []string // the ids ValidateAnswer reports, in order
	malformed bool     // the client returns ErrMalformedAnswer
	mitigate  bool     // NeedsOrphanMitigation, for the operation's kind
}

var answerCases = []answerCase{
	// A poll's state (Polling Last Operation, Body).
	{name: "poll with a valid state", operation: "get_last_operation", status: 200, body: `{"state": "in progress", "description": "10%"}`},
	{name: "poll without state", operation: "get_last_operation", status: 200, body: `{"description": "working"}`,
		findings: []string{FindingAnswerStateMissing}, malformed: true},
	{name: "poll with state in_progress", operation: "get_last_operation", status: 200, body: `{"state": "in_progress"}`,
		findings: []string{FindingAnswerStateInvalid}, malformed: true},
	{name: "poll with state null", operation: "get_last_operation", status: 200, body: `{"state": null}`,
		findings: []string{FindingAnswerStateMissing}, malformed: true},
	{name: "poll with an empty description", operation: "get_last_operation", status: 200, body: `{"state": "succeeded", "description": ""}`,
		findings: []string{FindingAnswerStringEmpty}},
	{name: "binding poll without state", operation: "get_service_binding_last_operation", status: 200, body: `{}`,
		findings: []string{FindingAnswerStateMissing}, malformed: true},
	{name: "binding poll with state Succeeded", operation: "get_service_binding_last_operation", status: 200, body: `{"state": "Succeeded"}`,
		findings: []string{FindingAnswerStateInvalid}, malformed: true},

	// An operation's length (Provisioning, Deprovisioning, Binding, Unbinding: Body).
	{name: "provision 202 with 10,000 characters", operation: "replace_service_instance", status: 202, body: bodyWithOperation(10000, "é")},
	{name: "provision 202 with 10,001 characters", operation: "replace_service_instance", status: 202, body: bodyWithOperation(10001, "o"),
		findings: []string{FindingAnswerOperationTooLong}, malformed: true, mitigate: true},
	{name: "provision 202 with a null operation", operation: "replace_service_instance", status: 202, body: `{"operation": null}`},
	{name: "deprovision 202 with 10,001 characters", operation: "delete_service_instance", status: 202, body: bodyWithOperation(10001, "o"),
		findings: []string{FindingAnswerOperationTooLong}, malformed: true, mitigate: true},
	{name: "bind 202 with 10,001 characters", operation: "replace_service_binding", status: 202, body: bodyWithOperation(10001, "o"),
		findings: []string{FindingAnswerOperationTooLong}, malformed: true, mitigate: true},
	{name: "unbind 202 with 10,001 characters", operation: "delete_service_binding", status: 202, body: bodyWithOperation(10001, "o"),
		findings: []string{FindingAnswerOperationTooLong}, malformed: true, mitigate: true},
	{name: "update 202 with 20,000 characters", operation: "update_service_instance", status: 202, body: bodyWithOperation(20000, "o")},
	{name: "update 202 with an empty operation", operation: "update_service_instance", status: 202, body: `{"operation": ""}`,
		findings: []string{FindingAnswerStringEmpty}},

	// Volume mounts (Volume Mount Object, Device Object).
	{name: "bind with a volume mount", operation: "replace_service_binding", status: 201, body: `{"volume_mounts": [` + goodVolumeMount + `]}`},
	{name: "bind with a volume mount without driver", operation: "replace_service_binding", status: 201, body: mountWithout("driver"),
		findings: []string{FindingAnswerVolumeMountMissing}, malformed: true, mitigate: true},
	{name: "bind with a volume mount without container_dir", operation: "replace_service_binding", status: 201, body: mountWithout("container_dir"),
		findings: []string{FindingAnswerVolumeMountMissing}, malformed: true, mitigate: true},
	{name: "bind with a volume mount without mode", operation: "replace_service_binding", status: 201, body: mountWithout("mode"),
		findings: []string{FindingAnswerVolumeMountMissing}, malformed: true, mitigate: true},
	{name: "bind with a volume mount without device_type", operation: "replace_service_binding", status: 201, body: mountWithout("device_type"),
		findings: []string{FindingAnswerVolumeMountMissing}, malformed: true, mitigate: true},
	{name: "bind with a volume mount without device", operation: "replace_service_binding", status: 201, body: mountWithout("device"),
		findings: []string{FindingAnswerVolumeMountMissing}, malformed: true, mitigate: true},
	{name: "bind with a device without volume_id", operation: "replace_service_binding", status: 201,
		body:     strings.Replace(`{"volume_mounts": [`+goodVolumeMount+`]}`, `"volume_id": "vol-1", `, "", 1),
		findings: []string{FindingAnswerVolumeMountMissing}, malformed: true, mitigate: true},
	{name: "bind with mode w", operation: "replace_service_binding", status: 201,
		body:     strings.Replace(`{"volume_mounts": [`+goodVolumeMount+`]}`, `"mode": "rw"`, `"mode": "w"`, 1),
		findings: []string{FindingAnswerVolumeMountMode}, malformed: true, mitigate: true},
	{name: "bind with device_type block", operation: "replace_service_binding", status: 201,
		body:     strings.Replace(`{"volume_mounts": [`+goodVolumeMount+`]}`, `"shared"`, `"block"`, 1),
		findings: []string{FindingAnswerVolumeMountType}, malformed: true, mitigate: true},
	{name: "bind with IBM's string device", operation: "replace_service_binding", status: 201,
		body:     `{"volume_mounts": [{"driver": "nfs", "container_dir": "/data", "mode": "rw", "device_type": "shared", "device": "vol-1"}]}`,
		findings: []string{FindingAnswerUndecodable}, malformed: true, mitigate: true},
	{name: "fetched binding with a bad volume mount", operation: "get_service_binding", status: 200, body: mountWithout("driver"),
		findings: []string{FindingAnswerVolumeMountMissing}, malformed: true},

	// URLs (Binding, Body).
	{name: "bind with an https route_service_url", operation: "replace_service_binding", status: 201, body: `{"route_service_url": "https://route.example.com/x"}`},
	{name: "bind with an http route_service_url", operation: "replace_service_binding", status: 200, body: `{"route_service_url": "http://route.example.com"}`},
	{name: "bind with a route_service_url that is no URL", operation: "replace_service_binding", status: 201, body: `{"route_service_url": "route.example.com"}`,
		findings: []string{FindingAnswerURLNotAbsolute}, malformed: true, mitigate: true},
	{name: "bind with a syslog_drain_url without host", operation: "replace_service_binding", status: 201, body: `{"syslog_drain_url": "syslog:///logs"}`,
		findings: []string{FindingAnswerURLNotAbsolute}, malformed: true, mitigate: true},

	// Endpoints (Endpoint Object).
	{name: "bind with endpoints", operation: "replace_service_binding", status: 201,
		body: `{"endpoints": [{"host": "db.example.com", "ports": ["5432", "9000-9010"], "protocol": "tcp"}, {"host": "10.0.0.1", "ports": ["53"], "protocol": "udp"}]}`},
	{name: "bind with an endpoint without host", operation: "replace_service_binding", status: 201, body: `{"endpoints": [{"ports": ["5432"]}]}`,
		findings: []string{FindingAnswerEndpointHostMissing}, malformed: true, mitigate: true},
	{name: "bind with an endpoint without ports", operation: "replace_service_binding", status: 201, body: `{"endpoints": [{"host": "db", "ports": []}]}`,
		findings: []string{FindingAnswerEndpointPortsMissing}, malformed: true, mitigate: true},
	{name: "bind with bad ports", operation: "replace_service_binding", status: 201, body: `{"endpoints": [{"host": "db", "ports": ["http", "0", "70000", "9010-9000"]}]}`,
		findings:  []string{FindingAnswerEndpointPortInvalid, FindingAnswerEndpointPortInvalid, FindingAnswerEndpointPortInvalid, FindingAnswerEndpointPortInvalid},
		malformed: true, mitigate: true},
	{name: "bind with protocol sctp", operation: "replace_service_binding", status: 201, body: `{"endpoints": [{"host": "db", "ports": ["1"], "protocol": "sctp"}]}`,
		findings: []string{FindingAnswerEndpointProtocol}, malformed: true, mitigate: true},

	// Credentials, metadata, and what a 202 carries (Binding, Response and Body).
	{name: "bind with credentials that are not an object", operation: "replace_service_binding", status: 201, body: `{"credentials": "user:pass"}`,
		findings: []string{FindingAnswerUndecodable}, malformed: true, mitigate: true},
	{name: "fetched binding with credentials that are a list", operation: "get_service_binding", status: 200, body: `{"credentials": ["a"]}`,
		findings: []string{FindingAnswerUndecodable}, malformed: true},
	{name: "bind 202 with credentials", operation: "replace_service_binding", status: 202, body: `{"operation": "op-1", "credentials": {"uri": "db://"}}`,
		findings: []string{FindingAnswerBindingWhileAccepted}},
	{name: "bind with renew_before after expires_at", operation: "replace_service_binding", status: 201,
		body:     `{"metadata": {"expires_at": "2030-01-01T00:00:00.0Z", "renew_before": "2030-01-02T00:00:00.0Z"}}`,
		findings: []string{FindingAnswerRenewAfterExpiry}},
	{name: "bind 200 with a body that is not JSON", operation: "replace_service_binding", status: 200, body: `{"credentials": {`,
		findings: []string{FindingAnswerUndecodable}, malformed: true},
}

// bodyWithOperation is a body whose operation has n copies of character.
func bodyWithOperation(n int, character string) string {
	return `{"operation": "` + strings.Repeat(character, n) + `"}`
}

// mountWithout is a bind answer whose one volume mount lacks field.
func mountWithout(field string) string {
	mount := map[string]string{
		"driver": `"driver": "nfs", `, "container_dir": `"container_dir": "/data", `, "mode": `"mode": "rw", `,
		"device_type": `"device_type": "shared", `, "device": `, "device": {"volume_id": "vol-1"}`,
	}
	body := `{"volume_mounts": [{` + mount["driver"] + mount["container_dir"] + mount["mode"] + mount["device_type"] + `"x": 1` + mount["device"] + `}]}`
	return strings.Replace(body, mount[field], "", 1)
}

// kindOf is the kind of operation the Orphan Mitigation table judges, "" for the others.
func kindOf(operation string) OperationKind {
	return map[string]OperationKind{"replace_service_instance": OperationProvision, "update_service_instance": OperationUpdate,
		"delete_service_instance": OperationDeprovision, "replace_service_binding": OperationBind, "delete_service_binding": OperationUnbind}[operation]
}

func TestAnswersAreValidatedAsTheSpecificationSaysOverHTTP(t *testing.T) {
	for _, tt := range answerCases {
		t.Run(tt.name, func(t *testing.T) {
			result, response, err := wireCalls[tt.operation](answerWith(t, tt.status, tt.body))

			require.NotNil(t, response)
			assert.Equal(t, tt.mitigate, NeedsOrphanMitigation(kindOf(tt.operation), response, err), "orphan mitigation")
			var ids []string
			for _, finding := range ValidateAnswer(result, tt.status) {
				ids = append(ids, finding.ID)
				assert.NotEmpty(t, finding.Section, finding.ID)
				assert.Equal(t, LevelMust, finding.Level)
			}
			if !tt.malformed {
				require.NoError(t, err)
				assert.Equal(t, tt.findings, ids, "what ValidateAnswer reports of a usable answer")
				return
			}
			require.ErrorIs(t, err, ErrMalformedAnswer)
			var invalid *InvalidAnswerError
			require.ErrorAs(t, err, &invalid)
			var found []string
			for _, finding := range invalid.Findings {
				found = append(found, finding.ID)
			}
			assert.Equal(t, tt.findings, found)
			assert.Equal(t, tt.status, invalid.StatusCode)
			assert.Equal(t, tt.body, string(response.RawResult), "the body as the broker sent it")
			if tt.findings[0] != FindingAnswerUndecodable {
				assert.NotNil(t, result, "the result comes with the error")
				assert.Equal(t, ids, found, "the error lists what ValidateAnswer finds")
			}
		})
	}
}

func TestMalformedAnswerErrorNamesTheOperationTheFieldAndTheSection(t *testing.T) {
	_, _, err := wireCalls["get_last_operation"](answerWith(t, http.StatusOK, `{"state": "in_progress"}`))

	assert.Regexp(t, `^GetLastOperation: broker answered 200 with a body that is malformed \(request identity [0-9a-f-]+\); `+
		`/state: state is "in_progress"; valid values are "in progress", "succeeded" and "failed" `+
		`\(Polling Last Operation for Service Instances, Body\)$`, err.Error())
}

func TestMalformedAnswerErrorKeepsNoCredentialTheBrokerEchoes(t *testing.T) {
	const password = "s3cret-password"
	server := serve(t, answer(http.StatusOK, jsonType, `{"state": "`+password+`"}`))
	client := newClientWith(t, server.URL, &core.BasicAuthenticator{Username: "platform", Password: password})

	result, response, err := wireCalls["get_last_operation"](client)

	require.ErrorIs(t, err, ErrMalformedAnswer)
	assert.NotContains(t, err.Error(), password)
	assert.NotContains(t, string(response.RawResult), password)
	assert.Equal(t, password, *result.(*InstanceLastOperationResp).State, "the result is the broker's data, as sent")
}

func TestValidateAnswerOfNothing(t *testing.T) {
	assert.Empty(t, ValidateAnswer(nil, 200))
	assert.Empty(t, ValidateAnswer((*BindingPutResp)(nil), 201))
	assert.Empty(t, ValidateAnswer(&BrokerCatalogResp{}, 200), "the catalog has LintCatalog")
}

func TestWaitersPollThroughAMalformedState(t *testing.T) {
	_, client := newScriptedClient(t, map[string][]canned{"GET " + instancePath + "/last_operation": {
		{status: 200, body: `{"state": "in_progress"}`}, {status: 200, body: `{}`}, {status: 200, body: `{"state": "succeeded"}`}}})
	options := client.NewWaitForLastOperationOptions(waitInstanceID)
	options.WaitOptions = *fakeWait()

	result, _, err := client.WaitForLastOperation(t.Context(), options)

	require.NoError(t, err, "polling went on through the invalid answers (Polling Last Operation, Response)")
	assert.Equal(t, InstanceLastOperationRespStateSucceededConst, *result.State)
}

func TestErrorAnswersAreValidatedAsServiceBrokerErrorsSaysOverHTTP(t *testing.T) {
	tests := []struct {
		name      string
		operation string
		status    int
		body      string
		findings  []string
	}{
		{"AsyncRequired to a provision", "replace_service_instance", 422, `{"error": "AsyncRequired"}`, nil},
		{"RequiresApp to a bind", "replace_service_binding", 422, `{"error": "RequiresApp"}`, nil},
		{"ConcurrencyError to a poll", "get_last_operation", 422, `{"error": "ConcurrencyError"}`, nil},
		{"a 422 without code to an update", "update_service_instance", 422, `{"description": "plan change not supported"}`, nil},
		{"a code of the broker's own", "replace_service_instance", 422, `{"error": "QuotaExceeded"}`, nil},
		{"RequiresApp to a provision", "replace_service_instance", 422, `{"error": "RequiresApp"}`, []string{FindingAnswerErrorCodeMisplaced}},
		{"MaintenanceInfoConflict to a deprovision", "delete_service_instance", 422, `{"error": "MaintenanceInfoConflict"}`,
			[]string{FindingAnswerErrorCodeMisplaced}},
		{"AsyncRequired with 400", "delete_service_binding", 400, `{"error": "AsyncRequired"}`, []string{FindingAnswerErrorCodeMisplaced}},
		{"instance_usable and update_repeatable of a failed update", "update_service_instance", 500,
			`{"instance_usable": false, "update_repeatable": false}`, nil},
		{"instance_usable of a failed deprovision", "delete_service_instance", 500, `{"instance_usable": true}`, nil},
		{"update_repeatable of a failed deprovision", "delete_service_instance", 500, `{"update_repeatable": true}`,
			[]string{FindingAnswerErrorFieldMisplaced}},
		{"an empty description", "delete_service_instance", 400, `{"error": "BadPlan", "description": ""}`, []string{FindingAnswerStringEmpty}},
		{"instance_usable and update_repeatable of a failed bind", "replace_service_binding", 409,
			`{"instance_usable": true, "update_repeatable": true}`, []string{FindingAnswerErrorFieldMisplaced, FindingAnswerErrorFieldMisplaced}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := wireCalls[tt.operation](answerWith(t, tt.status, tt.body))

			var brokerErr *BrokerError
			require.ErrorAs(t, err, &brokerErr)
			var ids []string
			for _, finding := range ValidateErrorAnswer(brokerErr) {
				ids = append(ids, finding.ID)
				assert.False(t, IsMalformed(finding))
			}
			assert.Equal(t, tt.findings, ids)
			assert.Equal(t, tt.findings, findingIDs(ValidateErrorBody(receivedRequest(t, tt.operation, "/broker"), tt.status, []byte(tt.body))),
				"a checker that sees the answer finds the same")
		})
	}
	assert.Empty(t, ValidateErrorAnswer(nil))
	assert.Empty(t, ValidateErrorAnswer(&BrokerError{StatusCode: 400, ErrorCode: "AsyncRequired"}), "not built from an answer")
}

// receivedRequest is a request to the operation as a broker receives it, under a path of the
// broker's own (prefix).
func receivedRequest(t *testing.T, operationID, prefix string) *http.Request {
	t.Helper()
	index := slices.IndexFunc(generatedOperations, func(op *sdkruntime.Operation) bool { return op.ID == operationID })
	require.GreaterOrEqual(t, index, 0, operationID)
	op := generatedOperations[index]
	path := strings.NewReplacer("{instance_id}", "crn:v1:a%2Fb::", "{binding_id}", "v2").Replace(op.Path)
	return httptest.NewRequest(op.Method, "http://127.0.0.1"+prefix+path, nil)
}

func findingIDs(findings []Finding) []string {
	var ids []string
	for _, finding := range findings {
		ids = append(ids, finding.ID)
	}
	return ids
}

func TestValidateErrorBodyFindsTheOperationAndAppliesServiceBrokerErrors(t *testing.T) {
	tests := []struct {
		name      string
		operation string
		prefix    string
		status    int
		body      string
		findings  []string
	}{
		{"instance_usable of a failed unbind", "delete_service_binding", "", 500, `{"instance_usable": true}`, []string{FindingAnswerErrorFieldMisplaced}},
		{"instance_usable of a failed deprovision", "delete_service_instance", "/a/v2/b", 500, `{"instance_usable": true}`, nil},
		{"update_repeatable of a failed update", "update_service_instance", "/broker", 500, `{"update_repeatable": false}`, nil},
		{"update_repeatable of a failed binding poll", "get_service_binding_last_operation", "", 500, `{"update_repeatable": false}`,
			[]string{FindingAnswerErrorFieldMisplaced}},
		{"an empty description and error", "replace_service_instance", "", 400, `{"error": "", "description": ""}`,
			[]string{FindingAnswerStringEmpty, FindingAnswerStringEmpty}},
		{"an error that is no string", "replace_service_instance", "", 400, `{"error": 5}`, []string{FindingAnswerUndecodable}},
		{"a body that is no object", "replace_service_instance", "", 500, `upstream timed out`, nil},
		{"an empty body", "delete_service_binding", "", 409, ``, nil},
		{"IBM's state endpoint", "replace_service_instance_state", "", 422, `{"error": "ConcurrencyError"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings := ValidateErrorBody(receivedRequest(t, tt.operation, tt.prefix), tt.status, []byte(tt.body))

			assert.Equal(t, tt.findings, findingIDs(findings))
		})
	}
	outside := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/healthz", nil)
	assert.Empty(t, ValidateErrorBody(outside, 500, []byte(`{"instance_usable": true}`)), "a request for no operation")
}

func ExampleValidateAnswer() {
	mode := "w"
	answer := &BindingPutResp{
		Credentials:     map[string]any{"uri": "postgres://db.example.com/app"},
		RouteServiceURL: core.StringPtr("route.example.com"),
		VolumeMounts:    []VolumeMount{{Driver: core.StringPtr("nfs"), ContainerDir: core.StringPtr("/data"), Mode: &mode}},
	}
	for _, finding := range ValidateAnswer(answer, 201) {
		fmt.Printf("%s (malformed: %t)\n", finding, IsMalformed(finding))
	}
	// Output:
	// MUST answer.url.not-absolute at /route_service_url: route_service_url is not an absolute URL (scheme and host) (Binding, Body) (malformed: true)
	// MUST answer.volume-mount.field.missing at /volume_mounts/0/device_type: device_type is REQUIRED and missing or empty (Binding, Volume Mount Object) (malformed: true)
	// MUST answer.volume-mount.mode at /volume_mounts/0/mode: mode is "w"; it is "r" or "rw" (Binding, Volume Mount Object) (malformed: true)
	// MUST answer.volume-mount.field.missing at /volume_mounts/0/device: device is REQUIRED and missing (Binding, Volume Mount Object) (malformed: true)
}
