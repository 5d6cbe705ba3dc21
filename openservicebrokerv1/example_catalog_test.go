package openservicebrokerv1_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/go-openapi/strfmt"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// exampleCatalog is what a broker's GET /v2/catalog might answer.
const exampleCatalog = `{"services": [{
  "id": "6f5a1e2c-8d1b-4a47-9a53-2d1c6a1d9b10", "name": "postgres", "description": "PostgreSQL", "bindable": true,
  "plan_updateable": true, "instances_retrievable": true,
  "plans": [
    {"id": "0c2f3e4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "name": "small", "description": "1 vCPU", "maximum_polling_duration": 900,
     "maintenance_info": {"version": "14.2.0"},
     "schemas": {"service_instance": {"create": {"parameters": {"$schema": "http://json-schema.org/draft-07/schema#",
       "type": "object", "required": ["size_gb"], "additionalProperties": false,
       "properties": {"size_gb": {"type": "integer", "minimum": 1, "maximum": 500}, "version": {"enum": ["14", "15"]}}}}}}},
    {"id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a", "name": "shared", "description": "A schema on a shared server",
     "bindable": false, "plan_updateable": false}
  ]}]}`

func decodeExampleCatalog() *openservicebrokerv1.BrokerCatalogResp {
	var resp openservicebrokerv1.BrokerCatalogResp
	if err := json.Unmarshal([]byte(exampleCatalog), &resp); err != nil {
		panic(err)
	}
	return &resp
}

func ExampleNewCatalog() {
	catalog, err := openservicebrokerv1.NewCatalog(decodeExampleCatalog())
	if err != nil {
		panic(err) // a *CatalogError listing every problem
	}
	for _, planName := range []string{"small", "shared"} {
		plan, _ := catalog.PlanByName("postgres", planName)
		limit, _ := plan.MaximumPollingDuration()
		fmt.Printf("%s: bindable %t, plan_updateable %t, binding_rotatable %t, instances_retrievable %t, maximum polling %s\n",
			plan.Name(), plan.Bindable(), plan.PlanUpdateable(), plan.BindingRotatable(), plan.InstancesRetrievable(), limit)
	}
	// Output:
	// small: bindable true, plan_updateable true, binding_rotatable false, instances_retrievable true, maximum polling 15m0s
	// shared: bindable false, plan_updateable false, binding_rotatable false, instances_retrievable true, maximum polling 0s
}

func ExampleCatalog_CheckRequest() {
	catalog, err := openservicebrokerv1.NewCatalog(decodeExampleCatalog())
	if err != nil {
		panic(err)
	}
	bind := &openservicebrokerv1.ReplaceServiceBindingOptions{}
	bind.SetServiceID("6f5a1e2c-8d1b-4a47-9a53-2d1c6a1d9b10").SetPlanID("9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a")

	err = catalog.CheckRequest(bind)
	fmt.Println(errors.Is(err, openservicebrokerv1.ErrNotBindable))
	fmt.Println(err)
	// Output:
	// true
	// ReplaceServiceBinding: not sent: the plan is not bindable: plan "shared" of service offering "postgres" has bindable false; bind only instances of bindable plans (Binding)
}

func ExampleCatalog_ValidateParameters() {
	catalog, err := openservicebrokerv1.NewCatalog(decodeExampleCatalog())
	if err != nil {
		panic(err)
	}
	plan, _ := catalog.PlanByName("postgres", "small")
	parameters := map[string]any{"size_gb": 1000, "version": "9.6", "owner": "ops"}

	err = catalog.ValidateParameters(plan.Service().ID(), plan.ID(), openservicebrokerv1.InstanceCreateSchema, parameters)
	var invalid *openservicebrokerv1.ParametersInvalidError
	if errors.As(err, &invalid) {
		for _, violation := range invalid.Violations {
			fmt.Printf("%q: %s\n", violation.Path, violation.Message)
		}
	}
	// Output:
	// "": additional properties 'owner' not allowed
	// "/size_gb": maximum: got 1,000, want 500
	// "/version": value must be one of '14', '15'
}

// A client that holds the catalog checks every request against it before sending anything.
func ExampleOpenServiceBrokerV1_SetCatalog() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	catalog, _, err := client.RefreshCatalog(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	client.SetCatalog(catalog)
	srv.ResetRequests()

	provision := client.NewReplaceServiceInstanceOptions("instance-1").SetServiceID(serviceID).SetPlanID(planID).
		SetOrganizationGuid("org-guid").SetSpaceGuid("space-guid").SetParameters(map[string]any{"size_gb": "ten"})
	_, _, err = client.ReplaceServiceInstance(provision)
	fmt.Println(errors.Is(err, openservicebrokerv1.ErrParametersInvalid))
	fmt.Println("requests sent:", len(srv.Requests()))

	_, _, err = client.ReplaceServiceInstance(provision.SetParameters(map[string]any{"size_gb": 10}))
	fmt.Println(err, "- requests sent:", len(srv.Requests()))
	// Output:
	// true
	// requests sent: 0
	// <nil> - requests sent: 1
}

func ExampleOpenServiceBrokerV1_RefreshCatalog() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()

	// The first call fetches the catalog; later ones send If-None-Match or If-Modified-Since
	// when the broker gave an ETag or Last-Modified, and keep the catalog on 304 Not Modified.
	catalog, changed, err := client.RefreshCatalog(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("changed:", changed, "services:", len(catalog.Services()))
	catalog, _, err = client.RefreshCatalog(context.Background(), catalog)
	if err != nil {
		panic(err)
	}
	client.SetCatalog(catalog)
	// Output:
	// changed: true services: 1
}

func ExampleOpenServiceBrokerV1_UpgradeAndWait() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	provisionSmall(client, "instance-1")

	upgrade := client.NewUpdateServiceInstanceOptions("instance-1").SetServiceID(serviceID).
		SetPreviousValues(&openservicebrokerv1.PreviousValues{PlanID: core.StringPtr(planID)})
	_, response, err := client.UpgradeAndWait(context.Background(), upgrade, nil)
	var conflict *openservicebrokerv1.MaintenanceInfoConflictError
	switch {
	case errors.As(err, &conflict):
		fmt.Println("the broker's catalog moved on to", *conflict.Current.Version, "- upgrade again")
	case err != nil:
		panic(err)
	default:
		requests := srv.Requests()
		upgradeRequest := requests[len(requests)-1]
		var sent struct {
			MaintenanceInfo openservicebrokerv1.MaintenanceInfo `json:"maintenance_info"`
		}
		if err := json.Unmarshal(upgradeRequest.Body, &sent); err != nil {
			panic(err)
		}
		fmt.Println(upgradeRequest.Method, "answered", response.StatusCode, "with maintenance_info", *sent.MaintenanceInfo.Version)
	}
	// Output:
	// PATCH answered 200 with maintenance_info 1.0.0
}

func ExampleBindingNeedsRenewal() {
	renewBefore, _ := strfmt.ParseDateTime("2026-06-01T00:00:00.0Z")
	expiresAt, _ := strfmt.ParseDateTime("2026-06-08T00:00:00.0Z")
	metadata := &openservicebrokerv1.BindingMetadata{RenewBefore: &renewBefore, ExpiresAt: &expiresAt}

	for _, now := range []string{"2026-05-31T12:00:00Z", "2026-06-01T00:00:00Z"} {
		at, _ := time.Parse(time.RFC3339, now)
		fmt.Println(now, openservicebrokerv1.BindingNeedsRenewal(metadata, at))
	}
	// Output:
	// 2026-05-31T12:00:00Z false
	// 2026-06-01T00:00:00Z true
}

func ExampleUpdateRepeatable() {
	// What a failed UpdateAndWait may return: the broker said the instance is no longer usable,
	// and said nothing about repeating the update.
	failed := &openservicebrokerv1.OperationFailedError{InstanceUsable: core.BoolPtr(false)}
	err := fmt.Errorf("UpdateAndWait: %w", failed)

	fmt.Println("instance usable:", openservicebrokerv1.InstanceUsable(err))
	fmt.Println("update repeatable:", openservicebrokerv1.UpdateRepeatable(err))
	// Output:
	// instance usable: false
	// update repeatable: true
}
