package conformance_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/conformance"
)

// brokertestGaps are the checks brokertest does not pass yet, with why; the tests require
// them not to pass, so that the entry goes once brokertest is fixed.
var brokertestGaps = map[string]string{
	"catalog.ids-guid": "brokertest's default ids (brokertest-db, brokertest-db-small, ...) are not GUIDs",
}

// fastPolling keeps the embedded broker's asynchronous operations to milliseconds.
func fastPolling(options conformance.Options) conformance.Options {
	options.MinPollDelay, options.MaxPollDelay, options.MaxWait = time.Millisecond, 20*time.Millisecond, time.Minute
	return options
}

// flagged returns the checks that did not pass or skip, without the known brokertest gaps,
// and fails the test for a gap that passes now.
func flagged(t *testing.T, report *conformance.Report) map[string]conformance.Outcome {
	t.Helper()
	found := map[string]conformance.Outcome{}
	for _, result := range report.Results {
		if why, gap := brokertestGaps[result.Check.ID]; gap {
			assert.NotEqual(t, conformance.Pass, result.Outcome, "%s passes now (%s): remove it from brokertestGaps", result.Check.ID, why)
			continue
		}
		if result.Outcome != conformance.Pass && result.Outcome != conformance.Skip {
			found[result.Check.ID] = result.Outcome
			t.Logf("%s %s [%s]: %s", result.Outcome, result.Check.ID, result.Subject, result.Message)
		}
	}
	return found
}

func TestConformantBrokerGetsNoFailureAndNoWarning(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client()}))
	require.NoError(t, err)
	assert.Empty(t, flagged(t, report))
	ran := map[string]bool{}
	for _, result := range report.Results {
		ran[result.Check.ID] = true
		if result.Outcome == conformance.Skip {
			assert.NotEmpty(t, result.Message, "%s: a skipped check says why", result.Check.ID)
		}
	}
	for _, check := range conformance.Checks() {
		assert.True(t, ran[check.ID], "%s has a result", check.ID)
	}
	assert.Empty(t, report.Leftovers)
	assert.Empty(t, srv.Instances(), "the run removed every instance it created")
	assert.Empty(t, srv.Bindings(), "the run removed every binding it created")
}

// TestEachMisbehaviourIsCaughtByItsChecks runs the checker against a broker that breaks one
// rule at a time: exactly the checks of that rule flag it (fail, warn or info by the rule's level).
func TestEachMisbehaviourIsCaughtByItsChecks(t *testing.T) {
	caughtBy := map[brokertest.Misbehaviour]map[string]conformance.Outcome{
		brokertest.MisbehaveCreateAnswers200:        {"provision.sync.201-new": conformance.Fail, "bind.201-new": conformance.Fail},
		brokertest.MisbehaveDeleteMissingAnswers200: {"deprovision.missing-410": conformance.Fail, "unbind.missing-410": conformance.Fail},
		brokertest.MisbehaveDeleteMissingAnswers404: {"deprovision.missing-410": conformance.Fail, "unbind.missing-410": conformance.Fail},
		brokertest.MisbehaveIgnoreAcceptsIncomplete: {"provision.async-required-422": conformance.Fail},
		brokertest.MisbehaveStateSpelling:           {"last_operation.state-values": conformance.Fail},
		brokertest.MisbehaveNoOperation:             {"provision.async.operation": conformance.Info},
		brokertest.MisbehaveNoConcurrencyError:      {"concurrency.busy-instance": conformance.Info},
		brokertest.MisbehaveNoCredentialsOnSyncBind: {"bind.credentials": conformance.Fail},
		brokertest.MisbehaveDuplicatePlanID:         {"catalog.ids-unique": conformance.Fail},
		brokertest.MisbehaveNoIdentityEcho:          {"headers.request-identity-echoed": conformance.Warn},
	}
	require.Len(t, caughtBy, len(brokertest.Misbehaviours()), "every misbehaviour has a row")
	for _, misbehaviour := range brokertest.Misbehaviours() {
		t.Run(string(misbehaviour), func(t *testing.T) {
			t.Parallel()
			srv := brokertest.NewServer(brokertest.WithMisbehaviour(misbehaviour))
			defer srv.Close()

			report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client()}))
			require.NoError(t, err)
			assert.Equal(t, caughtBy[misbehaviour], flagged(t, report))
			assert.Empty(t, report.Leftovers, "the sweep removes everything, whatever the broker does")
		})
	}
}
