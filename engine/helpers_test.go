package engine

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/engine/internal/pgtest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// testBroker is the broker name the tests' ClientFactory knows.
const testBroker = "test-broker"

// backends opens an engine on each database for a test.
var backends = map[string]func(t *testing.T, cfg Config) *Engine{
	"sqlite": func(t *testing.T, cfg Config) *Engine {
		e, err := OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "engine.db"), cfg)
		require.NoError(t, err)
		return e
	},
	"postgres": func(t *testing.T, cfg Config) *Engine {
		pool, err := pgxpool.New(t.Context(), sharedCluster(t).URL)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		_, err = pool.Exec(t.Context(), "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
		require.NoError(t, err)
		e, err := OpenPostgres(t.Context(), pool, cfg)
		require.NoError(t, err)
		return e
	},
}

// postgres is the package's PostgreSQL cluster; the tests using it do not run in parallel.
var postgres pgtest.Shared

func sharedCluster(t *testing.T) *pgtest.Cluster { return postgres.Get(t) }

// run starts e, stopping it when the test ends.
func run(t *testing.T, e *Engine) {
	require.NoError(t, e.Start(t.Context()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, e.Stop(ctx))
	})
}

var testKey = []byte("0123456789abcdef0123456789abcdef")

// testConfig is a Config whose clients reach broker, with short River intervals.
func testConfig(broker *brokertest.Server) Config {
	return Config{
		Clients:       func(context.Context, string) (*osb.OpenServiceBrokerV1, error) { return broker.Client(), nil },
		Key:           testKey,
		FetchInterval: 20 * time.Millisecond,
		JobTimeout:    5 * time.Second,
		RescueAfter:   10 * time.Second,
	}
}

func provisionOptions(instanceID string) *osb.ReplaceServiceInstanceOptions {
	return &osb.ReplaceServiceInstanceOptions{
		InstanceID:        core.StringPtr(instanceID),
		ServiceID:         core.StringPtr(brokertest.DefaultServiceID),
		PlanID:            core.StringPtr(brokertest.DefaultAsyncPlanID),
		OrganizationGUID:  core.StringPtr("org"),
		SpaceGUID:         core.StringPtr("space"),
		AcceptsIncomplete: core.BoolPtr(true),
	}
}
