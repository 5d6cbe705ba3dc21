package benchmarks

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// pollingInstanceID is the instance whose last operation cases P2 and P4 poll.
const pollingInstanceID = "7f3c2a1b-0e9d-4c8b-a7f6-5e4d3c2b1a09"

// catalogBody returns the P1 catalog, generated anew for each case (in well under a second), failing
// tb if it cannot be generated. Kept for the whole run, its tens of megabytes would make the
// collector run rarely in every later case, whose figures would then depend on the order of cases.
func catalogBody(tb testing.TB) []byte {
	tb.Helper()
	body, err := generateCatalogJSON(benchmarkCatalog, fixtureSeed)
	require.NoError(tb, err)
	return body
}

// startBroker starts a loopback broker serving catalog and closes it when tb ends.
func startBroker(tb testing.TB, catalog []byte) *brokerServer {
	tb.Helper()
	broker := newBrokerServer(catalog, nil)
	tb.Cleanup(broker.Close)
	return broker
}

// benchEachContender runs body as one sub-benchmark per contender, each with its own client
// of the broker at serverURL, sending through transport when it is not nil, and warmed up by
// one call (so a keep-alive connection is already open).
func benchEachContender(b *testing.B, serverURL string, transport http.RoundTripper, body func(b *testing.B, client brokerClient)) {
	for _, c := range contenders {
		b.Run(c.name, func(b *testing.B) {
			client, err := c.connect(serverURL, transport)
			require.NoError(b, err)
			_, err = client.getLastOperation(context.Background(), pollingInstanceID)
			require.NoError(b, err, "warm-up call")
			b.ReportAllocs()
			body(b, client)
		})
	}
}

// BenchmarkP1CatalogEndToEnd fetches and decodes the 1,000 x 20 catalog.
func BenchmarkP1CatalogEndToEnd(b *testing.B) {
	catalog := catalogBody(b)
	broker := startBroker(b, catalog)
	ctx := context.Background()
	benchEachContender(b, broker.URL, nil, func(b *testing.B, client brokerClient) {
		b.SetBytes(int64(len(catalog)))
		for b.Loop() {
			services, err := client.listCatalog(ctx)
			if err != nil || services != benchmarkCatalog.Services {
				b.Fatalf("list catalog: %d services, error %v", services, err)
			}
		}
	})
}

// BenchmarkP1CatalogDecode decodes the catalog body as each contender's ListCatalog does,
// without HTTP.
func BenchmarkP1CatalogDecode(b *testing.B) {
	catalog := catalogBody(b)
	for _, c := range contenders {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(catalog)))
			for b.Loop() {
				services, err := c.decodeCatalog(catalog)
				if err != nil || services != benchmarkCatalog.Services {
					b.Fatalf("decode catalog: %d services, error %v", services, err)
				}
			}
		})
	}
}

// BenchmarkP2LastOperation measures the per-call overhead: a small GET on a keep-alive
// loopback connection.
func BenchmarkP2LastOperation(b *testing.B) {
	broker := startBroker(b, nil)
	benchEachContender(b, broker.URL, nil, benchLastOperation)
}

// BenchmarkP2LastOperationInMemory is P2 without sockets: every contender's HTTP client sends
// through the same in-memory transport, so the figures are the client's own cost.
func BenchmarkP2LastOperationInMemory(b *testing.B) {
	benchEachContender(b, inMemoryBrokerURL, memoryTransport{body: lastOperationBody}, benchLastOperation)
}

// inMemoryBrokerURL is the broker URL of the in-memory cases; nothing is ever dialed.
const inMemoryBrokerURL = "http://broker.example"

// benchLastOperation polls the last operation b.N times.
func benchLastOperation(b *testing.B, client brokerClient) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := client.getLastOperation(ctx, pollingInstanceID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkP3Provision sends a provision request with a context and nested parameters:
// building and encoding the request, the round trip and decoding the answer.
func BenchmarkP3Provision(b *testing.B) {
	broker := startBroker(b, nil)
	ctx := context.Background()
	req := newProvisionRequest()
	benchEachContender(b, broker.URL, nil, func(b *testing.B, client brokerClient) {
		for b.Loop() {
			if _, err := client.provision(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkP4SharedClient measures throughput of one client shared by 64 goroutines; one
// op is 10,000 calls. It also reports the TCP connections opened per op.
func BenchmarkP4SharedClient(b *testing.B) {
	broker := startBroker(b, nil)
	ctx := context.Background()
	benchEachContender(b, broker.URL, nil, func(b *testing.B, client brokerClient) {
		before := broker.Connections()
		for b.Loop() {
			if err := callConcurrently(ctx, client, sharedClientGoroutines, sharedClientCalls); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(broker.Connections()-before)/float64(b.N), "conns/op")
	})
}
