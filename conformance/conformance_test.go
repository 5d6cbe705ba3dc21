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

// fastPolling keeps the embedded broker's asynchronous operations to milliseconds.
func fastPolling(options conformance.Options) conformance.Options {
	options.MinPollDelay, options.MaxPollDelay, options.MaxWait = time.Millisecond, 20*time.Millisecond, time.Minute
	return options
}

func TestConformantBrokerGetsNoFailureAndNoWarning(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client()}))
	require.NoError(t, err)
	for _, result := range report.Results {
		assert.Contains(t, []conformance.Outcome{conformance.Pass, conformance.Skip}, result.Outcome, "%s [%s]: %s", result.Check.ID, result.Subject, result.Message)
		if result.Outcome == conformance.Skip {
			assert.NotEmpty(t, result.Message, "a skipped check says why")
		}
	}
	assert.True(t, report.Conformant(true))
	assert.Empty(t, report.Leftovers)
	assert.Empty(t, srv.Instances(), "the run removed every instance it created")
}
