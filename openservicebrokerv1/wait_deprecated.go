package openservicebrokerv1

// The waiters' former options, each holding a poll's request and its WaitOptions in one struct.

import (
	"context"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
)

// WaitForLastOperationOptions holds the parameters of WaitForLastOperation.
//
// Deprecated: use AwaitLastOperation with GetLastOperationOptions and WaitOptions.
type WaitForLastOperationOptions struct {
	// InstanceID is the ID of the service instance whose operation is awaited.
	InstanceID *string
	// Operation is the operation value the broker returned with its 202 Accepted answer.
	Operation *string
	// ServiceID is the ID of the service offering of the instance; the specification asks platforms to send it.
	ServiceID *string
	// PlanID is the ID of the plan of the instance; the specification asks platforms to send it.
	PlanID *string
	// Deletion says the awaited operation is a deprovision: then 410 Gone means it is done.
	Deletion bool
	// OriginatingIdentity is sent with every poll; see NewOriginatingIdentity.
	OriginatingIdentity *string
	// Headers are extra HTTP headers sent with every poll.
	Headers map[string]string

	WaitOptions
}

// NewWaitForLastOperationOptions returns WaitForLastOperationOptions for the given instance,
// with the default delays and maximum wait.
//
// Deprecated: use NewGetLastOperationOptions and AwaitLastOperation.
func (*OpenServiceBrokerV1) NewWaitForLastOperationOptions(instanceID string) *WaitForLastOperationOptions {
	return &WaitForLastOperationOptions{InstanceID: core.StringPtr(instanceID)}
}

// SetInstanceID sets InstanceID and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetInstanceID(instanceID string) *WaitForLastOperationOptions {
	options.InstanceID = core.StringPtr(instanceID)
	return options
}

// SetOperation sets Operation and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetOperation(operation string) *WaitForLastOperationOptions {
	options.Operation = core.StringPtr(operation)
	return options
}

// SetServiceID sets ServiceID and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetServiceID(serviceID string) *WaitForLastOperationOptions {
	options.ServiceID = core.StringPtr(serviceID)
	return options
}

// SetPlanID sets PlanID and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetPlanID(planID string) *WaitForLastOperationOptions {
	options.PlanID = core.StringPtr(planID)
	return options
}

// SetDeletion sets Deletion and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetDeletion(deletion bool) *WaitForLastOperationOptions {
	options.Deletion = deletion
	return options
}

// SetOriginatingIdentity sets OriginatingIdentity and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetOriginatingIdentity(originatingIdentity string) *WaitForLastOperationOptions {
	options.OriginatingIdentity = core.StringPtr(originatingIdentity)
	return options
}

// SetHeaders sets extra HTTP headers and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetHeaders(headers map[string]string) *WaitForLastOperationOptions {
	options.Headers = headers
	return options
}

// SetMinDelay sets MinDelay and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetMinDelay(delay time.Duration) *WaitForLastOperationOptions {
	options.WaitOptions.SetMinDelay(delay)
	return options
}

// SetMaxDelay sets MaxDelay and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetMaxDelay(delay time.Duration) *WaitForLastOperationOptions {
	options.WaitOptions.SetMaxDelay(delay)
	return options
}

// SetMaxWait sets MaxWait and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetMaxWait(maxWait time.Duration) *WaitForLastOperationOptions {
	options.WaitOptions.SetMaxWait(maxWait)
	return options
}

// SetMaximumPollingDuration sets MaximumPollingDuration (seconds, from the plan) and returns
// the options for chaining.
func (options *WaitForLastOperationOptions) SetMaximumPollingDuration(seconds int64) *WaitForLastOperationOptions {
	options.WaitOptions.SetMaximumPollingDuration(seconds)
	return options
}

// SetOnPoll sets OnPoll and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetOnPoll(onPoll func(PollEvent)) *WaitForLastOperationOptions {
	options.WaitOptions.SetOnPoll(onPoll)
	return options
}

// pollOptions is the request each poll sends.
func (options *WaitForLastOperationOptions) pollOptions() *GetLastOperationOptions {
	return &GetLastOperationOptions{InstanceID: options.InstanceID, ServiceID: options.ServiceID, PlanID: options.PlanID,
		Operation: options.Operation, OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers}
}

// WaitForBindingLastOperationOptions holds the parameters of WaitForBindingLastOperation.
//
// Deprecated: use AwaitServiceBindingLastOperation with GetServiceBindingLastOperationOptions and WaitOptions.
type WaitForBindingLastOperationOptions struct {
	// InstanceID is the ID of the service instance of the binding.
	InstanceID *string
	// BindingID is the ID of the service binding whose operation is awaited.
	BindingID *string
	// Operation is the operation value the broker returned with its 202 Accepted answer.
	Operation *string
	// ServiceID is the ID of the service offering of the instance; the specification asks platforms to send it.
	ServiceID *string
	// PlanID is the ID of the plan of the instance; the specification asks platforms to send it.
	PlanID *string
	// Deletion says the awaited operation is an unbind: then 410 Gone means it is done.
	Deletion bool
	// OriginatingIdentity is sent with every poll; see NewOriginatingIdentity.
	OriginatingIdentity *string
	// Headers are extra HTTP headers sent with every poll.
	Headers map[string]string

	WaitOptions
}

// NewWaitForBindingLastOperationOptions returns WaitForBindingLastOperationOptions for the given
// binding, with the default delays and maximum wait.
//
// Deprecated: use NewGetServiceBindingLastOperationOptions and AwaitServiceBindingLastOperation.
func (*OpenServiceBrokerV1) NewWaitForBindingLastOperationOptions(bindingID string, instanceID string) *WaitForBindingLastOperationOptions {
	return &WaitForBindingLastOperationOptions{BindingID: core.StringPtr(bindingID), InstanceID: core.StringPtr(instanceID)}
}

// SetInstanceID sets InstanceID and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetInstanceID(instanceID string) *WaitForBindingLastOperationOptions {
	options.InstanceID = core.StringPtr(instanceID)
	return options
}

// SetBindingID sets BindingID and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetBindingID(bindingID string) *WaitForBindingLastOperationOptions {
	options.BindingID = core.StringPtr(bindingID)
	return options
}

// SetOperation sets Operation and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetOperation(operation string) *WaitForBindingLastOperationOptions {
	options.Operation = core.StringPtr(operation)
	return options
}

// SetServiceID sets ServiceID and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetServiceID(serviceID string) *WaitForBindingLastOperationOptions {
	options.ServiceID = core.StringPtr(serviceID)
	return options
}

// SetPlanID sets PlanID and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetPlanID(planID string) *WaitForBindingLastOperationOptions {
	options.PlanID = core.StringPtr(planID)
	return options
}

// SetDeletion sets Deletion and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetDeletion(deletion bool) *WaitForBindingLastOperationOptions {
	options.Deletion = deletion
	return options
}

// SetOriginatingIdentity sets OriginatingIdentity and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetOriginatingIdentity(originatingIdentity string) *WaitForBindingLastOperationOptions {
	options.OriginatingIdentity = core.StringPtr(originatingIdentity)
	return options
}

// SetHeaders sets extra HTTP headers and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetHeaders(headers map[string]string) *WaitForBindingLastOperationOptions {
	options.Headers = headers
	return options
}

// SetMinDelay sets MinDelay and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetMinDelay(delay time.Duration) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetMinDelay(delay)
	return options
}

// SetMaxDelay sets MaxDelay and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetMaxDelay(delay time.Duration) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetMaxDelay(delay)
	return options
}

// SetMaxWait sets MaxWait and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetMaxWait(maxWait time.Duration) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetMaxWait(maxWait)
	return options
}

// SetMaximumPollingDuration sets MaximumPollingDuration (seconds, from the plan) and returns
// the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetMaximumPollingDuration(seconds int64) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetMaximumPollingDuration(seconds)
	return options
}

// SetOnPoll sets OnPoll and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetOnPoll(onPoll func(PollEvent)) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetOnPoll(onPoll)
	return options
}

// pollOptions is the request each poll sends.
func (options *WaitForBindingLastOperationOptions) pollOptions() *GetServiceBindingLastOperationOptions {
	return &GetServiceBindingLastOperationOptions{InstanceID: options.InstanceID, BindingID: options.BindingID,
		ServiceID: options.ServiceID, PlanID: options.PlanID, Operation: options.Operation,
		OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers}
}

// withDeletion is a copy of wait with the deprecated options' Deletion.
func withDeletion(wait WaitOptions, deletion bool) *WaitOptions {
	wait.Deletion = deletion
	return &wait
}

// WaitForLastOperation is AwaitLastOperation with the options of both in one struct.
//
// Deprecated: use AwaitLastOperation.
func (openServiceBroker *OpenServiceBrokerV1) WaitForLastOperation(ctx context.Context, options *WaitForLastOperationOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error) {
	const op = "WaitForLastOperation"
	if options == nil {
		return nil, nil, &ParameterError{Operation: op, Parameter: "options", Problem: "must not be nil; build them with NewWaitForLastOperationOptions"}
	}
	return openServiceBroker.awaitInstance(ctx, op, options.pollOptions(), withDeletion(options.WaitOptions, options.Deletion))
}

// WaitForBindingLastOperation is AwaitServiceBindingLastOperation with the options of both in
// one struct.
//
// Deprecated: use AwaitServiceBindingLastOperation.
func (openServiceBroker *OpenServiceBrokerV1) WaitForBindingLastOperation(ctx context.Context, options *WaitForBindingLastOperationOptions) (*BindingLastOperationResp, *core.DetailedResponse, error) {
	const op = "WaitForBindingLastOperation"
	if options == nil {
		return nil, nil, &ParameterError{Operation: op, Parameter: "options", Problem: "must not be nil; build them with NewWaitForBindingLastOperationOptions"}
	}
	return openServiceBroker.awaitBinding(ctx, op, options.pollOptions(), withDeletion(options.WaitOptions, options.Deletion))
}
