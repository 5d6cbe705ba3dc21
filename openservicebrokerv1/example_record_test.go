package openservicebrokerv1_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// ExampleOpenServiceBrokerV1_Step runs a provision the way a platform that outlives its
// processes does: the operation record lives in the platform's own store (here a map, standing
// for a Kubernetes object's status or a database row), and a reconcile function loads it, calls
// Step when it is due, stores what Step returns and says when to come back. That is the shape of
// a controller-runtime reconciler: Reconcile returns ctrl.Result{RequeueAfter: ...}.
func ExampleOpenServiceBrokerV1_Step() {
	srv := brokertest.NewServer(brokertest.WithAsyncPolls(1))
	defer srv.Close()
	client := srv.Client()
	// The key seals the request in the record so that any replica can send it again; a platform
	// keeps it in its secret store.
	key := []byte("0123456789abcdef0123456789abcdef")
	store := map[string][]byte{}

	// The record is stored before anything is sent: a crash after this point is followed by a
	// replay of the same request, never by silence.
	options := client.NewReplaceServiceInstanceOptions("db-1").SetServiceID(serviceID).SetPlanID(asyncPlanID).
		SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID)
	record, err := client.NewProvisionRecord(options, openservicebrokerv1.RecordConfig{Key: key})
	if err != nil {
		panic(err)
	}
	store["db-1"], _ = json.Marshal(record)

	step := &openservicebrokerv1.StepOptions{Key: key, MinDelay: time.Millisecond} // a quick test broker
	reconcile := func(ctx context.Context, name string) (requeueAfter time.Duration, done bool) {
		var record openservicebrokerv1.OperationRecord
		if err := json.Unmarshal(store[name], &record); err != nil {
			panic(err)
		}
		if record.Done() {
			return 0, true
		}
		if wait := time.Until(record.NextAt); wait > 0 {
			return wait, false
		}
		next, err := client.Step(ctx, record, step)
		if err != nil {
			return time.Second, false // nothing was exchanged: try again later
		}
		store[name], _ = json.Marshal(next)
		fmt.Println(record.Phase, "->", next.Phase)
		return time.Until(next.NextAt), next.Done()
	}

	for {
		requeueAfter, done := reconcile(context.Background(), "db-1")
		if done {
			break
		}
		time.Sleep(requeueAfter)
	}
	fmt.Println("instances:", len(srv.Instances()))
	// Output:
	// to_send -> in_progress
	// in_progress -> in_progress
	// in_progress -> succeeded
	// instances: 1
}
