package benchmarks

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// benchmarkCatalogJSON generates the P1 catalog once per test binary run.
var benchmarkCatalogJSON = sync.OnceValues(func() ([]byte, error) {
	return generateCatalogJSON(benchmarkCatalog, fixtureSeed)
})

// pollingInstanceID is the instance whose last operation cases P2 and P4 poll.
const pollingInstanceID = "7f3c2a1b-0e9d-4c8b-a7f6-5e4d3c2b1a09"

// catalogBody returns the P1 catalog, failing tb if it cannot be generated.
func catalogBody(tb testing.TB) []byte {
	tb.Helper()
	body, err := benchmarkCatalogJSON()
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
// of broker whose keep-alive connection is already open.
func benchEachContender(b *testing.B, broker *brokerServer, body func(b *testing.B, client brokerClient)) {
	for _, c := range contenders {
		b.Run(c.name, func(b *testing.B) {
			client, err := c.connect(broker.URL)
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
	benchEachContender(b, broker, func(b *testing.B, client brokerClient) {
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
	ctx := context.Background()
	benchEachContender(b, broker, func(b *testing.B, client brokerClient) {
		for b.Loop() {
			if _, err := client.getLastOperation(ctx, pollingInstanceID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkP3Provision sends a provision request with a context and nested parameters:
// building and encoding the request, the round trip and decoding the answer.
func BenchmarkP3Provision(b *testing.B) {
	broker := startBroker(b, nil)
	ctx := context.Background()
	req := newProvisionRequest()
	benchEachContender(b, broker, func(b *testing.B, client brokerClient) {
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
	benchEachContender(b, broker, func(b *testing.B, client brokerClient) {
		before := broker.Connections()
		for b.Loop() {
			if err := callConcurrently(ctx, client, sharedClientGoroutines, sharedClientCalls); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(broker.Connections()-before)/float64(b.N), "conns/op")
	})
}
