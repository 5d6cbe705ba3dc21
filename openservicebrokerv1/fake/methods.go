//lint:file-ignore SA1019 the fake implements the deprecated waiters for as long as the client has them

package fake

// The methods of the role interfaces: each call is an Action named for its method.

import (
	"context"

	"github.com/IBM/go-sdk-core/v5/core"

	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Options constructors: the SDK's own, no action.

// NewListCatalogOptions is the SDK's NewListCatalogOptions.
func (c *Client) NewListCatalogOptions() *osb.ListCatalogOptions {
	return c.helpers.NewListCatalogOptions()
}

// NewReplaceServiceInstanceOptions is the SDK's NewReplaceServiceInstanceOptions.
func (c *Client) NewReplaceServiceInstanceOptions(instanceID string) *osb.ReplaceServiceInstanceOptions {
	return c.helpers.NewReplaceServiceInstanceOptions(instanceID)
}

// NewUpdateServiceInstanceOptions is the SDK's NewUpdateServiceInstanceOptions.
func (c *Client) NewUpdateServiceInstanceOptions(instanceID string) *osb.UpdateServiceInstanceOptions {
	return c.helpers.NewUpdateServiceInstanceOptions(instanceID)
}

// NewDeleteServiceInstanceOptions is the SDK's NewDeleteServiceInstanceOptions.
func (c *Client) NewDeleteServiceInstanceOptions(serviceID string, planID string, instanceID string) *osb.DeleteServiceInstanceOptions {
	return c.helpers.NewDeleteServiceInstanceOptions(serviceID, planID, instanceID)
}

// NewGetServiceInstanceOptions is the SDK's NewGetServiceInstanceOptions.
func (c *Client) NewGetServiceInstanceOptions(instanceID string) *osb.GetServiceInstanceOptions {
	return c.helpers.NewGetServiceInstanceOptions(instanceID)
}

// NewGetLastOperationOptions is the SDK's NewGetLastOperationOptions.
func (c *Client) NewGetLastOperationOptions(instanceID string) *osb.GetLastOperationOptions {
	return c.helpers.NewGetLastOperationOptions(instanceID)
}

// NewReplaceServiceBindingOptions is the SDK's NewReplaceServiceBindingOptions.
func (c *Client) NewReplaceServiceBindingOptions(bindingID string, instanceID string) *osb.ReplaceServiceBindingOptions {
	return c.helpers.NewReplaceServiceBindingOptions(bindingID, instanceID)
}

// NewDeleteServiceBindingOptions is the SDK's NewDeleteServiceBindingOptions.
func (c *Client) NewDeleteServiceBindingOptions(bindingID string, instanceID string, planID string, serviceID string) *osb.DeleteServiceBindingOptions {
	return c.helpers.NewDeleteServiceBindingOptions(bindingID, instanceID, planID, serviceID)
}

// NewGetServiceBindingOptions is the SDK's NewGetServiceBindingOptions.
func (c *Client) NewGetServiceBindingOptions(bindingID string, instanceID string) *osb.GetServiceBindingOptions {
	return c.helpers.NewGetServiceBindingOptions(bindingID, instanceID)
}

// NewGetServiceBindingLastOperationOptions is the SDK's NewGetServiceBindingLastOperationOptions.
func (c *Client) NewGetServiceBindingLastOperationOptions(bindingID string, instanceID string) *osb.GetServiceBindingLastOperationOptions {
	return c.helpers.NewGetServiceBindingLastOperationOptions(bindingID, instanceID)
}

// NewGetServiceInstanceStateOptions is the SDK's NewGetServiceInstanceStateOptions.
func (c *Client) NewGetServiceInstanceStateOptions(instanceID string) *osb.GetServiceInstanceStateOptions {
	return c.helpers.NewGetServiceInstanceStateOptions(instanceID)
}

// NewReplaceServiceInstanceStateOptions is the SDK's NewReplaceServiceInstanceStateOptions.
func (c *Client) NewReplaceServiceInstanceStateOptions(instanceID string) *osb.ReplaceServiceInstanceStateOptions {
	return c.helpers.NewReplaceServiceInstanceStateOptions(instanceID)
}

// Operations: one action each; the WithContext variant records the same verb.

// ListCatalog records a ListCatalog action and returns its reaction.
func (c *Client) ListCatalog(options *osb.ListCatalogOptions) (*osb.BrokerCatalogResp, *core.DetailedResponse, error) {
	return c.ListCatalogWithContext(context.Background(), options)
}

// ListCatalogWithContext records a ListCatalog action and returns its reaction.
func (c *Client) ListCatalogWithContext(ctx context.Context, options *osb.ListCatalogOptions) (*osb.BrokerCatalogResp, *core.DetailedResponse, error) {
	return invoke[*osb.BrokerCatalogResp](c, ctx, Action{Verb: "ListCatalog", Options: options})
}

// ReplaceServiceInstance records a ReplaceServiceInstance action and returns its reaction.
func (c *Client) ReplaceServiceInstance(options *osb.ReplaceServiceInstanceOptions) (*osb.InstancePutResp, *core.DetailedResponse, error) {
	return c.ReplaceServiceInstanceWithContext(context.Background(), options)
}

// ReplaceServiceInstanceWithContext records a ReplaceServiceInstance action and returns its reaction.
func (c *Client) ReplaceServiceInstanceWithContext(ctx context.Context, options *osb.ReplaceServiceInstanceOptions) (*osb.InstancePutResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstancePutResp](c, ctx, Action{Verb: "ReplaceServiceInstance", Options: options})
}

// UpdateServiceInstance records a UpdateServiceInstance action and returns its reaction.
func (c *Client) UpdateServiceInstance(options *osb.UpdateServiceInstanceOptions) (*osb.InstancePatchResp, *core.DetailedResponse, error) {
	return c.UpdateServiceInstanceWithContext(context.Background(), options)
}

// UpdateServiceInstanceWithContext records a UpdateServiceInstance action and returns its reaction.
func (c *Client) UpdateServiceInstanceWithContext(ctx context.Context, options *osb.UpdateServiceInstanceOptions) (*osb.InstancePatchResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstancePatchResp](c, ctx, Action{Verb: "UpdateServiceInstance", Options: options})
}

// DeleteServiceInstance records a DeleteServiceInstance action and returns its reaction.
func (c *Client) DeleteServiceInstance(options *osb.DeleteServiceInstanceOptions) (*osb.InstanceDeleteResp, *core.DetailedResponse, error) {
	return c.DeleteServiceInstanceWithContext(context.Background(), options)
}

// DeleteServiceInstanceWithContext records a DeleteServiceInstance action and returns its reaction.
func (c *Client) DeleteServiceInstanceWithContext(ctx context.Context, options *osb.DeleteServiceInstanceOptions) (*osb.InstanceDeleteResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstanceDeleteResp](c, ctx, Action{Verb: "DeleteServiceInstance", Options: options})
}

// GetServiceInstance records a GetServiceInstance action and returns its reaction.
func (c *Client) GetServiceInstance(options *osb.GetServiceInstanceOptions) (*osb.InstanceGetResp, *core.DetailedResponse, error) {
	return c.GetServiceInstanceWithContext(context.Background(), options)
}

// GetServiceInstanceWithContext records a GetServiceInstance action and returns its reaction.
func (c *Client) GetServiceInstanceWithContext(ctx context.Context, options *osb.GetServiceInstanceOptions) (*osb.InstanceGetResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstanceGetResp](c, ctx, Action{Verb: "GetServiceInstance", Options: options})
}

// GetLastOperation records a GetLastOperation action and returns its reaction.
func (c *Client) GetLastOperation(options *osb.GetLastOperationOptions) (*osb.InstanceLastOperationResp, *core.DetailedResponse, error) {
	return c.GetLastOperationWithContext(context.Background(), options)
}

// GetLastOperationWithContext records a GetLastOperation action and returns its reaction.
func (c *Client) GetLastOperationWithContext(ctx context.Context, options *osb.GetLastOperationOptions) (*osb.InstanceLastOperationResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstanceLastOperationResp](c, ctx, Action{Verb: "GetLastOperation", Options: options})
}

// ReplaceServiceBinding records a ReplaceServiceBinding action and returns its reaction.
func (c *Client) ReplaceServiceBinding(options *osb.ReplaceServiceBindingOptions) (*osb.BindingPutResp, *core.DetailedResponse, error) {
	return c.ReplaceServiceBindingWithContext(context.Background(), options)
}

// ReplaceServiceBindingWithContext records a ReplaceServiceBinding action and returns its reaction.
func (c *Client) ReplaceServiceBindingWithContext(ctx context.Context, options *osb.ReplaceServiceBindingOptions) (*osb.BindingPutResp, *core.DetailedResponse, error) {
	return invoke[*osb.BindingPutResp](c, ctx, Action{Verb: "ReplaceServiceBinding", Options: options})
}

// DeleteServiceBinding records a DeleteServiceBinding action and returns its reaction.
func (c *Client) DeleteServiceBinding(options *osb.DeleteServiceBindingOptions) (*core.DetailedResponse, error) {
	return c.DeleteServiceBindingWithContext(context.Background(), options)
}

// DeleteServiceBindingWithContext records a DeleteServiceBinding action and returns its reaction.
func (c *Client) DeleteServiceBindingWithContext(ctx context.Context, options *osb.DeleteServiceBindingOptions) (*core.DetailedResponse, error) {
	_, response, err := invoke[any](c, ctx, Action{Verb: "DeleteServiceBinding", Options: options})
	return response, err
}

// GetServiceBinding records a GetServiceBinding action and returns its reaction.
func (c *Client) GetServiceBinding(options *osb.GetServiceBindingOptions) (*osb.BindingGetResp, *core.DetailedResponse, error) {
	return c.GetServiceBindingWithContext(context.Background(), options)
}

// GetServiceBindingWithContext records a GetServiceBinding action and returns its reaction.
func (c *Client) GetServiceBindingWithContext(ctx context.Context, options *osb.GetServiceBindingOptions) (*osb.BindingGetResp, *core.DetailedResponse, error) {
	return invoke[*osb.BindingGetResp](c, ctx, Action{Verb: "GetServiceBinding", Options: options})
}

// GetServiceBindingLastOperation records a GetServiceBindingLastOperation action and returns its reaction.
func (c *Client) GetServiceBindingLastOperation(options *osb.GetServiceBindingLastOperationOptions) (*osb.BindingLastOperationResp, *core.DetailedResponse, error) {
	return c.GetServiceBindingLastOperationWithContext(context.Background(), options)
}

// GetServiceBindingLastOperationWithContext records a GetServiceBindingLastOperation action and returns its reaction.
func (c *Client) GetServiceBindingLastOperationWithContext(ctx context.Context, options *osb.GetServiceBindingLastOperationOptions) (*osb.BindingLastOperationResp, *core.DetailedResponse, error) {
	return invoke[*osb.BindingLastOperationResp](c, ctx, Action{Verb: "GetServiceBindingLastOperation", Options: options})
}

// GetServiceInstanceState records a GetServiceInstanceState action and returns its reaction.
func (c *Client) GetServiceInstanceState(options *osb.GetServiceInstanceStateOptions) (*osb.InstanceStateResp, *core.DetailedResponse, error) {
	return c.GetServiceInstanceStateWithContext(context.Background(), options)
}

// GetServiceInstanceStateWithContext records a GetServiceInstanceState action and returns its reaction.
func (c *Client) GetServiceInstanceStateWithContext(ctx context.Context, options *osb.GetServiceInstanceStateOptions) (*osb.InstanceStateResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstanceStateResp](c, ctx, Action{Verb: "GetServiceInstanceState", Options: options})
}

// ReplaceServiceInstanceState records a ReplaceServiceInstanceState action and returns its reaction.
func (c *Client) ReplaceServiceInstanceState(options *osb.ReplaceServiceInstanceStateOptions) (*osb.InstanceStateResp, *core.DetailedResponse, error) {
	return c.ReplaceServiceInstanceStateWithContext(context.Background(), options)
}

// ReplaceServiceInstanceStateWithContext records a ReplaceServiceInstanceState action and returns its reaction.
func (c *Client) ReplaceServiceInstanceStateWithContext(ctx context.Context, options *osb.ReplaceServiceInstanceStateOptions) (*osb.InstanceStateResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstanceStateResp](c, ctx, Action{Verb: "ReplaceServiceInstanceState", Options: options})
}

// RefreshCatalog records a RefreshCatalog action (Settings: previous) and returns its reaction's
// *Catalog; changed is true when that is not previous.
func (c *Client) RefreshCatalog(ctx context.Context, previous *osb.Catalog) (*osb.Catalog, bool, error) {
	catalog, _, err := invoke[*osb.Catalog](c, ctx, Action{Verb: "RefreshCatalog", Settings: previous})
	return catalog, err == nil && catalog != previous, err
}

// AwaitLastOperation records an AwaitLastOperation action (Settings: wait) and returns its reaction.
func (c *Client) AwaitLastOperation(ctx context.Context, options *osb.GetLastOperationOptions, wait *osb.WaitOptions) (*osb.InstanceLastOperationResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstanceLastOperationResp](c, ctx, Action{Verb: "AwaitLastOperation", Options: options, Settings: wait})
}

// AwaitServiceBindingLastOperation records an AwaitServiceBindingLastOperation action
// (Settings: wait) and returns its reaction.
func (c *Client) AwaitServiceBindingLastOperation(ctx context.Context, options *osb.GetServiceBindingLastOperationOptions, wait *osb.WaitOptions) (*osb.BindingLastOperationResp, *core.DetailedResponse, error) {
	return invoke[*osb.BindingLastOperationResp](c, ctx, Action{Verb: "AwaitServiceBindingLastOperation", Options: options, Settings: wait})
}

// The lifecycle: the *AndWait helpers and Step are one action each.

// ProvisionAndWait records a ProvisionAndWait action (Settings: wait) and returns its reaction.
func (c *Client) ProvisionAndWait(ctx context.Context, options *osb.ReplaceServiceInstanceOptions, wait *osb.WaitOptions) (*osb.InstancePutResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstancePutResp](c, ctx, Action{Verb: "ProvisionAndWait", Options: options, Settings: wait})
}

// UpdateAndWait records a UpdateAndWait action (Settings: wait) and returns its reaction.
func (c *Client) UpdateAndWait(ctx context.Context, options *osb.UpdateServiceInstanceOptions, wait *osb.WaitOptions) (*osb.InstancePatchResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstancePatchResp](c, ctx, Action{Verb: "UpdateAndWait", Options: options, Settings: wait})
}

// UpgradeAndWait records a UpgradeAndWait action (Settings: wait) and returns its reaction.
func (c *Client) UpgradeAndWait(ctx context.Context, options *osb.UpdateServiceInstanceOptions, wait *osb.WaitOptions) (*osb.InstancePatchResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstancePatchResp](c, ctx, Action{Verb: "UpgradeAndWait", Options: options, Settings: wait})
}

// DeprovisionAndWait records a DeprovisionAndWait action (Settings: wait) and returns its reaction.
func (c *Client) DeprovisionAndWait(ctx context.Context, options *osb.DeleteServiceInstanceOptions, wait *osb.WaitOptions) (*osb.InstanceDeleteResp, *core.DetailedResponse, error) {
	return invoke[*osb.InstanceDeleteResp](c, ctx, Action{Verb: "DeprovisionAndWait", Options: options, Settings: wait})
}

// BindAndWait records a BindAndWait action (Settings: wait) and returns its reaction.
func (c *Client) BindAndWait(ctx context.Context, options *osb.ReplaceServiceBindingOptions, wait *osb.WaitOptions) (*osb.BindingPutResp, *core.DetailedResponse, error) {
	return invoke[*osb.BindingPutResp](c, ctx, Action{Verb: "BindAndWait", Options: options, Settings: wait})
}

// RotateBindingAndWait records a RotateBindingAndWait action (Settings: wait) and returns its reaction.
func (c *Client) RotateBindingAndWait(ctx context.Context, options *osb.ReplaceServiceBindingOptions, wait *osb.WaitOptions) (*osb.BindingPutResp, *core.DetailedResponse, error) {
	return invoke[*osb.BindingPutResp](c, ctx, Action{Verb: "RotateBindingAndWait", Options: options, Settings: wait})
}

// UnbindAndWait records a UnbindAndWait action (Settings: wait) and returns its reaction.
func (c *Client) UnbindAndWait(ctx context.Context, options *osb.DeleteServiceBindingOptions, wait *osb.WaitOptions) (*core.DetailedResponse, error) {
	_, response, err := invoke[any](c, ctx, Action{Verb: "UnbindAndWait", Options: options, Settings: wait})
	return response, err
}

// Step records a Step action (Options: the record; Settings: options) and returns the record
// its reaction gives, with its error. A reaction that gives no record leaves the record
// unchanged, as Step does when nothing could be sent.
func (c *Client) Step(ctx context.Context, record osb.OperationRecord, options *osb.StepOptions) (osb.OperationRecord, error) {
	next, _, err := invoke[osb.OperationRecord](c, ctx, Action{Verb: "Step", Options: record, Settings: options})
	if next.Kind == "" {
		return record, err
	}
	return next, err
}

// AwaitRecord records an AwaitRecord action (Options: the record; Settings: wait) and returns
// the record its reaction gives, with its error; a reaction that gives no record leaves it unchanged.
func (c *Client) AwaitRecord(ctx context.Context, record osb.OperationRecord, wait *osb.WaitOptions) (osb.OperationRecord, error) {
	next, _, err := invoke[osb.OperationRecord](c, ctx, Action{Verb: "AwaitRecord", Options: record, Settings: wait})
	if next.Kind == "" {
		return record, err
	}
	return next, err
}

// NewProvisionRecord is the SDK's NewProvisionRecord: the record the real client would return.
func (c *Client) NewProvisionRecord(options *osb.ReplaceServiceInstanceOptions, config osb.RecordConfig) (osb.OperationRecord, error) {
	return c.helpers.NewProvisionRecord(options, config)
}

// NewUpdateRecord is the SDK's NewUpdateRecord: the record the real client would return.
func (c *Client) NewUpdateRecord(options *osb.UpdateServiceInstanceOptions, config osb.RecordConfig) (osb.OperationRecord, error) {
	return c.helpers.NewUpdateRecord(options, config)
}

// NewDeprovisionRecord is the SDK's NewDeprovisionRecord: the record the real client would return.
func (c *Client) NewDeprovisionRecord(options *osb.DeleteServiceInstanceOptions, config osb.RecordConfig) (osb.OperationRecord, error) {
	return c.helpers.NewDeprovisionRecord(options, config)
}

// NewBindRecord is the SDK's NewBindRecord: the record the real client would return.
func (c *Client) NewBindRecord(options *osb.ReplaceServiceBindingOptions, config osb.RecordConfig) (osb.OperationRecord, error) {
	return c.helpers.NewBindRecord(options, config)
}

// NewUnbindRecord is the SDK's NewUnbindRecord: the record the real client would return.
func (c *Client) NewUnbindRecord(options *osb.DeleteServiceBindingOptions, config osb.RecordConfig) (osb.OperationRecord, error) {
	return c.helpers.NewUnbindRecord(options, config)
}
