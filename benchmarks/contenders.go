// Package benchmarks measures this SDK against IBM's platform-services-go-sdk and against
// plain net/http + encoding/json, with the same loopback broker and the same payloads.
// It is a separate module so that the SDK itself gains no dependency on IBM's SDK.
package benchmarks

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// brokerClient is the small surface every contender offers to the benchmark cases.
// Each method returns a value taken from the decoded answer, so that tests can check the
// contenders agree and the compiler cannot drop the work.
type brokerClient interface {
	// listCatalog fetches GET /v2/catalog and returns the number of services decoded.
	listCatalog(ctx context.Context) (services int, err error)
	// getLastOperation polls an instance's last operation and returns its state.
	getLastOperation(ctx context.Context, instanceID string) (state string, err error)
	// provision sends PUT /v2/service_instances/{id} and returns the operation the broker answered.
	provision(ctx context.Context, req *provisionRequest) (operation string, err error)
}

// contender is one way of talking to a broker.
type contender struct {
	name string
	// connect returns a client for the broker at serverURL, configured as it ships. A non-nil
	// transport replaces the one under the client's HTTP client, everything else kept.
	connect func(serverURL string, transport http.RoundTripper) (brokerClient, error)
	// decodeCatalog decodes a catalog body the way the contender's ListCatalog does and
	// returns the number of services.
	decodeCatalog func(body []byte) (services int, err error)
	// reusesConnections says whether the client as shipped keeps enough idle connections for
	// 64 goroutines. IBM's does not: go-sdk-core's pooled transport keeps GOMAXPROCS+1 idle
	// connections per host and closes the others after each call.
	reusesConnections bool
}

// ours names this SDK among the contenders.
const ours = "ours"

// contenders lists this SDK first: ratios in the results are "ours" over the others.
var contenders = []contender{
	{name: ours, connect: newOursClient, decodeCatalog: decodeOursCatalog, reusesConnections: true},
	{name: "ibm", connect: newIBMClient, decodeCatalog: decodeIBMCatalog, reusesConnections: false},
	{name: "plain", connect: newPlainClient, decodeCatalog: decodePlainCatalog, reusesConnections: true},
}

// platformContext is the OSB context object of a provision request.
type platformContext struct {
	Platform  string
	AccountID string
	CRN       string
}

// asMap returns the context as the JSON object the OSB specification defines.
func (c platformContext) asMap() map[string]any {
	return map[string]any{"platform": c.Platform, "account_id": c.AccountID, "crn": c.CRN}
}

// provisionRequest is the one provision request every contender sends in case P3.
type provisionRequest struct {
	InstanceID string
	ServiceID  string
	PlanID     string
	// OrganizationGUID and SpaceGUID are required in every provision (Provisioning, Body).
	OrganizationGUID string
	SpaceGUID        string
	Context          platformContext
	Parameters       map[string]any
	// FlatParameters holds Parameters with nested keys joined by dots and values printed,
	// because IBM's SDK accepts only a map of strings as parameters.
	FlatParameters map[string]string
}

// newProvisionRequest returns a provision request with a platform context and nested
// parameters, like a real provision of a database service.
func newProvisionRequest() *provisionRequest {
	parameters := map[string]any{
		"region": "eu-de",
		"storage": map[string]any{
			"size_gb": 250,
			"class":   "ssd",
		},
		"backup": map[string]any{
			"enabled":        true,
			"schedule":       "0 3 * * *",
			"retention_days": 35,
		},
		"network": map[string]any{
			"private":       true,
			"allowed_cidrs": []any{"10.0.0.0/8", "192.168.10.0/24"},
		},
		"labels": map[string]any{"team": "payments", "env": "production"},
	}
	const instanceID = "5a4e0b2c-9c1d-4a4f-8d3e-2f6b7c8d9e01"
	return &provisionRequest{
		InstanceID:       instanceID,
		ServiceID:        "2b1f6a3e-7c44-4b8e-9a51-0d2c3e4f5a6b",
		PlanID:           "8c9d0e1f-2a3b-4c5d-8e6f-7a8b9c0d1e2f",
		OrganizationGUID: "8d7f5e3c2b1a49e6a1b2c3d4e5f60718",
		SpaceGUID:        "0be5ad401ae913d8ff665d92680664ed",
		Context: platformContext{
			Platform:  "ibmcloud",
			AccountID: "8d7f5e3c2b1a49e6a1b2c3d4e5f60718",
			CRN:       "crn:v1:bluemix:public:acme-postgres:eu-de:a/8d7f5e3c2b1a49e6a1b2c3d4e5f60718:" + instanceID + "::",
		},
		Parameters:     parameters,
		FlatParameters: flatten(parameters),
	}
}

// flatten turns nested objects into dotted keys with printed values.
func flatten(parameters map[string]any) map[string]string {
	flat := make(map[string]string)
	var walk func(prefix string, value any)
	walk = func(prefix string, value any) {
		nested, ok := value.(map[string]any)
		if !ok {
			flat[prefix] = fmt.Sprint(value)
			return
		}
		for key, inner := range nested {
			walk(strings.TrimPrefix(prefix+"."+key, "."), inner)
		}
	}
	walk("", parameters)
	return flat
}
