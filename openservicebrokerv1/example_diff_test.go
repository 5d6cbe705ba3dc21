package openservicebrokerv1_test

import (
	"context"
	"fmt"

	"github.com/pivotal-cf/brokerapi/v12/domain"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

// A platform refreshing its marketplace learns what changed: here the broker offers a new
// maintenance level for one plan, which the platform may offer its users as an upgrade.
func ExampleOpenServiceBrokerV1_RefreshCatalogDiff() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	held, _, err := client.RefreshCatalogDiff(ctx, nil)
	if err != nil {
		panic(err)
	}

	if err := srv.SetPlanMaintenanceInfo(brokertest.DefaultSyncPlanID, domain.MaintenanceInfo{Version: "1.1.0", Description: "OS image update"}); err != nil {
		panic(err)
	}
	_, diff, err := client.RefreshCatalogDiff(ctx, held)
	if err != nil {
		panic(err)
	}
	for _, removed := range diff.RemovedPlans {
		fmt.Println("deactivate plan", removed.Name)
	}
	for _, plan := range diff.ChangedPlans {
		for _, change := range plan.Changes {
			fmt.Printf("plan %s: %s %s -> %s (platform acts: %v)\n", plan.Name, change.Pointer, change.Old, change.New, change.PlatformActs)
		}
	}
	// Output:
	// plan small: /maintenance_info/version "1.0.0" -> "1.1.0" (platform acts: true)
	// plan small: /maintenance_info/description "initial release" -> "OS image update" (platform acts: false)
}
