package openservicebrokerv1

// Fuzz targets for everything the client reads from a broker: the JSON answers it decodes into
// response models, and the error answers it turns into a BrokerError. Their seeds (f.Add below)
// run in every `go test`; to fuzz one target, run for example
//
//	go test -run '^$' -fuzz '^FuzzDecodeBindingPutResp$' -fuzztime 1000000x -parallel 2 ./openservicebrokerv1/

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// fuzzMaxErrorText bounds the text of an error built from a broker answer, however large the answer.
const fuzzMaxErrorText = 2048

// fuzzHugeText is the size of the huge seeds: large enough to cross every bound the client
// applies to broker text, small enough to keep the seed corpus fast.
const fuzzHugeText = 300 << 10

// Valid answers, one per response model, as a broker following OSB v2.17 sends them.
const (
	fuzzCatalogExample = `{"services": [{"name": "db", "id": "db-id", "description": "A database", "tags": ["sql"],
		"requires": ["syslog_drain"], "bindable": true, "instances_retrievable": true, "bindings_retrievable": true,
		"allow_context_updates": false, "plan_updateable": true, "binding_rotatable": true,
		"metadata": {"displayName": "DB", "costs": [{"amount": {"usd": 9.5}, "unit": "MONTHLY"}]},
		"dashboard_client": {"id": "dash", "secret": "dash-secret", "redirect_uri": "https://dashboard.example.com"},
		"plans": [{"id": "small", "name": "small", "description": "Small", "free": false, "bindable": true,
			"binding_rotatable": true, "plan_updateable": true, "maximum_polling_duration": 3600,
			"maintenance_info": {"version": "2.1.1+abcdef", "description": "OS patch"},
			"metadata": {"bullets": ["1 GB"]},
			"schemas": {"service_instance": {"create": {"parameters": {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"}},
				"update": {"parameters": {"type": "object"}}},
				"service_binding": {"create": {"parameters": {"type": "object", "properties": {"ttl": {"type": "integer"}}}}}}}]}]}`
	fuzzInstancePutExample = `{"dashboard_url": "https://dashboard.example.com/i/1", "operation": "provision-1",
		"description": "provisioning", "metadata": {"labels": {"team": "payments"}, "attributes": {"region": "us-south", "ha": true}}}`
	fuzzInstancePatchExample = `{"dashboard_url": "https://dashboard.example.com/i/1", "operation": "update-2",
		"description": "updating", "metadata": {"labels": {"tier": 2}, "attributes": {}}}`
	fuzzInstanceDeleteExample = `{"operation": "deprovision-3"}`
	fuzzInstanceGetExample    = `{"service_id": "db-id", "plan_id": "small", "dashboard_url": "https://dashboard.example.com/i/1",
		"parameters": {"size": 3, "nested": {"a": [1, "two", null, true]}},
		"maintenance_info": {"version": "2.1.1", "description": "OS patch"},
		"metadata": {"labels": {"team": "payments"}, "attributes": {"region": "us-south"}}}`
	fuzzInstanceLastOperationExample = `{"state": "in progress", "description": "50% done", "instance_usable": true, "update_repeatable": false}`
	fuzzInstanceStateExample         = `{"enabled": true, "active": false, "last_active": 1656523962}`
	fuzzBindingPutExample            = `{"credentials": {"username": "admin", "password": "pa55word",
		"uri": "postgres://admin:pa55word@db.example.com:5432/db1", "port": 5432},
		"syslog_drain_url": "syslog-tls://logs.example.com:6514", "route_service_url": "https://route.example.com",
		"volume_mounts": [{"driver": "nfs", "container_dir": "/data", "mode": "rw", "device_type": "shared",
			"device": {"volume_id": "vol-1", "mount_config": {"uid": 1000, "readonly": false}}}],
		"endpoints": [{"host": "db.example.com", "ports": ["5432", "6000-6010"], "protocol": "tcp"}],
		"metadata": {"expires_at": "2026-03-01T12:00:00.000Z", "renew_before": "2026-02-25T12:00:00+01:00"},
		"operation": "bind-4"}`
	fuzzBindingDeleteExample = `{"operation": "unbind-5"}`
	fuzzBindingGetExample    = `{"credentials": {"uri": "mysql://u:p@h/db"}, "parameters": {"ttl": 3600},
		"syslog_drain_url": "syslog://logs.example.com", "route_service_url": "https://route.example.com",
		"volume_mounts": [{"driver": "nfs", "container_dir": "/data", "mode": "r", "device_type": "shared", "device": {"volume_id": "v"}}],
		"endpoints": [{"host": "10.0.0.1", "ports": ["443"], "protocol": "all"}],
		"metadata": {"expires_at": "2026-03-01T12:00:00.123456789Z"}}`
	fuzzBindingLastOperationExample = `{"state": "failed", "description": "quota exceeded"}`
	fuzzContextCloudFoundry         = `{"platform": "cloudfoundry", "organization_guid": "org-1", "organization_name": "acme",
		"space_guid": "space-1", "space_name": "dev", "instance_name": "db",
		"organization_annotations": {"team": "payments"}, "space_annotations": {"env": {"stage": 2}},
		"instance_annotations": {"a": ["b", null]}}`
	fuzzContextIBMCloud = `{"platform": "ibmcloud", "account_id": "acc-1", "crn": "crn:v1:bluemix:public:db:us-south:a/acc-1:i-1::",
		"name": "db", "resource_group_crn": "crn:v1:rg", "target_crn": "crn:v1:target", "x_custom": {"kept": [1, 2.5, "x"]}}`
	fuzzContextKubernetes = `{"platform": "kubernetes", "namespace": "apps", "clusterid": "c-1", "instance_name": "db",
		"instance_annotations": {"k": "v"}, "namespace_annotations": {"n": "v"}}`
)

// fuzzMalformedBodies are what a broker, a proxy or a broken connection may send instead of the
// expected JSON: nothing, a cut-off body, other JSON values, text, HTML, binary, nesting deeper
// than the decoder allows, and a huge body.
func fuzzMalformedBodies() []string {
	return []string{
		"",
		" \r\n\t",
		"{",
		`{"state": "in progr`,
		`{"services": [{"name": "db", "plans": [`,
		"null",
		"[]",
		"[1, 2]",
		`"a string"`,
		"42",
		"-1e999",
		"true",
		"{}",
		`{"a": 1} trailing bytes`,
		"not json at all",
		"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>nginx</body></html>",
		"\x00\xff\xfe\xfd\x80",
		"{\"description\": \"\xff\xfe invalid utf-8 \\ud800\"}",
		strings.Repeat("[", 20000),
		strings.Repeat(`{"a":`, 12000) + "1" + strings.Repeat("}", 12000),
		`{"credentials": ` + fuzzNested(5000) + `, "parameters": ` + fuzzNested(5000) + `}`,
		`{"description": "` + strings.Repeat("x", fuzzHugeText) + `"}`,
		`{"last_active": 1` + strings.Repeat("0", 4096) + `, "maximum_polling_duration": 1e999}`,
	}
}

// fuzzNested is a JSON object nested depth levels deep.
func fuzzNested(depth int) string {
	return strings.Repeat(`{"a":`, depth) + "null" + strings.Repeat("}", depth)
}

// fuzzHugeCatalog is a valid catalog of a few hundred kilobytes.
func fuzzHugeCatalog() string {
	services := make([]string, 0, 1500)
	for i := range cap(services) {
		services = append(services, fmt.Sprintf(`{"name": "svc-%d", "id": "id-%d", "description": "service %d", "bindable": true,
			"plans": [{"id": "plan-%d", "name": "small", "description": "small", "free": true}]}`, i, i, i, i))
	}
	return `{"services": [` + strings.Join(services, ",") + `]}`
}

// fuzzWrongTypes returns variants of a JSON object with values of one kind replaced by another
// kind throughout: strings by numbers, numbers and booleans by strings, scalars by null,
// objects by arrays.
func fuzzWrongTypes(example string) []string {
	var root map[string]any
	if err := json.Unmarshal([]byte(example), &root); err != nil {
		panic(fmt.Sprintf("fuzz example is not a JSON object: %v", err))
	}
	replacements := []func(any) any{
		func(v any) any { return fuzzIf[string](v, 12345) },
		func(v any) any { return fuzzIf[float64](v, "1656523962") },
		func(v any) any { return fuzzIf[bool](v, "true") },
		func(v any) any { return fuzzIf[map[string]any](v, []any{v}) },
		func(v any) any {
			switch v.(type) {
			case map[string]any, []any:
				return v
			}
			return nil
		},
	}
	variants := make([]string, 0, len(replacements))
	for _, replace := range replacements {
		encoded, err := json.Marshal(fuzzReplaceInside(root, replace))
		if err != nil {
			panic(err)
		}
		variants = append(variants, string(encoded))
	}
	return variants
}

// fuzzIf returns replacement when value has type T, else value.
func fuzzIf[T any](value any, replacement any) any {
	if _, ok := value.(T); ok {
		return replacement
	}
	return value
}

// fuzzReplaceInside rebuilds value with replace applied to every value inside it, innermost first.
func fuzzReplaceInside(value any, replace func(any) any) any {
	switch v := value.(type) {
	case map[string]any:
		rebuilt := make(map[string]any, len(v))
		for key, child := range v {
			rebuilt[key] = replace(fuzzReplaceInside(child, replace))
		}
		return rebuilt
	case []any:
		rebuilt := make([]any, len(v))
		for i, child := range v {
			rebuilt[i] = replace(fuzzReplaceInside(child, replace))
		}
		return rebuilt
	}
	return value
}

// fuzzAddBodies seeds f with the malformed bodies, the examples, and the examples' wrong-type
// variants.
func fuzzAddBodies(f *testing.F, examples ...string) {
	for _, body := range fuzzMalformedBodies() {
		f.Add([]byte(body))
	}
	for _, example := range examples {
		f.Add([]byte(example))
		for _, variant := range fuzzWrongTypes(example) {
			f.Add([]byte(variant))
		}
	}
}

// decodeAnswer decodes body into a new *T the way the client decodes a successful answer into
// an operation's result, and checks what the response keeps: the body itself when it does not
// decode. The pointer stays nil for null; an empty body gives an empty value.
func decodeAnswer[T any](t *testing.T, body []byte) (*T, error) {
	var result *T
	request := httptest.NewRequest(http.MethodGet, "/v2/catalog", nil)
	answer := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
	response, err := decode(&listCatalogOperation, "rid-1", request, answer, false, &result)
	if err != nil {
		require.ErrorIs(t, err, ErrMalformedAnswer)
		require.True(t, bytes.Equal(body, response.RawResult), "the response does not keep a body that did not decode or is malformed")
		if errors.Unwrap(err) != nil {
			require.Nil(t, result, "a body that did not decode gives a partly filled result")
		}
	}
	return result, err
}

// checkDecoding decodes body into T and checks that a body that is not JSON gives an error and
// that what decodes encodes to JSON that decodes again to the same encoding. It returns the
// value decoded from body and the one decoded from its encoding; both are nil when body did not
// decode or is null.
func checkDecoding[T any](t *testing.T, body []byte) (first, second *T) {
	first, err := decodeAnswer[T](t, body)
	if err != nil {
		require.NotEmpty(t, err.Error(), "a decoding error without text")
	}
	if first == nil {
		return nil, nil
	}
	malformed := err != nil
	require.True(t, json.Valid(body) || len(bytes.TrimSpace(body)) == 0, "a body that is not JSON decoded without an error")
	encoded, err := json.Marshal(first)
	require.NoError(t, err, "a decoded %T does not encode", first)
	second, err = decodeAnswer[T](t, encoded)
	require.NotNil(t, second, "the encoding of a decoded %T does not decode: %s: %v", first, encoded, err)
	require.Equal(t, malformed, err != nil, "a %T is malformed once and not after encoding: %v", first, err)
	reencoded, err := json.Marshal(second)
	require.NoError(t, err)
	require.Equal(t, string(encoded), string(reencoded), "the encoding of a %T is not stable", first)
	return first, second
}

// fuzzDecoding makes f a fuzz target of decoding answers into T.
func fuzzDecoding[T any](f *testing.F, examples ...string) {
	fuzzAddBodies(f, examples...)
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecoding[T](t, body)
	})
}

func FuzzDecodeBrokerCatalogResp(f *testing.F) {
	fuzzDecoding[BrokerCatalogResp](f, fuzzCatalogExample, fuzzHugeCatalog())
}

// standardCatalog is BrokerCatalogResp without its methods: encoding/json decodes it field by
// field, with one allocation per scalar, as every model was decoded before one-pass decoding.
type standardCatalog BrokerCatalogResp

// The one-pass decoding of a catalog, through the client's decode and through json.Unmarshal,
// gives what encoding/json's own decoding gives, and fails where it fails.
func FuzzDecodeBrokerCatalogRespInOnePass(f *testing.F) {
	fuzzAddBodies(f, fuzzCatalogExample, fuzzHugeCatalog())
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(bytes.TrimSpace(body)) == 0 {
			return // the client reads an empty answer as {}, which json.Unmarshal refuses
		}
		var standard *standardCatalog
		standardErr := json.Unmarshal(body, &standard)
		answered, answeredErr := decodeAnswer[BrokerCatalogResp](t, body)
		var unmarshaled *BrokerCatalogResp
		unmarshaledErr := json.Unmarshal(body, &unmarshaled)
		require.Equal(t, standardErr != nil, answeredErr != nil, "decode: %v; encoding/json: %v", answeredErr, standardErr)
		require.Equal(t, standardErr != nil, unmarshaledErr != nil, "json.Unmarshal: %v; encoding/json: %v", unmarshaledErr, standardErr)
		if standardErr == nil {
			require.Equal(t, (*BrokerCatalogResp)(standard), answered, "decode")
			require.Equal(t, (*BrokerCatalogResp)(standard), unmarshaled, "json.Unmarshal")
		}
	})
}

func FuzzDecodeInstancePutResp(f *testing.F) {
	fuzzDecoding[InstancePutResp](f, fuzzInstancePutExample)
}

func FuzzDecodeInstancePatchResp(f *testing.F) {
	fuzzDecoding[InstancePatchResp](f, fuzzInstancePatchExample)
}

func FuzzDecodeInstanceDeleteResp(f *testing.F) {
	fuzzDecoding[InstanceDeleteResp](f, fuzzInstanceDeleteExample)
}

func FuzzDecodeInstanceGetResp(f *testing.F) {
	fuzzDecoding[InstanceGetResp](f, fuzzInstanceGetExample)
}

func FuzzDecodeInstanceLastOperationResp(f *testing.F) {
	fuzzDecoding[InstanceLastOperationResp](f, fuzzInstanceLastOperationExample)
}

func FuzzDecodeInstanceStateResp(f *testing.F) {
	fuzzDecoding[InstanceStateResp](f, fuzzInstanceStateExample)
}

func FuzzDecodeBindingPutResp(f *testing.F) {
	fuzzDecoding[BindingPutResp](f, fuzzBindingPutExample)
}

func FuzzDecodeBindingDeleteResp(f *testing.F) {
	fuzzDecoding[BindingDeleteResp](f, fuzzBindingDeleteExample)
}

func FuzzDecodeBindingGetResp(f *testing.F) {
	fuzzDecoding[BindingGetResp](f, fuzzBindingGetExample)
}

func FuzzDecodeBindingLastOperationResp(f *testing.F) {
	fuzzDecoding[BindingLastOperationResp](f, fuzzBindingLastOperationExample)
}

// FuzzDecodeContext also checks that a Context, which keeps the properties it does not declare,
// is the same after it is encoded and decoded again.
func FuzzDecodeContext(f *testing.F) {
	fuzzAddBodies(f, fuzzContextCloudFoundry, fuzzContextIBMCloud, fuzzContextKubernetes)
	f.Fuzz(func(t *testing.T, body []byte) {
		first, second := checkDecoding[Context](t, body)
		require.Equal(t, first, second, "a Context changed when encoded and decoded again")
	})
}

// fuzzErrorAnswers are error answers of brokers and proxies: OSB errors, fields of the wrong
// type, text, HTML, control characters, invalid UTF-8, and huge or deeply nested bodies.
var fuzzErrorAnswers = []struct {
	status      int
	jsonContent bool
	body        string
}{
	{http.StatusUnprocessableEntity, true, `{"error": "AsyncRequired", "description": "This plan requires accepts_incomplete=true"}`},
	{http.StatusUnprocessableEntity, true, `{"error": "ConcurrencyError", "instance_usable": true, "update_repeatable": false}`},
	{http.StatusUnprocessableEntity, true, `{"error": "RequiresApp"}`},
	{http.StatusUnprocessableEntity, true, `{"error": "MaintenanceInfoConflict", "description": null}`},
	{http.StatusBadRequest, true, `{"error": 5, "description": ["not", "text"], "instance_usable": "yes"}`},
	{http.StatusUnauthorized, false, "Unauthorized\n"},
	{http.StatusNotFound, true, `{}`},
	{http.StatusConflict, true, `{"details": {"nested": [null, {"deeper": null}]}}`},
	{http.StatusGone, true, "null"},
	{http.StatusPreconditionFailed, true, `[1, 2, 3]`},
	{http.StatusInternalServerError, false, ""},
	{http.StatusInternalServerError, true, `{"description": "line one\nline two\r\n\ttabbed \u0000 nul \u2028 separator"}`},
	{http.StatusBadGateway, false, "<html><head><title>502 Bad Gateway</title></head><body>\n<center><h1>502 Bad Gateway</h1></center>\n</body></html>"},
	{http.StatusServiceUnavailable, false, "\x00\xff\xfe binary \x1b[31m escape"},
	{http.StatusGatewayTimeout, true, `{"error": "Timeo`},
	{http.StatusTooManyRequests, true, `{"description": "` + strings.Repeat("é", fuzzHugeText/2) + `"}`},
	{http.StatusBadRequest, false, strings.Repeat("x", fuzzHugeText)},
	{http.StatusBadRequest, true, `{"other": "` + strings.Repeat("y", fuzzHugeText) + `"}`},
	{http.StatusBadRequest, true, fuzzNested(9000)},
	{http.StatusBadRequest, true, strings.Repeat("[", 20000)},
	{0, false, ""},
	{-1, true, `{"error": "AsyncRequired"}`},
	{999, false, "unknown status"},
	{http.StatusTeapot, true, `{"error": "` + strings.Repeat("E", 1000) + `"}`},
}

// checkErrorText checks that an error built from a broker answer says which operation failed
// and reads as one bounded line of printable text.
func checkErrorText(t *testing.T, err error, operation string) {
	text := err.Error()
	require.NotEmpty(t, text)
	require.LessOrEqual(t, len(text), fuzzMaxErrorText, "error text is not bounded: %.300q...", text)
	require.True(t, utf8.ValidString(text), "error text is not UTF-8: %q", text)
	for _, r := range text {
		require.Truef(t, unicode.IsPrint(r), "error text has the unprintable %U: %q", r, text)
	}
	require.Contains(t, text, operation, "error text does not name the operation")
}

func FuzzNewBrokerError(f *testing.F) {
	for _, answer := range fuzzErrorAnswers {
		f.Add(answer.status, []byte(answer.body), "3f1c0a9e-rid")
	}
	f.Add(http.StatusConflict, []byte(`{"error": "x"}`), "identity with\nnewline and "+strings.Repeat("long ", 200))
	f.Fuzz(func(t *testing.T, status int, body []byte, requestIdentity string) {
		response := &core.DetailedResponse{StatusCode: status, Headers: http.Header{}}
		brokerErr := newBrokerError(&replaceServiceBindingOperation, requestIdentity, response, body)
		checkErrorText(t, brokerErr, "ReplaceServiceBinding")
		if status != 0 {
			require.Contains(t, brokerErr.Error(), strconv.Itoa(status), "error text does not give the status")
		}
		if sentinel, ok := sentinelByStatus[status]; ok {
			require.ErrorIs(t, brokerErr, sentinel)
		}
		if sentinel, ok := sentinelByErrorCode[brokerErr.ErrorCode]; ok {
			require.ErrorIs(t, brokerErr, sentinel)
		}
		var problem *core.SDKProblem
		require.ErrorAs(t, brokerErr, &problem, "a broker error unwraps to go-sdk-core's problem")
	})
}

// fuzzAnswerKey is the request context key of the fuzzAnswer that fuzzTransport gives.
type fuzzAnswerKey struct{}

type fuzzAnswer struct {
	status      int
	contentType string
	body        []byte
}

// fuzzTransport answers each request with the fuzzAnswer in its context, without a network.
type fuzzTransport struct{}

func (fuzzTransport) RoundTrip(request *http.Request) (*http.Response, error) {
	if request.Body != nil {
		_ = request.Body.Close()
	}
	answer := request.Context().Value(fuzzAnswerKey{}).(fuzzAnswer)
	header := http.Header{}
	if answer.contentType != "" {
		header.Set("Content-Type", answer.contentType)
	}
	return &http.Response{
		StatusCode: answer.status, Status: strconv.Itoa(answer.status), Header: header, Request: request,
		Body: io.NopCloser(bytes.NewReader(answer.body)), ContentLength: int64(len(answer.body)),
	}, nil
}

// fuzzOperationCall sends one operation with valid options and returns what the client returned.
type fuzzOperationCall struct {
	op   *sdkruntime.Operation
	send func(context.Context, *OpenServiceBrokerV1) (*core.DetailedResponse, error)
}

// fuzzCalls covers every operation of the client.
var fuzzCalls = []fuzzOperationCall{
	{&listCatalogOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.ListCatalogWithContext(ctx, c.NewListCatalogOptions())
		return response, err
	}},
	{&replaceServiceInstanceOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.ReplaceServiceInstanceWithContext(ctx, c.NewReplaceServiceInstanceOptions("i").SetServiceID("s").SetPlanID("p").SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID))
		return response, err
	}},
	{&updateServiceInstanceOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.UpdateServiceInstanceWithContext(ctx, c.NewUpdateServiceInstanceOptions("i").SetServiceID("s"))
		return response, err
	}},
	{&deleteServiceInstanceOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.DeleteServiceInstanceWithContext(ctx, c.NewDeleteServiceInstanceOptions("s", "p", "i"))
		return response, err
	}},
	{&getServiceInstanceOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.GetServiceInstanceWithContext(ctx, c.NewGetServiceInstanceOptions("i"))
		return response, err
	}},
	{&getLastOperationOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.GetLastOperationWithContext(ctx, c.NewGetLastOperationOptions("i"))
		return response, err
	}},
	{&getServiceInstanceStateOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.GetServiceInstanceStateWithContext(ctx, c.NewGetServiceInstanceStateOptions("i"))
		return response, err
	}},
	{&replaceServiceInstanceStateOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.ReplaceServiceInstanceStateWithContext(ctx, c.NewReplaceServiceInstanceStateOptions("i").SetEnabled(true))
		return response, err
	}},
	{&replaceServiceBindingOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.ReplaceServiceBindingWithContext(ctx, c.NewReplaceServiceBindingOptions("b", "i").SetServiceID("s").SetPlanID("p"))
		return response, err
	}},
	{&deleteServiceBindingOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		return c.DeleteServiceBindingWithContext(ctx, c.NewDeleteServiceBindingOptions("b", "i", "p", "s"))
	}},
	{&getServiceBindingOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.GetServiceBindingWithContext(ctx, c.NewGetServiceBindingOptions("b", "i"))
		return response, err
	}},
	{&getServiceBindingLastOperationOperation, func(ctx context.Context, c *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		_, response, err := c.GetServiceBindingLastOperationWithContext(ctx, c.NewGetServiceBindingLastOperationOptions("b", "i"))
		return response, err
	}},
}

// FuzzBrokerAnswer sends every operation through go-sdk-core to a transport that gives any
// status and body: whatever the answer, the client returns a result or an error that says
// what happened, and never panics.
func FuzzBrokerAnswer(f *testing.F) {
	client, err := NewOpenServiceBrokerV1(&OpenServiceBrokerV1Options{URL: "http://127.0.0.1:9", Authenticator: &core.NoAuthAuthenticator{}})
	require.NoError(f, err)
	client.DisableRetries()
	client.GetHTTPClient().Transport = fuzzTransport{}
	for i, answer := range fuzzErrorAnswers {
		f.Add(uint8(i), uint16(max(answer.status-200, 0)), answer.jsonContent, []byte(answer.body))
	}
	for i, body := range fuzzMalformedBodies() {
		f.Add(uint8(i), uint16(i%3), true, []byte(body))
	}
	f.Fuzz(func(t *testing.T, operationIndex uint8, statusOffset uint16, jsonContent bool, body []byte) {
		call := fuzzCalls[int(operationIndex)%len(fuzzCalls)]
		answer := fuzzAnswer{status: 200 + int(statusOffset)%400, body: body}
		if jsonContent {
			answer.contentType = "application/json"
		}
		response, err := call.send(context.WithValue(context.Background(), fuzzAnswerKey{}, answer), client)
		checkAnswerOutcome(t, call.op, answer.status, response, err)
	})
}

// checkAnswerOutcome checks what an operation returned for an answer with status: success only
// for 2xx and the statuses the operation defines as success, a *BrokerError for every other
// status, and an error that names the operation and the status for a 2xx body that did not decode.
func checkAnswerOutcome(t *testing.T, op *sdkruntime.Operation, status int, response *core.DetailedResponse, err error) {
	require.NotNil(t, response, "%s returned no response for an answer", op.Name)
	require.Equal(t, status, response.StatusCode)
	success := ClassifyStatus(op.ID, status).Class == StatusSuccess
	if err == nil {
		require.True(t, success, "%s accepted the status %d", op.Name, status)
		return
	}
	checkErrorText(t, err, op.Name)
	require.Contains(t, err.Error(), strconv.Itoa(status), "error text does not give the status")
	if success {
		return
	}
	var brokerErr *BrokerError
	require.ErrorAs(t, err, &brokerErr)
	require.Equal(t, status, brokerErr.StatusCode)
}
