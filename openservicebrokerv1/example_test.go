package openservicebrokerv1_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/common"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The examples talk to a brokertest broker on loopback, a real Open Service Broker. Its catalog
// offers the service "brokertest-db" with the plans "small" (synchronous) and "large"
// (asynchronous only), each with a GUID as its id.
const (
	serviceID   = brokertest.DefaultServiceID
	planID      = brokertest.DefaultSyncPlanID
	asyncPlanID = brokertest.DefaultAsyncPlanID
	// orgGUID and spaceGUID are the platform organization and space every provision names.
	orgGUID   = "f4663bbe-e8ea-478c-8956-e3afee1087ab"
	spaceGUID = "54557f98-83f0-4eca-ae04-9ea35277a539"
)

// provisionSmall provisions an instance of the synchronous plan, for examples about what comes after.
func provisionSmall(client *openservicebrokerv1.OpenServiceBrokerV1, instanceID string) {
	options := client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(serviceID).SetPlanID(planID).SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID)
	if _, _, err := client.ReplaceServiceInstance(options); err != nil {
		panic(err)
	}
}

// provisionLarge provisions an instance of the asynchronous plan and waits until the broker is done.
func provisionLarge(client *openservicebrokerv1.OpenServiceBrokerV1, instanceID string, wait *openservicebrokerv1.WaitOptions) {
	options := client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(serviceID).SetPlanID(asyncPlanID).SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID)
	if _, _, err := client.ProvisionAndWait(context.Background(), options, wait); err != nil {
		panic(err)
	}
}

// bindSmall creates a binding of an instance of the synchronous plan.
func bindSmall(client *openservicebrokerv1.OpenServiceBrokerV1, instanceID, bindingID string) {
	options := client.NewReplaceServiceBindingOptions(bindingID, instanceID).SetServiceID(serviceID).SetPlanID(planID)
	if _, _, err := client.ReplaceServiceBinding(options); err != nil {
		panic(err)
	}
}

func ExampleNewOpenServiceBrokerV1() {
	srv := brokertest.NewServer()
	defer srv.Close()

	client, err := openservicebrokerv1.NewOpenServiceBrokerV1(&openservicebrokerv1.OpenServiceBrokerV1Options{
		URL:           srv.URL,
		Authenticator: &core.BasicAuthenticator{Username: srv.Username, Password: srv.Password},
	})
	if err != nil {
		panic(err)
	}
	catalog, _, err := client.ListCatalog(client.NewListCatalogOptions())
	if err != nil {
		panic(err)
	}
	fmt.Println("API version:", client.GetBrokerAPIVersion())
	fmt.Println("first service:", *catalog.Services[0].Name)
	// Output:
	// API version: 2.17
	// first service: brokertest-db
}

func ExampleNewOpenServiceBrokerV1UsingExternalConfig() {
	srv := brokertest.NewServer()
	defer srv.Close()

	// Usually the environment is set outside the program; here the example sets it itself.
	environment := map[string]string{
		"OPEN_SERVICE_BROKER_URL":       srv.URL,
		"OPEN_SERVICE_BROKER_AUTH_TYPE": "basic",
		"OPEN_SERVICE_BROKER_USERNAME":  srv.Username,
		"OPEN_SERVICE_BROKER_PASSWORD":  srv.Password,
	}
	for key, value := range environment {
		os.Setenv(key, value)
		defer os.Unsetenv(key)
	}

	client, err := openservicebrokerv1.NewOpenServiceBrokerV1UsingExternalConfig(&openservicebrokerv1.OpenServiceBrokerV1Options{})
	if err != nil {
		panic(err)
	}
	catalog, _, err := client.ListCatalog(client.NewListCatalogOptions())
	if err != nil {
		panic(err)
	}
	fmt.Println("URL from the environment:", client.GetServiceURL() == srv.URL)
	fmt.Println("first service:", *catalog.Services[0].Name)
	// Output:
	// URL from the environment: true
	// first service: brokertest-db
}

// A program with sources of configuration of its own (flags, a file of named brokers) gathers
// the properties in its order of precedence and builds the client from them: the variables of a
// credentials file in the working directory no longer win.
func ExampleNewOpenServiceBrokerV1FromConfig() {
	srv := brokertest.NewServer()
	defer srv.Close()

	props := map[string]string{"URL": srv.URL, "AUTH_TYPE": "basic", "USERNAME": srv.Username, "PASSWORD": srv.Password, "TIMEOUT": "30s"}
	config, err := common.ConfigFromProperties(openservicebrokerv1.DefaultServiceName, props)
	if err != nil {
		panic(err)
	}
	client, err := openservicebrokerv1.NewOpenServiceBrokerV1FromConfig(&openservicebrokerv1.OpenServiceBrokerV1Options{}, config)
	if err != nil {
		panic(err)
	}
	catalog, _, err := client.ListCatalog(client.NewListCatalogOptions())
	if err != nil {
		panic(err)
	}
	fmt.Println("timeout:", client.GetHTTPClient().Timeout)
	fmt.Println("first service:", *catalog.Services[0].Name)
	// Output:
	// timeout: 30s
	// first service: brokertest-db
}

func ExampleOpenServiceBrokerV1_ListCatalog() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()

	catalog, _, err := client.ListCatalog(client.NewListCatalogOptions())
	if err != nil {
		panic(err)
	}
	for _, service := range catalog.Services {
		fmt.Printf("service %s (bindable: %t)\n", *service.Name, *service.Bindable)
		for _, plan := range service.Plans {
			fmt.Printf("  plan %s: %s\n", *plan.Name, *plan.Description)
		}
	}
	// Output:
	// service brokertest-db (bindable: true)
	//   plan small: Provisioned synchronously
	//   plan large: Provisioned asynchronously; needs accepts_incomplete=true
}

func ExampleOpenServiceBrokerV1_ReplaceServiceInstance() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()

	options := client.NewReplaceServiceInstanceOptions("db-1").
		SetServiceID(serviceID).
		SetPlanID(planID).
		SetOrganizationGUID(orgGUID).
		SetSpaceGUID(spaceGUID).
		SetParameters(map[string]any{"size_gb": 10}).
		SetAcceptsIncomplete(true)
	result, response, err := client.ReplaceServiceInstance(options)
	if err != nil {
		panic(err)
	}
	fmt.Println(response.StatusCode, *result.DashboardURL)

	// Sending the same request again is safe: the broker answers 200 for an identical instance.
	_, response, err = client.ReplaceServiceInstance(options)
	if err != nil {
		panic(err)
	}
	fmt.Println(response.StatusCode)
	// Output:
	// 201 https://dashboard.brokertest.invalid/instances/db-1
	// 200
}

// A Kubernetes platform need not set organization_guid and space_guid: the client takes them
// from the kubernetes context (the cluster as the organization, the namespace as the space).
func ExampleOpenServiceBrokerV1_ReplaceServiceInstance_kubernetesContext() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()

	options := client.NewReplaceServiceInstanceOptions("db-1").
		SetServiceID(serviceID).
		SetPlanID(planID).
		SetContext(&openservicebrokerv1.Context{
			Platform:  core.StringPtr(openservicebrokerv1.PlatformKubernetes),
			ClusterID: core.StringPtr("cluster-eu-1"),
			Namespace: core.StringPtr("payments"),
		})
	if _, _, err := client.ReplaceServiceInstance(options); err != nil {
		panic(err)
	}
	instance := srv.Instances()[0]
	fmt.Println(instance.OrganizationGUID, instance.SpaceGUID)
	// Output: cluster-eu-1 payments
}

func ExampleOpenServiceBrokerV1_UpdateServiceInstance() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	provisionSmall(client, "db-1")

	options := client.NewUpdateServiceInstanceOptions("db-1").
		SetServiceID(serviceID).
		SetPlanID(planID).
		SetParameters(map[string]any{"size_gb": 20}).
		SetAcceptsIncomplete(true)
	_, response, err := client.UpdateServiceInstance(options)
	if err != nil {
		panic(err)
	}
	fmt.Println(response.StatusCode)
	// Output: 200
}

func ExampleOpenServiceBrokerV1_DeleteServiceInstance() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	provisionSmall(client, "db-1")

	options := client.NewDeleteServiceInstanceOptions(serviceID, planID, "db-1").SetAcceptsIncomplete(true)
	_, response, err := client.DeleteServiceInstance(options)
	if err != nil {
		panic(err)
	}
	fmt.Println(response.StatusCode, err)

	// Deleting what does not exist is answered 410 Gone, which is success for a deletion.
	_, response, err = client.DeleteServiceInstance(options)
	fmt.Println(response.StatusCode, err)
	// Output:
	// 200 <nil>
	// 410 <nil>
}

func ExampleOpenServiceBrokerV1_GetServiceInstance() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	_, _, err := client.ReplaceServiceInstance(client.NewReplaceServiceInstanceOptions("db-1").
		SetServiceID(serviceID).SetPlanID(planID).SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID).SetParameters(map[string]any{"size_gb": 10}))
	if err != nil {
		panic(err)
	}

	instance, _, err := client.GetServiceInstance(client.NewGetServiceInstanceOptions("db-1"))
	if err != nil {
		panic(err)
	}
	fmt.Println(*instance.ServiceID == serviceID, *instance.PlanID == planID, instance.Parameters)
	// Output: true true map[size_gb:10]
}

func ExampleOpenServiceBrokerV1_GetLastOperation() {
	srv := brokertest.NewServer(brokertest.WithAsyncPolls(2))
	defer srv.Close()
	client := srv.Client()

	provision, response, err := client.ReplaceServiceInstance(client.NewReplaceServiceInstanceOptions("db-1").
		SetServiceID(serviceID).SetPlanID(asyncPlanID).SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID).SetAcceptsIncomplete(true))
	if err != nil {
		panic(err)
	}
	fmt.Println(response.StatusCode, *provision.Operation)

	// Poll with the operation of the 202 answer until the state is no longer "in progress".
	// A real platform waits between polls as long as the Retry-After header asks
	// (AwaitLastOperation does all of this).
	options := client.NewGetLastOperationOptions("db-1").
		SetOperation(*provision.Operation).SetServiceID(serviceID).SetPlanID(asyncPlanID)
	for {
		lastOperation, response, err := client.GetLastOperation(options)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s (Retry-After: %s)\n", *lastOperation.State, response.Headers.Get("Retry-After"))
		if *lastOperation.State != openservicebrokerv1.InstanceLastOperationRespStateInProgressConst {
			break
		}
	}
	// Output:
	// 202 provision-1
	// in progress (Retry-After: 0)
	// in progress (Retry-After: 0)
	// succeeded (Retry-After: 0)
}

func ExampleOpenServiceBrokerV1_GetServiceInstanceState() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	provisionSmall(client, "db-1")

	state, _, err := client.GetServiceInstanceState(client.NewGetServiceInstanceStateOptions("db-1"))
	if err != nil {
		panic(err)
	}
	fmt.Println("enabled:", *state.Enabled, "active:", *state.Active)
	// Output: enabled: true active: true
}

func ExampleOpenServiceBrokerV1_ReplaceServiceInstanceState() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	provisionSmall(client, "db-1")

	// IBM Cloud disables the instances of a suspended account, and enables them again later.
	for _, change := range []struct {
		enabled bool
		reason  string
	}{
		{false, openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctSuspendConst},
		{true, openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctActivateConst},
	} {
		options := client.NewReplaceServiceInstanceStateOptions("db-1").
			SetEnabled(change.enabled).
			SetReasonCode(change.reason).
			SetInitiatorID("billing")
		state, _, err := client.ReplaceServiceInstanceState(options)
		if err != nil {
			panic(err)
		}
		fmt.Println(change.reason, "-> enabled:", *state.Enabled)
	}
	// Output:
	// IBMCLOUD_ACCT_SUSPEND -> enabled: false
	// IBMCLOUD_ACCT_ACTIVATE -> enabled: true
}

func ExampleOpenServiceBrokerV1_ReplaceServiceBinding() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	provisionSmall(client, "db-1")

	options := client.NewReplaceServiceBindingOptions("binding-1", "db-1").
		SetServiceID(serviceID).
		SetPlanID(planID).
		SetBindResource(&openservicebrokerv1.BindResource{AppGuid: core.StringPtr("app-1")})
	binding, response, err := client.ReplaceServiceBinding(options)
	if err != nil {
		panic(err)
	}
	// Credentials are secrets: this prints their names, not their values.
	fmt.Println(response.StatusCode, slices.Sorted(maps.Keys(binding.Credentials)))
	// Output: 201 [host password port uri username]
}

func ExampleOpenServiceBrokerV1_DeleteServiceBinding() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	provisionSmall(client, "db-1")
	bindSmall(client, "db-1", "binding-1")

	options := client.NewDeleteServiceBindingOptions("binding-1", "db-1", planID, serviceID)
	response, err := client.DeleteServiceBinding(options)
	fmt.Println(response.StatusCode, err)

	// Deleting what does not exist is answered 410 Gone, which is success for a deletion.
	response, err = client.DeleteServiceBinding(options)
	fmt.Println(response.StatusCode, err)
	// Output:
	// 200 <nil>
	// 410 <nil>
}

func ExampleOpenServiceBrokerV1_GetServiceBinding() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	provisionSmall(client, "db-1")
	bindSmall(client, "db-1", "binding-1")

	binding, _, err := client.GetServiceBinding(client.NewGetServiceBindingOptions("binding-1", "db-1"))
	if err != nil {
		panic(err)
	}
	fmt.Println(binding.Credentials["host"], binding.Credentials["port"])
	// Output: localhost 5432
}

func ExampleOpenServiceBrokerV1_GetServiceBindingLastOperation() {
	// Bindings of the asynchronous plan are asynchronous too, and take one "in progress" poll.
	srv := brokertest.NewServer(brokertest.WithAsyncBindings(true), brokertest.WithAsyncPolls(1))
	defer srv.Close()
	client := srv.Client()
	provisionLarge(client, "db-1", openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond))

	bind, response, err := client.ReplaceServiceBinding(client.NewReplaceServiceBindingOptions("binding-1", "db-1").
		SetServiceID(serviceID).SetPlanID(asyncPlanID).SetAcceptsIncomplete(true))
	if err != nil {
		panic(err)
	}
	fmt.Println(response.StatusCode)
	options := client.NewGetServiceBindingLastOperationOptions("binding-1", "db-1").
		SetOperation(*bind.Operation).SetServiceID(serviceID).SetPlanID(asyncPlanID)
	for {
		lastOperation, _, err := client.GetServiceBindingLastOperation(options)
		if err != nil {
			panic(err)
		}
		fmt.Println(*lastOperation.State)
		if *lastOperation.State != openservicebrokerv1.BindingLastOperationRespStateInProgressConst {
			break
		}
	}
	// Output:
	// 202
	// in progress
	// succeeded
}

func ExampleOpenServiceBrokerV1_SetDefaultOriginatingIdentity() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()

	// Every request that carries an originating identity now names this Cloud Foundry user.
	identity, err := openservicebrokerv1.NewOriginatingIdentity(openservicebrokerv1.PlatformCloudFoundry,
		openservicebrokerv1.CloudFoundryIdentity{UserID: "683ea748-3092-4ff4-b656-39cacc4d5360"})
	if err != nil {
		panic(err)
	}
	if err := client.SetDefaultOriginatingIdentity(identity); err != nil {
		panic(err)
	}
	provisionSmall(client, "db-1")

	sent := srv.Requests()[0].Header.Get(openservicebrokerv1.HeaderOriginatingIdentity)
	platform, value, err := openservicebrokerv1.ParseOriginatingIdentity(sent)
	if err != nil {
		panic(err)
	}
	fmt.Println(platform, value["user_id"])
	// Output: cloudfoundry 683ea748-3092-4ff4-b656-39cacc4d5360
}

func ExampleOpenServiceBrokerV1_SetBrokerAPIVersion() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()

	// The broker supports 2.x only: it answers 412 Precondition Failed to any other version.
	if err := client.SetBrokerAPIVersion("1.0"); err != nil {
		panic(err)
	}
	_, _, err := client.ListCatalog(client.NewListCatalogOptions())
	fmt.Println(errors.Is(err, openservicebrokerv1.ErrPreconditionFailed))
	// Output: true
}

// A broker's error answers are *BrokerError values: errors.As finds the status and the OSB error
// code, errors.Is compares them with the package's sentinels.
func ExampleBrokerError_asyncRequired() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()

	// The asynchronous plan cannot be provisioned without accepts_incomplete=true.
	_, _, err := client.ReplaceServiceInstance(client.NewReplaceServiceInstanceOptions("db-1").
		SetServiceID(serviceID).SetPlanID(asyncPlanID).SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID))

	var brokerErr *openservicebrokerv1.BrokerError
	if errors.As(err, &brokerErr) {
		fmt.Println(brokerErr.StatusCode, brokerErr.ErrorCode)
	}
	fmt.Println(errors.Is(err, openservicebrokerv1.ErrAsyncRequired))
	// Output:
	// 422 AsyncRequired
	// true
}

func ExampleOpenServiceBrokerV1_AwaitLastOperation() {
	srv := brokertest.NewServer(brokertest.WithAsyncPolls(2))
	defer srv.Close()
	client := srv.Client()
	provision, _, err := client.ReplaceServiceInstance(client.NewReplaceServiceInstanceOptions("db-1").
		SetServiceID(serviceID).SetPlanID(asyncPlanID).SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID).SetAcceptsIncomplete(true))
	if err != nil {
		panic(err)
	}

	options := client.NewGetLastOperationOptions("db-1").
		SetOperation(*provision.Operation).
		SetServiceID(serviceID).
		SetPlanID(asyncPlanID)
	wait := openservicebrokerv1.NewWaitOptions().
		SetMinDelay(time.Millisecond). // the test broker is quick; the default suits real brokers
		SetMaxWait(time.Minute).
		SetOnPoll(func(event openservicebrokerv1.PollEvent) {
			fmt.Printf("poll %d: %s\n", event.Attempt, event.State)
		})
	lastOperation, _, err := client.AwaitLastOperation(context.Background(), options, wait)
	if err != nil {
		panic(err)
	}
	fmt.Println("final state:", *lastOperation.State)
	// Output:
	// poll 1: in progress
	// poll 2: in progress
	// poll 3: succeeded
	// final state: succeeded
}

func ExampleOpenServiceBrokerV1_AwaitServiceBindingLastOperation() {
	srv := brokertest.NewServer(brokertest.WithAsyncBindings(true), brokertest.WithAsyncPolls(1))
	defer srv.Close()
	client := srv.Client()
	wait := openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond)
	provisionLarge(client, "db-1", wait)
	bind, _, err := client.ReplaceServiceBinding(client.NewReplaceServiceBindingOptions("binding-1", "db-1").
		SetServiceID(serviceID).SetPlanID(asyncPlanID).SetAcceptsIncomplete(true))
	if err != nil {
		panic(err)
	}

	options := client.NewGetServiceBindingLastOperationOptions("binding-1", "db-1").
		SetOperation(*bind.Operation).
		SetServiceID(serviceID).
		SetPlanID(asyncPlanID)
	lastOperation, _, err := client.AwaitServiceBindingLastOperation(context.Background(), options, wait)
	if err != nil {
		panic(err)
	}
	fmt.Println("bind:", *lastOperation.State)
	// Output: bind: succeeded
}

func ExampleOpenServiceBrokerV1_ProvisionAndWait() {
	srv := brokertest.NewServer(brokertest.WithAsyncPolls(2))
	defer srv.Close()
	client := srv.Client()

	polls := 0
	wait := openservicebrokerv1.NewWaitOptions().
		SetMinDelay(time.Millisecond). // the test broker is quick; the default suits real brokers
		SetOnPoll(func(openservicebrokerv1.PollEvent) { polls++ })
	options := client.NewReplaceServiceInstanceOptions("db-1").
		SetServiceID(serviceID).
		SetPlanID(asyncPlanID).
		SetOrganizationGUID(orgGUID).
		SetSpaceGUID(spaceGUID).
		SetParameters(map[string]any{"size_gb": 10})
	_, response, err := client.ProvisionAndWait(context.Background(), options, wait)
	if err != nil {
		panic(err)
	}
	fmt.Println(response.StatusCode, "then", polls, "polls")
	// Output: 202 then 3 polls
}

func ExampleOpenServiceBrokerV1_UpdateAndWait() {
	srv := brokertest.NewServer(brokertest.WithAsyncPolls(1))
	defer srv.Close()
	client := srv.Client()
	wait := openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond)
	provisionLarge(client, "db-1", wait)

	options := client.NewUpdateServiceInstanceOptions("db-1").
		SetServiceID(serviceID).
		SetPlanID(asyncPlanID).
		SetParameters(map[string]any{"size_gb": 20})
	_, response, err := client.UpdateAndWait(context.Background(), options, wait)
	if err != nil {
		panic(err)
	}
	instance, _, err := client.GetServiceInstance(client.NewGetServiceInstanceOptions("db-1"))
	if err != nil {
		panic(err)
	}
	fmt.Println(response.StatusCode, instance.Parameters)
	// Output: 202 map[size_gb:20]
}

func ExampleOpenServiceBrokerV1_DeprovisionAndWait() {
	srv := brokertest.NewServer(brokertest.WithAsyncPolls(1))
	defer srv.Close()
	client := srv.Client()
	wait := openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond)
	provisionLarge(client, "db-1", wait)

	options := client.NewDeleteServiceInstanceOptions(serviceID, asyncPlanID, "db-1")
	_, response, err := client.DeprovisionAndWait(context.Background(), options, wait)
	fmt.Println(response.StatusCode, err, len(srv.Instances()))

	// An instance that is already gone is success too.
	_, response, err = client.DeprovisionAndWait(context.Background(), options, wait)
	fmt.Println(response.StatusCode, err)
	// Output:
	// 202 <nil> 0
	// 410 <nil>
}

func ExampleOpenServiceBrokerV1_BindAndWait() {
	srv := brokertest.NewServer(brokertest.WithAsyncBindings(true), brokertest.WithAsyncPolls(1))
	defer srv.Close()
	client := srv.Client()
	wait := openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond)
	provisionLarge(client, "db-1", wait)

	// The broker binds asynchronously; BindAndWait waits and then fetches the credentials.
	options := client.NewReplaceServiceBindingOptions("binding-1", "db-1").SetServiceID(serviceID).SetPlanID(asyncPlanID)
	binding, response, err := client.BindAndWait(context.Background(), options, wait)
	if err != nil {
		panic(err)
	}
	fmt.Println(response.StatusCode, slices.Sorted(maps.Keys(binding.Credentials)))
	// Output: 202 [host password port uri username]
}

func ExampleOpenServiceBrokerV1_UnbindAndWait() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	provisionSmall(client, "db-1")
	bindSmall(client, "db-1", "binding-1")
	wait := openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond)

	options := client.NewDeleteServiceBindingOptions("binding-1", "db-1", planID, serviceID)
	response, err := client.UnbindAndWait(context.Background(), options, wait)
	fmt.Println(response.StatusCode, err, len(srv.Bindings()))
	// Output: 200 <nil> 0
}

// An asynchronous operation that ends "failed" is an *OperationFailedError.
func ExampleOperationFailedError() {
	srv := brokertest.NewServer(brokertest.WithFailingOperations(brokertest.OperationProvision), brokertest.WithAsyncPolls(0))
	defer srv.Close()
	client := srv.Client()
	wait := openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond)

	options := client.NewReplaceServiceInstanceOptions("db-1").SetServiceID(serviceID).SetPlanID(asyncPlanID).SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID)
	_, _, err := client.ProvisionAndWait(context.Background(), options, wait)
	var failed *openservicebrokerv1.OperationFailedError
	if errors.As(err, &failed) {
		fmt.Printf("instance %s: %s\n", failed.InstanceID, failed.Description)
	}

	// The broker keeps a failed instance until the platform deprovisions it.
	_, _, err = client.DeprovisionAndWait(context.Background(), client.NewDeleteServiceInstanceOptions(serviceID, asyncPlanID, "db-1"), wait)
	fmt.Println(err, len(srv.Instances()))
	// Output:
	// instance db-1: provision failed
	// <nil> 0
}

// When the broker's answer to a provision leaves its outcome unknown, ProvisionAndWait deletes
// the instance again (orphan mitigation) and says so.
func ExampleOrphanMitigationError() {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()
	// The provision request gets a 201 whose body is not JSON, as from a broken proxy.
	err := srv.InjectFault(brokertest.Fault{Method: "PUT", PathPattern: "/v2/service_instances/*", Count: 1, Status: 201, Body: "<html>created</html>"})
	if err != nil {
		panic(err)
	}

	options := client.NewReplaceServiceInstanceOptions("db-1").SetServiceID(serviceID).SetPlanID(planID).SetOrganizationGUID(orgGUID).SetSpaceGUID(spaceGUID)
	_, _, err = client.ProvisionAndWait(context.Background(), options, openservicebrokerv1.NewWaitOptions().SetMinDelay(time.Millisecond))
	var mitigation *openservicebrokerv1.OrphanMitigationError
	if errors.As(err, &mitigation) {
		fmt.Println("mitigated:", mitigation.InstanceID, "completed:", mitigation.Completed)
	}
	fmt.Println(len(srv.Instances()), "instances left")
	// Output:
	// mitigated: db-1 completed: true
	// 0 instances left
}
