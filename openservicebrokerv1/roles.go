package openservicebrokerv1

import (
	"context"

	"github.com/IBM/go-sdk-core/v5/core"
)

// The role interfaces: each is one part of what *OpenServiceBrokerV1 does, so that platform code
// depends on the part it uses and a unit test hands it a fake of that part only (package
// openservicebrokerv1/fake has one that satisfies all of them). brokertest remains the double
// that speaks real HTTP.
var (
	_ CatalogAPI       = (*OpenServiceBrokerV1)(nil)
	_ InstancesAPI     = (*OpenServiceBrokerV1)(nil)
	_ BindingsAPI      = (*OpenServiceBrokerV1)(nil)
	_ InstanceStateAPI = (*OpenServiceBrokerV1)(nil)
	_ LifecycleAPI     = (*OpenServiceBrokerV1)(nil)
)

// CatalogAPI reads the broker's catalog (Catalog Management).
type CatalogAPI interface {
	NewListCatalogOptions() *ListCatalogOptions
	ListCatalog(options *ListCatalogOptions) (*BrokerCatalogResp, *core.DetailedResponse, error)
	ListCatalogWithContext(ctx context.Context, options *ListCatalogOptions) (*BrokerCatalogResp, *core.DetailedResponse, error)
	RefreshCatalog(ctx context.Context, previous *Catalog) (catalog *Catalog, changed bool, err error)
}

// InstancesAPI provisions, updates, fetches and deprovisions service instances, and polls their
// last operation, one request per call.
type InstancesAPI interface {
	NewReplaceServiceInstanceOptions(instanceID string) *ReplaceServiceInstanceOptions
	NewUpdateServiceInstanceOptions(instanceID string) *UpdateServiceInstanceOptions
	NewDeleteServiceInstanceOptions(serviceID string, planID string, instanceID string) *DeleteServiceInstanceOptions
	NewGetServiceInstanceOptions(instanceID string) *GetServiceInstanceOptions
	NewGetLastOperationOptions(instanceID string) *GetLastOperationOptions
	ReplaceServiceInstance(options *ReplaceServiceInstanceOptions) (*InstancePutResp, *core.DetailedResponse, error)
	ReplaceServiceInstanceWithContext(ctx context.Context, options *ReplaceServiceInstanceOptions) (*InstancePutResp, *core.DetailedResponse, error)
	UpdateServiceInstance(options *UpdateServiceInstanceOptions) (*InstancePatchResp, *core.DetailedResponse, error)
	UpdateServiceInstanceWithContext(ctx context.Context, options *UpdateServiceInstanceOptions) (*InstancePatchResp, *core.DetailedResponse, error)
	DeleteServiceInstance(options *DeleteServiceInstanceOptions) (*InstanceDeleteResp, *core.DetailedResponse, error)
	DeleteServiceInstanceWithContext(ctx context.Context, options *DeleteServiceInstanceOptions) (*InstanceDeleteResp, *core.DetailedResponse, error)
	GetServiceInstance(options *GetServiceInstanceOptions) (*InstanceGetResp, *core.DetailedResponse, error)
	GetServiceInstanceWithContext(ctx context.Context, options *GetServiceInstanceOptions) (*InstanceGetResp, *core.DetailedResponse, error)
	GetLastOperation(options *GetLastOperationOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error)
	GetLastOperationWithContext(ctx context.Context, options *GetLastOperationOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error)
	AwaitLastOperation(ctx context.Context, options *GetLastOperationOptions, wait *WaitOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error)
}

// BindingsAPI creates, fetches and deletes service bindings, and polls their last operation,
// one request per call.
type BindingsAPI interface {
	NewReplaceServiceBindingOptions(bindingID string, instanceID string) *ReplaceServiceBindingOptions
	NewDeleteServiceBindingOptions(bindingID string, instanceID string, planID string, serviceID string) *DeleteServiceBindingOptions
	NewGetServiceBindingOptions(bindingID string, instanceID string) *GetServiceBindingOptions
	NewGetServiceBindingLastOperationOptions(bindingID string, instanceID string) *GetServiceBindingLastOperationOptions
	ReplaceServiceBinding(options *ReplaceServiceBindingOptions) (*BindingPutResp, *core.DetailedResponse, error)
	ReplaceServiceBindingWithContext(ctx context.Context, options *ReplaceServiceBindingOptions) (*BindingPutResp, *core.DetailedResponse, error)
	DeleteServiceBinding(options *DeleteServiceBindingOptions) (*core.DetailedResponse, error)
	DeleteServiceBindingWithContext(ctx context.Context, options *DeleteServiceBindingOptions) (*core.DetailedResponse, error)
	GetServiceBinding(options *GetServiceBindingOptions) (*BindingGetResp, *core.DetailedResponse, error)
	GetServiceBindingWithContext(ctx context.Context, options *GetServiceBindingOptions) (*BindingGetResp, *core.DetailedResponse, error)
	GetServiceBindingLastOperation(options *GetServiceBindingLastOperationOptions) (*BindingLastOperationResp, *core.DetailedResponse, error)
	GetServiceBindingLastOperationWithContext(ctx context.Context, options *GetServiceBindingLastOperationOptions) (*BindingLastOperationResp, *core.DetailedResponse, error)
	AwaitServiceBindingLastOperation(ctx context.Context, options *GetServiceBindingLastOperationOptions, wait *WaitOptions) (*BindingLastOperationResp, *core.DetailedResponse, error)
}

// InstanceStateAPI reads and changes an instance's state, IBM Cloud's extension
// (/bluemix_v1/service_instances).
type InstanceStateAPI interface {
	NewGetServiceInstanceStateOptions(instanceID string) *GetServiceInstanceStateOptions
	NewReplaceServiceInstanceStateOptions(instanceID string) *ReplaceServiceInstanceStateOptions
	GetServiceInstanceState(options *GetServiceInstanceStateOptions) (*InstanceStateResp, *core.DetailedResponse, error)
	GetServiceInstanceStateWithContext(ctx context.Context, options *GetServiceInstanceStateOptions) (*InstanceStateResp, *core.DetailedResponse, error)
	ReplaceServiceInstanceState(options *ReplaceServiceInstanceStateOptions) (*InstanceStateResp, *core.DetailedResponse, error)
	ReplaceServiceInstanceStateWithContext(ctx context.Context, options *ReplaceServiceInstanceStateOptions) (*InstanceStateResp, *core.DetailedResponse, error)
}

// LifecycleAPI runs whole operations: the *AndWait helpers, which send, wait and clean up what a
// failed create left, and the poll-once core (operation records and Step) that a platform keeping
// its operations in a store drives itself.
type LifecycleAPI interface {
	ProvisionAndWait(ctx context.Context, options *ReplaceServiceInstanceOptions, wait *WaitOptions) (*InstancePutResp, *core.DetailedResponse, error)
	UpdateAndWait(ctx context.Context, options *UpdateServiceInstanceOptions, wait *WaitOptions) (*InstancePatchResp, *core.DetailedResponse, error)
	UpgradeAndWait(ctx context.Context, options *UpdateServiceInstanceOptions, wait *WaitOptions) (*InstancePatchResp, *core.DetailedResponse, error)
	DeprovisionAndWait(ctx context.Context, options *DeleteServiceInstanceOptions, wait *WaitOptions) (*InstanceDeleteResp, *core.DetailedResponse, error)
	BindAndWait(ctx context.Context, options *ReplaceServiceBindingOptions, wait *WaitOptions) (*BindingPutResp, *core.DetailedResponse, error)
	RotateBindingAndWait(ctx context.Context, options *ReplaceServiceBindingOptions, wait *WaitOptions) (*BindingPutResp, *core.DetailedResponse, error)
	UnbindAndWait(ctx context.Context, options *DeleteServiceBindingOptions, wait *WaitOptions) (*core.DetailedResponse, error)
	NewProvisionRecord(options *ReplaceServiceInstanceOptions, config RecordConfig) (OperationRecord, error)
	NewUpdateRecord(options *UpdateServiceInstanceOptions, config RecordConfig) (OperationRecord, error)
	NewDeprovisionRecord(options *DeleteServiceInstanceOptions, config RecordConfig) (OperationRecord, error)
	NewBindRecord(options *ReplaceServiceBindingOptions, config RecordConfig) (OperationRecord, error)
	NewUnbindRecord(options *DeleteServiceBindingOptions, config RecordConfig) (OperationRecord, error)
	Step(ctx context.Context, record OperationRecord, options *StepOptions) (OperationRecord, error)
	AwaitRecord(ctx context.Context, record OperationRecord, wait *WaitOptions) (OperationRecord, error)
}
