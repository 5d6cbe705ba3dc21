package openservicebrokerv1_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// A wait ends with ErrWaitTimeout once the maximum wait has passed (here 50 ms; by default the
// plan's maximum_polling_duration, else an hour). The operation may still finish: the result of
// the request carries its operation, to poll it again later with AwaitLastOperation.
func ExampleErrWaitTimeout() {
	srv := brokertest.NewServer(brokertest.WithAsyncPolls(1_000_000)) // an operation that keeps running
	defer srv.Close()
	client := srv.Client()

	options := client.NewReplaceServiceInstanceOptions("db-1").
		SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultAsyncPlanID).SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID)
	wait := openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond).SetMaxWait(50 * time.Millisecond)
	provision, _, err := client.ProvisionAndWait(context.Background(), options, wait)

	fmt.Println("timed out:", errors.Is(err, openservicebrokerv1.ErrWaitTimeout))
	fmt.Println("operation to poll later:", provision.Operation != nil)
	fmt.Println("instance ready:", srv.Instances()[0].Ready)
	// Output:
	// timed out: true
	// operation to poll later: true
	// instance ready: false
}
