package engine

import (
	"context"
	"database/sql"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// storedRecord returns the record of id exactly as the table holds it.
func storedRecord(t *testing.T, e *Engine, id string) string {
	const query = `SELECT record FROM osb_operation WHERE id = $1`
	var record string
	var err error
	switch s := e.store.(type) {
	case *riverStore[*sql.Tx]:
		err = s.db.queryRow(t.Context(), query, id).Scan(&record)
	case *riverStore[pgx.Tx]:
		err = s.db.queryRow(t.Context(), query, id).Scan(&record)
	}
	require.NoError(t, err)
	return record
}

func TestABindHandsItsCredentialsOverAndNoRecordHoldsASecret(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			broker := brokertest.NewServer(brokertest.WithAsyncPolls(1))
			defer broker.Close()
			ended := make(done, 2)
			handedOver := make(chan map[string]any, 1)
			cfg := testConfig(broker)
			cfg.OnDone = func(_ context.Context, op Operation) { ended <- op }
			cfg.OnCredentials = func(_ context.Context, op Operation, answer *osb.BindingPutResp) error {
				assert.Equal(t, "bind-1", op.ID)
				handedOver <- answer.Credentials
				return nil
			}
			e := open(t, cfg)
			run(t, e)

			provision := provisionOptions("instance-1")
			provision.Parameters = map[string]any{"size_gb": 1, "note": "provision-parameter-secret"}
			require.NoError(t, e.Submit(t.Context(), "provision-1", testBroker, Provision(provision)))
			require.Equal(t, osb.PhaseSucceeded, ended.wait(t).Record.Phase)
			bind := &osb.ReplaceServiceBindingOptions{InstanceID: core.StringPtr("instance-1"), BindingID: core.StringPtr("binding-1"),
				ServiceID: core.StringPtr(brokertest.DefaultServiceID), PlanID: core.StringPtr(brokertest.DefaultAsyncPlanID),
				Parameters: map[string]any{"role": "writer", "note": "bind-parameter-secret"}}
			require.NoError(t, e.Submit(t.Context(), "bind-1", testBroker, Bind(bind)))
			require.Equal(t, osb.PhaseSucceeded, ended.wait(t).Record.Phase)

			credentials := <-handedOver
			issued := broker.Bindings()[0].Credentials
			assert.Equal(t, issued.Password, credentials["password"], "the platform got the broker's credentials")
			for _, id := range []string{"provision-1", "bind-1"} {
				record := storedRecord(t, e, id)
				for _, secret := range []string{"provision-parameter-secret", "bind-parameter-secret", issued.Password, issued.Username} {
					assert.NotContains(t, record, secret, "record %s", id)
				}
			}
		})
	}
}
