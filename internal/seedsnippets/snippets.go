//lint:file-ignore SA1019 the reference's provision snippet calls the deprecated GUID setters, and must run as written

// Package seedsnippets holds the nine Go snippets of IBM's Open Service Broker API reference, one
// function each, so that they are written down once. They must compile and run unchanged against
// this SDK: the client's tests run them against a broker mock that checks each request and what it
// prints, and the integration suite runs them against a live broker in the order of an instance's
// life.
//
// Each function first declares the variables its snippet uses, from Vars, and then holds the
// snippet's body as the document has it, laid out by gofmt; `_ = response` follows where the
// snippet leaves response unused, which Go does not compile. A snippet prints its result as JSON
// to standard output and panics on any error; Run captures the one and recovers the other.
package seedsnippets

import (
	"encoding/json"
	"fmt"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Vars are the values of the variables the snippets use, under the snippets' names.
type Vars struct {
	// AccountID is accountId: the account that owns the instance.
	AccountID string
	// InstanceID is instanceId: the service instance.
	InstanceID string
	// OrgGUID is orgGuid: the platform organization of the instance.
	OrgGUID string
	// SpaceGUID is spaceGuid: the platform space of the instance.
	SpaceGUID string
	// PlanID is planId: the plan of the instance.
	PlanID string
	// ServiceID is serviceId: the service offering of the instance.
	ServiceID string
	// InitiatorID is initiatorId: who changes the instance's state.
	InitiatorID string
	// Operation is operation: the operation a 202 Accepted answer named, to poll.
	Operation string
	// BindingID is bindingId: the service binding.
	BindingID string
	// AppGUID is appGuid: the application or service ID the binding is for.
	AppGUID string
}

// ReplaceServiceInstance is the reference's snippet that provisions a service instance.
func ReplaceServiceInstance(openServiceBrokerService *openservicebrokerv1.OpenServiceBrokerV1, v Vars) {
	accountId, instanceId, planId, serviceId, orgGuid, spaceGuid := v.AccountID, v.InstanceID, v.PlanID, v.ServiceID, v.OrgGUID, v.SpaceGUID

	contextOpt := &openservicebrokerv1.Context{
		AccountID: &accountId,
		Crn:       &instanceId,
		Platform:  core.StringPtr("ibmcloud"),
	}
	paramsOpt := make(map[string]string, 0)
	paramsOpt["example"] = "property"
	options := openServiceBrokerService.NewReplaceServiceInstanceOptions(
		instanceId,
	)
	options = options.SetPlanID(planId)
	options = options.SetServiceID(serviceId)
	options = options.SetOrganizationGuid(orgGuid)
	options = options.SetSpaceGuid(spaceGuid)
	options = options.SetContext(contextOpt)
	options = options.SetParameters(paramsOpt)
	options = options.SetAcceptsIncomplete(true)
	result, response, err := openServiceBrokerService.ReplaceServiceInstance(options)
	if err != nil {
		panic(err)
	}
	b, _ := json.MarshalIndent(result, "", " ")
	fmt.Println(string(b))
	_ = response
}

// UpdateServiceInstance is the reference's snippet that updates a service instance.
func UpdateServiceInstance(openServiceBrokerService *openservicebrokerv1.OpenServiceBrokerV1, v Vars) {
	accountId, instanceId, planId, serviceId := v.AccountID, v.InstanceID, v.PlanID, v.ServiceID

	contextOpt := &openservicebrokerv1.Context{
		AccountID: &accountId,
		Crn:       &instanceId,
		Platform:  core.StringPtr("ibmcloud"),
	}
	paramsOpt := make(map[string]string, 0)
	paramsOpt["example"] = "property"
	previousValues := make(map[string]string, 0)
	previousValues["plan_id"] = planId
	options := openServiceBrokerService.NewUpdateServiceInstanceOptions(
		instanceId,
	)
	options = options.SetPlanID(planId)
	options = options.SetServiceID(serviceId)
	options = options.SetContext(contextOpt)
	options = options.SetParameters(paramsOpt)
	options = options.SetAcceptsIncomplete(true)
	result, response, err := openServiceBrokerService.UpdateServiceInstance(options)
	if err != nil {
		panic(err)
	}
	b, _ := json.MarshalIndent(result, "", " ")
	fmt.Println(string(b))
	_ = response
}

// DeleteServiceInstance is the reference's snippet that deprovisions a service instance.
func DeleteServiceInstance(openServiceBrokerService *openservicebrokerv1.OpenServiceBrokerV1, v Vars) {
	serviceId, planId, instanceId := v.ServiceID, v.PlanID, v.InstanceID

	options := openServiceBrokerService.NewDeleteServiceInstanceOptions(
		serviceId,
		planId,
		instanceId,
	)
	result, response, err := openServiceBrokerService.DeleteServiceInstance(options)
	if err != nil {
		panic(err)
	}
	b, _ := json.MarshalIndent(result, "", " ")
	fmt.Println(string(b))
	_ = response
}

// GetServiceInstanceState is the reference's snippet that reads a service instance's state.
func GetServiceInstanceState(openServiceBrokerService *openservicebrokerv1.OpenServiceBrokerV1, v Vars) {
	instanceId := v.InstanceID

	options := openServiceBrokerService.NewGetServiceInstanceStateOptions(
		instanceId,
	)
	result, response, err := openServiceBrokerService.GetServiceInstanceState(options)
	if err != nil {
		panic(err)
	}
	b, _ := json.MarshalIndent(result, "", " ")
	fmt.Println(string(b))
	_ = response
}

// ReplaceServiceInstanceState is the reference's snippet that disables a service instance.
func ReplaceServiceInstanceState(openServiceBrokerService *openservicebrokerv1.OpenServiceBrokerV1, v Vars) {
	instanceId, initiatorId := v.InstanceID, v.InitiatorID

	options := openServiceBrokerService.NewReplaceServiceInstanceStateOptions(
		instanceId,
	)
	options = options.SetEnabled(false)
	options = options.SetInitiatorID(initiatorId)
	result, response, err := openServiceBrokerService.ReplaceServiceInstanceState(options)
	if err != nil {
		panic(err)
	}
	b, _ := json.MarshalIndent(result, "", " ")
	fmt.Println(string(b))
	_ = response
}

// GetLastOperation is the reference's snippet that polls a service instance's last operation.
func GetLastOperation(openServiceBrokerService *openservicebrokerv1.OpenServiceBrokerV1, v Vars) {
	instanceId, operation, planId, serviceId := v.InstanceID, v.Operation, v.PlanID, v.ServiceID

	options := openServiceBrokerService.NewGetLastOperationOptions(
		instanceId,
	)
	options = options.SetOperation(operation)
	options = options.SetPlanID(planId)
	options = options.SetServiceID(serviceId)
	result, response, err := openServiceBrokerService.GetLastOperation(options)
	if err != nil {
		panic(err)
	}
	b, _ := json.MarshalIndent(result, "", " ")
	fmt.Println(string(b))
	_ = response
}

// ReplaceServiceBinding is the reference's snippet that creates a service binding.
func ReplaceServiceBinding(openServiceBrokerService *openservicebrokerv1.OpenServiceBrokerV1, v Vars) {
	accountId, appGuid, bindingId, instanceId, planId, serviceId := v.AccountID, v.AppGUID, v.BindingID, v.InstanceID, v.PlanID, v.ServiceID

	paramsOpt := make(map[string]string, 0)
	paramsOpt["example"] = "property"
	bindResource := &openservicebrokerv1.BindResource{
		AccountID:    &accountId,
		ServiceidCrn: &appGuid,
	}
	options := openServiceBrokerService.NewReplaceServiceBindingOptions(
		bindingId,
		instanceId,
	)
	options = options.SetPlanID(planId)
	options = options.SetServiceID(serviceId)
	options = options.SetParameters(paramsOpt)
	options = options.SetBindResource(bindResource)
	result, response, err := openServiceBrokerService.ReplaceServiceBinding(options)
	if err != nil {
		panic(err)
	}
	b, _ := json.MarshalIndent(result, "", " ")
	fmt.Println(string(b))
	_ = response
}

// DeleteServiceBinding is the reference's snippet that deletes a service binding; it prints nothing.
func DeleteServiceBinding(openServiceBrokerService *openservicebrokerv1.OpenServiceBrokerV1, v Vars) {
	bindingId, instanceId, planId, serviceId := v.BindingID, v.InstanceID, v.PlanID, v.ServiceID

	deleteServiceBindingOptions := openServiceBrokerService.NewDeleteServiceBindingOptions(
		bindingId,
		instanceId,
		planId,
		serviceId,
	)
	response, err := openServiceBrokerService.DeleteServiceBinding(deleteServiceBindingOptions)
	if err != nil {
		panic(err)
	}
	_ = response
}

// ListCatalog is the reference's snippet that reads the broker's catalog; it uses no variables.
func ListCatalog(openServiceBrokerService *openservicebrokerv1.OpenServiceBrokerV1, _ Vars) {
	options := openServiceBrokerService.NewListCatalogOptions()
	result, response, err := openServiceBrokerService.ListCatalog(options)
	if err != nil {
		panic(err)
	}
	b, _ := json.MarshalIndent(result, "", " ")
	fmt.Println(string(b))
	_ = response
}
