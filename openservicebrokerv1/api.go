package openservicebrokerv1

import (
	"context"
	"net/http"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
)

// OpenServiceBrokerV1API is everything *OpenServiceBrokerV1 offers: the role interfaces and the
// client settings. A test fails when *OpenServiceBrokerV1 gains an exported method that is
// missing here.
//
// Deprecated: depend on the role interfaces the code uses (CatalogAPI, InstancesAPI,
// BindingsAPI, InstanceStateAPI, LifecycleAPI), and give unit tests the fake of package
// openservicebrokerv1/fake, which answers through reactors instead of panicking on every
// method a hand-written stand-in leaves out.
type OpenServiceBrokerV1API interface {
	CatalogAPI
	InstancesAPI
	BindingsAPI
	InstanceStateAPI
	LifecycleAPI

	// The waiters of one struct of options, deprecated in favour of AwaitLastOperation and
	// AwaitServiceBindingLastOperation, which the role interfaces have.
	NewWaitForLastOperationOptions(instanceID string) *WaitForLastOperationOptions
	WaitForLastOperation(ctx context.Context, options *WaitForLastOperationOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error)
	NewWaitForBindingLastOperationOptions(bindingID string, instanceID string) *WaitForBindingLastOperationOptions
	WaitForBindingLastOperation(ctx context.Context, options *WaitForBindingLastOperationOptions) (*BindingLastOperationResp, *core.DetailedResponse, error)

	// The catalog's rules.
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
