package fake_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1/fake"
)

// createDatabase is platform code under test: it needs the lifecycle role of the client only.
func createDatabase(ctx context.Context, broker openservicebrokerv1.LifecycleAPI, instanceID string) (string, error) {
	options := &openservicebrokerv1.ReplaceServiceInstanceOptions{
		InstanceID: &instanceID, ServiceID: core.StringPtr("db"), PlanID: core.StringPtr("small"),
		OrganizationGUID: core.StringPtr("org"), SpaceGUID: core.StringPtr("space"),
	}
	instance, _, err := broker.ProvisionAndWait(ctx, options, nil)
	if err != nil {
		return "", fmt.Errorf("create database %s: %w", instanceID, err)
	}
	return *instance.DashboardURL, nil
}

// A platform's unit test: the fake answers ProvisionAndWait from a reactor and records the call.
func Example() {
	broker := fake.NewClient()
	broker.AddReactor("ProvisionAndWait", fake.Answer(http.StatusCreated,
		&openservicebrokerv1.InstancePutResp{DashboardURL: core.StringPtr("https://dashboard.example/db-1")}))

	dashboard, err := createDatabase(context.Background(), broker, "db-1")
	fmt.Println(dashboard, err)

	// A broker that refuses: the test checks that the platform passes the error on.
	broker.PrependReactor(fake.Everything, fake.Fail(openservicebrokerv1.ErrConflict))
	_, err = createDatabase(context.Background(), broker, "db-2")
	fmt.Println(errors.Is(err, openservicebrokerv1.ErrConflict))

	for _, action := range broker.Actions() {
		options := action.Options.(*openservicebrokerv1.ReplaceServiceInstanceOptions)
		fmt.Println(action.Verb, *options.InstanceID)
	}
	// Output:
	// https://dashboard.example/db-1 <nil>
	// true
	// ProvisionAndWait db-1
	// ProvisionAndWait db-2
}

// A platform that keeps operations in its store drives them with Step; the fake's reactor plays
// the broker's side, one phase per step.
func ExampleClient_Step() {
	broker := fake.NewClient()
	broker.AddReactor("Step", func(action fake.Action) (bool, any, *core.DetailedResponse, error) {
		record := action.Options.(openservicebrokerv1.OperationRecord)
		switch record.Phase {
		case openservicebrokerv1.PhaseToSend:
			record.Phase, record.Operation = openservicebrokerv1.PhaseInProgress, "op-1"
		case openservicebrokerv1.PhaseInProgress:
			record.Phase = openservicebrokerv1.PhaseSucceeded
		}
		record.Attempts++
		return true, record, nil, nil
	})

	options := broker.NewReplaceServiceInstanceOptions("db-1").SetServiceID("db").SetPlanID("small").
		SetOrganizationGUID("org").SetSpaceGUID("space")
	record, err := broker.NewProvisionRecord(options, openservicebrokerv1.RecordConfig{NoReplay: true})
	if err != nil {
		panic(err)
	}
	for !record.Done() {
		if record, err = broker.Step(context.Background(), record, nil); err != nil {
			panic(err)
		}
		fmt.Println(record.Phase, record.Operation)
	}
	fmt.Println(len(broker.Actions()), "steps")
	// Output:
	// in_progress op-1
	// succeeded op-1
	// 2 steps
}
