package openservicebrokerv1

import (
	"context"
	"net/http"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
)

// OpenServiceBrokerV1API is everything *OpenServiceBrokerV1 offers: the operations and their
// WithContext variants, the Options constructors, the waiters and the *AndWait lifecycle helpers,
// and the client settings. A platform that depends on this interface can hand its code a fake in
// unit tests (embed the interface in a struct and override what the test needs), and the real
// client everywhere else; brokertest remains the double that speaks real HTTP.
//
// A test fails when *OpenServiceBrokerV1 gains an exported method that is missing here.
type OpenServiceBrokerV1API interface {
	// Operations, one per API call, each with a variant that takes a context.
	DeleteServiceBinding(deleteServiceBindingOptions *DeleteServiceBindingOptions) (response *core.DetailedResponse, err error)
	DeleteServiceBindingWithContext(ctx context.Context, deleteServiceBindingOptions *DeleteServiceBindingOptions) (response *core.DetailedResponse, err error)
	DeleteServiceInstance(deleteServiceInstanceOptions *DeleteServiceInstanceOptions) (result *InstanceDeleteResp, response *core.DetailedResponse, err error)
	DeleteServiceInstanceWithContext(ctx context.Context, deleteServiceInstanceOptions *DeleteServiceInstanceOptions) (result *InstanceDeleteResp, response *core.DetailedResponse, err error)
	GetLastOperation(getLastOperationOptions *GetLastOperationOptions) (result *InstanceLastOperationResp, response *core.DetailedResponse, err error)
	GetLastOperationWithContext(ctx context.Context, getLastOperationOptions *GetLastOperationOptions) (result *InstanceLastOperationResp, response *core.DetailedResponse, err error)
	GetServiceBinding(getServiceBindingOptions *GetServiceBindingOptions) (result *BindingGetResp, response *core.DetailedResponse, err error)
	GetServiceBindingLastOperation(getServiceBindingLastOperationOptions *GetServiceBindingLastOperationOptions) (result *BindingLastOperationResp, response *core.DetailedResponse, err error)
	GetServiceBindingLastOperationWithContext(ctx context.Context, getServiceBindingLastOperationOptions *GetServiceBindingLastOperationOptions) (result *BindingLastOperationResp, response *core.DetailedResponse, err error)
	GetServiceBindingWithContext(ctx context.Context, getServiceBindingOptions *GetServiceBindingOptions) (result *BindingGetResp, response *core.DetailedResponse, err error)
	GetServiceInstance(getServiceInstanceOptions *GetServiceInstanceOptions) (result *InstanceGetResp, response *core.DetailedResponse, err error)
	GetServiceInstanceState(getServiceInstanceStateOptions *GetServiceInstanceStateOptions) (result *InstanceStateResp, response *core.DetailedResponse, err error)
	GetServiceInstanceStateWithContext(ctx context.Context, getServiceInstanceStateOptions *GetServiceInstanceStateOptions) (result *InstanceStateResp, response *core.DetailedResponse, err error)
	GetServiceInstanceWithContext(ctx context.Context, getServiceInstanceOptions *GetServiceInstanceOptions) (result *InstanceGetResp, response *core.DetailedResponse, err error)
	ListCatalog(listCatalogOptions *ListCatalogOptions) (result *BrokerCatalogResp, response *core.DetailedResponse, err error)
	ListCatalogWithContext(ctx context.Context, listCatalogOptions *ListCatalogOptions) (result *BrokerCatalogResp, response *core.DetailedResponse, err error)
	ReplaceServiceBinding(replaceServiceBindingOptions *ReplaceServiceBindingOptions) (result *BindingPutResp, response *core.DetailedResponse, err error)
	ReplaceServiceBindingWithContext(ctx context.Context, replaceServiceBindingOptions *ReplaceServiceBindingOptions) (result *BindingPutResp, response *core.DetailedResponse, err error)
	ReplaceServiceInstance(replaceServiceInstanceOptions *ReplaceServiceInstanceOptions) (result *InstancePutResp, response *core.DetailedResponse, err error)
	ReplaceServiceInstanceState(replaceServiceInstanceStateOptions *ReplaceServiceInstanceStateOptions) (result *InstanceStateResp, response *core.DetailedResponse, err error)
	ReplaceServiceInstanceStateWithContext(ctx context.Context, replaceServiceInstanceStateOptions *ReplaceServiceInstanceStateOptions) (result *InstanceStateResp, response *core.DetailedResponse, err error)
	ReplaceServiceInstanceWithContext(ctx context.Context, replaceServiceInstanceOptions *ReplaceServiceInstanceOptions) (result *InstancePutResp, response *core.DetailedResponse, err error)
	UpdateServiceInstance(updateServiceInstanceOptions *UpdateServiceInstanceOptions) (result *InstancePatchResp, response *core.DetailedResponse, err error)
	UpdateServiceInstanceWithContext(ctx context.Context, updateServiceInstanceOptions *UpdateServiceInstanceOptions) (result *InstancePatchResp, response *core.DetailedResponse, err error)

	// Options constructors.
	NewDeleteServiceBindingOptions(bindingID string, instanceID string, planID string, serviceID string) *DeleteServiceBindingOptions
	NewDeleteServiceInstanceOptions(serviceID string, planID string, instanceID string) *DeleteServiceInstanceOptions
	NewGetLastOperationOptions(instanceID string) *GetLastOperationOptions
	NewGetServiceBindingLastOperationOptions(bindingID string, instanceID string) *GetServiceBindingLastOperationOptions
	NewGetServiceBindingOptions(bindingID string, instanceID string) *GetServiceBindingOptions
	NewGetServiceInstanceOptions(instanceID string) *GetServiceInstanceOptions
	NewGetServiceInstanceStateOptions(instanceID string) *GetServiceInstanceStateOptions
	NewListCatalogOptions() *ListCatalogOptions
	NewReplaceServiceBindingOptions(bindingID string, instanceID string) *ReplaceServiceBindingOptions
	NewReplaceServiceInstanceOptions(instanceID string) *ReplaceServiceInstanceOptions
	NewReplaceServiceInstanceStateOptions(instanceID string) *ReplaceServiceInstanceStateOptions
	NewUpdateServiceInstanceOptions(instanceID string) *UpdateServiceInstanceOptions
	NewWaitForBindingLastOperationOptions(bindingID string, instanceID string) *WaitForBindingLastOperationOptions
	NewWaitForLastOperationOptions(instanceID string) *WaitForLastOperationOptions

	// Waiters and lifecycle helpers.
	BindAndWait(ctx context.Context, options *ReplaceServiceBindingOptions, wait *WaitOptions) (*BindingPutResp, *core.DetailedResponse, error)
	DeprovisionAndWait(ctx context.Context, options *DeleteServiceInstanceOptions, wait *WaitOptions) (*InstanceDeleteResp, *core.DetailedResponse, error)
	ProvisionAndWait(ctx context.Context, options *ReplaceServiceInstanceOptions, wait *WaitOptions) (*InstancePutResp, *core.DetailedResponse, error)
	UnbindAndWait(ctx context.Context, options *DeleteServiceBindingOptions, wait *WaitOptions) (*core.DetailedResponse, error)
	UpdateAndWait(ctx context.Context, options *UpdateServiceInstanceOptions, wait *WaitOptions) (*InstancePatchResp, *core.DetailedResponse, error)
	AwaitLastOperation(ctx context.Context, options *GetLastOperationOptions, wait *WaitOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error)
	AwaitServiceBindingLastOperation(ctx context.Context, options *GetServiceBindingLastOperationOptions, wait *WaitOptions) (*BindingLastOperationResp, *core.DetailedResponse, error)
	WaitForBindingLastOperation(ctx context.Context, options *WaitForBindingLastOperationOptions) (*BindingLastOperationResp, *core.DetailedResponse, error)
	WaitForLastOperation(ctx context.Context, options *WaitForLastOperationOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error)
	RotateBindingAndWait(ctx context.Context, options *ReplaceServiceBindingOptions, wait *WaitOptions) (*BindingPutResp, *core.DetailedResponse, error)
	UpgradeAndWait(ctx context.Context, options *UpdateServiceInstanceOptions, wait *WaitOptions) (*InstancePatchResp, *core.DetailedResponse, error)

	// The poll-once core: operation records and Step.
	NewProvisionRecord(options *ReplaceServiceInstanceOptions, config RecordConfig) (OperationRecord, error)
	NewUpdateRecord(options *UpdateServiceInstanceOptions, config RecordConfig) (OperationRecord, error)
	NewDeprovisionRecord(options *DeleteServiceInstanceOptions, config RecordConfig) (OperationRecord, error)
	NewBindRecord(options *ReplaceServiceBindingOptions, config RecordConfig) (OperationRecord, error)
	NewUnbindRecord(options *DeleteServiceBindingOptions, config RecordConfig) (OperationRecord, error)
	Step(ctx context.Context, record OperationRecord, options *StepOptions) (OperationRecord, error)

	// The catalog's rules.
	RefreshCatalog(ctx context.Context, previous *Catalog) (catalog *Catalog, changed bool, err error)
	SetCatalog(catalog *Catalog)
	Catalog() *Catalog
	RefreshCatalogDiff(ctx context.Context, previous *Catalog) (catalog *Catalog, diff *CatalogDiff, err error)

	// Client settings.
	Clone() *OpenServiceBrokerV1
	DisableRetries()
	DisableSSLVerification()
	EnableRetries(maxRetries int, maxRetryInterval time.Duration)
	GetBrokerAPIVersion() string
	GetDefaultOriginatingIdentity() string
	GetEnableGzipCompression() bool
	GetHTTPClient() *http.Client
	GetMaxResponseBytes() int64
	GetSendCatalogMaintenanceInfo() bool
	GetServiceURL() string
	SetBrokerAPIVersion(version string) error
	SetDefaultHeaders(headers http.Header)
	SetDefaultOriginatingIdentity(identity string) error
	SetEnableGzipCompression(enableGzip bool)
	SetHTTPClient(client *http.Client)
	SetMaxResponseBytes(limit int64) error
	SetSendCatalogMaintenanceInfo(send bool)
	SetServiceURL(url string) error
}

var _ OpenServiceBrokerV1API = (*OpenServiceBrokerV1)(nil)
