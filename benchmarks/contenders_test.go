package benchmarks

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests check that every contender does the same work, so that the benchmarks
// compare like with like.

func TestContendersDecodeTheSameCatalog(t *testing.T) {
	body, err := generateCatalogJSON(smallCatalog, fixtureSeed)
	require.NoError(t, err)
	broker := startBroker(t, body)

	for _, c := range contenders {
		t.Run(c.name, func(t *testing.T) {
			client, err := c.connect(broker.URL, nil)
			require.NoError(t, err)

			listed, err := client.listCatalog(context.Background())
			require.NoError(t, err)
			decoded, err := c.decodeCatalog(body)
			require.NoError(t, err)

			assert.Equal(t, smallCatalog.Services, listed, "services listed")
			assert.Equal(t, smallCatalog.Services, decoded, "services decoded")
		})
	}
}

func TestContendersReadTheLastOperationState(t *testing.T) {
	broker := startBroker(t, nil)

	for _, c := range contenders {
		t.Run(c.name, func(t *testing.T) {
			client, err := c.connect(broker.URL, nil)
			require.NoError(t, err)

			state, err := client.getLastOperation(context.Background(), pollingInstanceID)

			require.NoError(t, err)
			assert.Equal(t, "in progress", state)
		})
	}
}

// sentProvision is the part of a provision body the contenders must agree on.
type sentProvision struct {
	ServiceID  string         `json:"service_id"`
	PlanID     string         `json:"plan_id"`
	Context    map[string]any `json:"context"`
	Parameters map[string]any `json:"parameters"`
}

func TestContendersSendTheProvisionRequest(t *testing.T) {
	req := newProvisionRequest()
	var mu sync.Mutex
	bodies := make(map[string][]byte)
	broker := newBrokerServer(nil, func(instanceID string, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		bodies[instanceID] = body
	})
	t.Cleanup(broker.Close)

	for _, c := range contenders {
		t.Run(c.name, func(t *testing.T) {
			client, err := c.connect(broker.URL, nil)
			require.NoError(t, err)

			operation, err := client.provision(context.Background(), req)

			require.NoError(t, err)
			assert.Equal(t, "provision-"+req.InstanceID, operation)
			mu.Lock()
			body := bodies[req.InstanceID]
			mu.Unlock()
			var sent sentProvision
			require.NoError(t, json.Unmarshal(body, &sent))
			assert.Equal(t, req.ServiceID, sent.ServiceID)
			assert.Equal(t, req.PlanID, sent.PlanID)
			assert.Equal(t, req.Context.asMap(), sent.Context)
			assert.Equal(t, expectedParameters(t, c.name, req), sent.Parameters)
		})
	}
}

// expectedParameters is what a contender's provision body carries as parameters: the nested
// object, except for IBM's SDK, which can only send flattened strings.
func expectedParameters(t *testing.T, contenderName string, req *provisionRequest) map[string]any {
	source := any(req.Parameters)
	if contenderName == "ibm" {
		source = req.FlatParameters
	}
	encoded, err := json.Marshal(source)
	require.NoError(t, err)
	var parameters map[string]any
	require.NoError(t, json.Unmarshal(encoded, &parameters))
	return parameters
}

func TestFlattenJoinsNestedKeysWithDots(t *testing.T) {
	nested := map[string]any{
		"region":  "eu-de",
		"storage": map[string]any{"size_gb": 250, "tier": map[string]any{"class": "ssd"}},
		"list":    []any{"a", "b"},
	}

	assert.Equal(t, map[string]string{
		"region":             "eu-de",
		"storage.size_gb":    "250",
		"storage.tier.class": "ssd",
		"list":               "[a b]",
	}, flatten(nested))
}

func TestContendersReadTheLastOperationStateInMemory(t *testing.T) {
	transport := &countingTransport{next: memoryTransport{body: lastOperationBody}}
	for _, c := range contenders {
		t.Run(c.name, func(t *testing.T) {
			client, err := c.connect(inMemoryBrokerURL, transport)
			require.NoError(t, err)
			before := transport.calls.Load()

			state, err := client.getLastOperation(context.Background(), pollingInstanceID)

			require.NoError(t, err)
			assert.Equal(t, "in progress", state)
			assert.Equal(t, int64(1), transport.calls.Load()-before, "one request went through the in-memory transport")
		})
	}
}

// countingTransport counts the requests it hands to next.
type countingTransport struct {
	next  http.RoundTripper
	calls atomic.Int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	return t.next.RoundTrip(req)
}
