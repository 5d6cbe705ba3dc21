package conformance_test

import (
	"context"
	"fmt"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/conformance"
)

// Run the checks against a broker and grade the report as `osb check` does.
func ExampleRun() {
	broker := brokertest.NewServer(brokertest.WithMisbehaviour(brokertest.MisbehaveStateSpelling))
	defer broker.Close()

	report, err := conformance.Run(context.Background(), conformance.Options{
		Client:       broker.Client(),
		Only:         []string{string(conformance.LastOperationStateValues)},
		Plans:        []string{brokertest.DefaultAsyncPlanID},
		MinPollDelay: time.Millisecond,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, result := range report.Results {
		fmt.Println(result.Outcome, result.Check.ID, result.Check.Level, "-", result.Check.Section)
	}
	fmt.Println("conformant:", report.Conformant(false), "leftovers:", len(report.Leftovers))
	// Output:
	// fail last_operation.state-values MUST - Polling Last Operation for Service Instances, Body
	// conformant: false leftovers: 0
}
