package openservicebrokerv1

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// ProvisionAndWait provisions a service instance with accepts_incomplete=true and, when the broker
// answers 202 Accepted, waits until the provision succeeded or failed (see WaitForLastOperation;
// wait may be nil for the defaults).
//
// It returns the broker's answer to the provision request; response.StatusCode says whether the
// broker provisioned synchronously (201, or 200 for an identical instance that already existed)
// or asynchronously (202).
//
// When the outcome is unknown, as NeedsOrphanMitigation defines it (no answer, a timeout, 5xx, a
// 2xx other than 200/201/202, a 201 or 202 the client cannot read), and when an asynchronous
// provision ends "failed" (the Orphan Mitigation table of the specification: "200 with state
// failed" for Provisioning), it runs the specification's orphan mitigation: it deprovisions the
// instance (accepts_incomplete=true, waiting until 200 or 410, trying again a few times on
// transient failures) and returns an *OrphanMitigationError that says whether the mitigation
// completed and unwraps to the original failure (an *OperationFailedError for a failed
// provision). Mitigation runs under ctx: when ctx is done, it cannot complete.
func (openServiceBroker *OpenServiceBrokerV1) ProvisionAndWait(ctx context.Context, options *ReplaceServiceInstanceOptions, wait *WaitOptions) (*InstancePutResp, *core.DetailedResponse, error) {
	const op = "ProvisionAndWait"
	request, err := acceptingIncomplete(options).request()
	if err := checkAndWaitOptions(op, err, wait); err != nil {
		return nil, nil, err
	}
	created := orphan{instanceID: *options.InstanceID, serviceID: options.ServiceID, planID: options.PlanID, headers: options.Headers}
	return createAndWait(ctx, openServiceBroker, op, request, created, wait,
		func(result *InstancePutResp) *string { return result.Operation },
		func(operation *string) error {
			_, _, err := openServiceBroker.waitForInstance(ctx, op, &WaitForLastOperationOptions{
				InstanceID: options.InstanceID, Operation: operation, ServiceID: options.ServiceID, PlanID: options.PlanID,
				OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers, WaitOptions: wait.orDefaults(),
			})
			return err
		})
}

// createAndWait sends a provision or bind request and, when the broker answers 202 Accepted,
// polls with poll until the operation ends. It runs orphan mitigation on created when the
// outcome is unknown (NeedsOrphanMitigation) or the operation ended "failed" (the Orphan
// Mitigation table's "200 with state failed" row). operationOf reads the operation of an answer.
func createAndWait[R any](ctx context.Context, openServiceBroker *OpenServiceBrokerV1, op string, request *sdkruntime.Request,
	created orphan, wait *WaitOptions, operationOf func(*R) *string, poll func(operation *string) error) (*R, *core.DetailedResponse, error) {
	var result *R
	response, err := openServiceBroker.send(ctx, request, &result)
	if NeedsOrphanMitigation(created.creation(), response, err) {
		return result, response, openServiceBroker.mitigateOrphan(ctx, op, created, err, wait)
	}
	if !wentAsynchronous(response, err) {
		return result, response, err
	}
	var operation *string
	if result != nil {
		operation = operationOf(result)
	}
	if err = poll(operation); failedAsynchronously(err) {
		return result, response, openServiceBroker.mitigateOrphan(ctx, op, created, err, wait)
	}
	return result, response, err
}

// failedAsynchronously reports whether a wait ended with the broker's "failed": the Orphan
// Mitigation table asks for the instance or binding to be deleted then.
func failedAsynchronously(err error) bool {
	var failed *OperationFailedError
	return errors.As(err, &failed)
}

// UpdateAndWait updates a service instance with accepts_incomplete=true and, when the broker
// answers 202 Accepted, waits until the update succeeded or failed (see WaitForLastOperation; wait
// may be nil for the defaults). It returns the broker's answer to the update request; a failed
// update returns an *OperationFailedError whose InstanceUsable and UpdateRepeatable say what is
// left. Polls send previous_values.plan_id when set (the plan before the update, as the
// specification asks), else the requested plan_id.
func (openServiceBroker *OpenServiceBrokerV1) UpdateAndWait(ctx context.Context, options *UpdateServiceInstanceOptions, wait *WaitOptions) (*InstancePatchResp, *core.DetailedResponse, error) {
	const op = "UpdateAndWait"
	request, err := acceptingIncomplete(options).request()
	if err := checkAndWaitOptions(op, err, wait); err != nil {
		return nil, nil, err
	}
	var result *InstancePatchResp
	response, err := openServiceBroker.send(ctx, request, &result)
	if !wentAsynchronous(response, err) {
		return result, response, err
	}
	var operation *string
	if result != nil {
		operation = result.Operation
	}
	_, _, err = openServiceBroker.waitForInstance(ctx, op, &WaitForLastOperationOptions{
		InstanceID: options.InstanceID, Operation: operation, ServiceID: options.ServiceID, PlanID: planBeforeUpdate(options),
		OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers, WaitOptions: wait.orDefaults(),
	})
	return result, response, err
}

// planBeforeUpdate is the plan_id to poll an update with.
func planBeforeUpdate(options *UpdateServiceInstanceOptions) *string {
	if options.PreviousValues != nil && options.PreviousValues.PlanID != nil {
		return options.PreviousValues.PlanID
	}
	return options.PlanID
}

// DeprovisionAndWait deprovisions a service instance with accepts_incomplete=true and, when the
// broker answers 202 Accepted, waits until the instance is gone (see WaitForLastOperation; wait may
// be nil for the defaults). 410 Gone, to the request or to a poll, means the instance does not
// exist (any more) and is success, with a nil error. After a 410 to the request, response is that
// 410 answer; after a 410 to a poll, the result and response are those of the request's 202 Accepted.
func (openServiceBroker *OpenServiceBrokerV1) DeprovisionAndWait(ctx context.Context, options *DeleteServiceInstanceOptions, wait *WaitOptions) (*InstanceDeleteResp, *core.DetailedResponse, error) {
	const op = "DeprovisionAndWait"
	if _, err := wait.settings(op); err != nil {
		return nil, nil, err
	}
	return openServiceBroker.deprovisionAndWait(ctx, op, options, wait)
}

func (openServiceBroker *OpenServiceBrokerV1) deprovisionAndWait(ctx context.Context, op string, options *DeleteServiceInstanceOptions, wait *WaitOptions) (*InstanceDeleteResp, *core.DetailedResponse, error) {
	request, err := acceptingIncomplete(options).request()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	var result *InstanceDeleteResp
	response, err := openServiceBroker.send(ctx, request, &result)
	if !wentAsynchronous(response, err) {
		return result, response, err
	}
	var operation *string
	if result != nil {
		operation = result.Operation
	}
	_, _, err = openServiceBroker.waitForInstance(ctx, op, &WaitForLastOperationOptions{
		InstanceID: options.InstanceID, Operation: operation, ServiceID: options.ServiceID, PlanID: options.PlanID, Deletion: true,
		OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers, WaitOptions: wait.orDefaults(),
	})
	return result, response, err
}

// BindAndWait creates a service binding with accepts_incomplete=true and returns it with its
// credentials. When the broker answers 202 Accepted, it waits until the binding succeeded or
// failed (see WaitForBindingLastOperation; wait may be nil for the defaults) and then fetches the
// binding with GetServiceBinding, since an asynchronous bind answer carries no credentials; the
// result then holds the fetched binding and the operation of the 202 answer.
//
// response is the broker's answer to the bind request (200, 201 or 202). When the outcome is
// unknown (see NeedsOrphanMitigation), or an asynchronous bind ends "failed", it unbinds (orphan
// mitigation) and returns an *OrphanMitigationError, as ProvisionAndWait deprovisions; for a failed
// bind it unwraps to the *OperationFailedError.
func (openServiceBroker *OpenServiceBrokerV1) BindAndWait(ctx context.Context, options *ReplaceServiceBindingOptions, wait *WaitOptions) (*BindingPutResp, *core.DetailedResponse, error) {
	const op = "BindAndWait"
	request, err := acceptingIncomplete(options).request()
	if err := checkAndWaitOptions(op, err, wait); err != nil {
		return nil, nil, err
	}
	created := orphan{instanceID: *options.InstanceID, bindingID: *options.BindingID,
		serviceID: options.ServiceID, planID: options.PlanID, headers: options.Headers}
	result, response, err := createAndWait(ctx, openServiceBroker, op, request, created, wait,
		func(result *BindingPutResp) *string { return result.Operation },
		func(operation *string) error {
			_, _, err := openServiceBroker.waitForBinding(ctx, op, &WaitForBindingLastOperationOptions{
				InstanceID: options.InstanceID, BindingID: options.BindingID, Operation: operation, ServiceID: options.ServiceID, PlanID: options.PlanID,
				OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers, WaitOptions: wait.orDefaults(),
			})
			return err
		})
	if err != nil || !wentAsynchronous(response, nil) {
		return result, response, err
	}
	var operation *string
	if result != nil {
		operation = result.Operation
	}
	fetched, _, err := openServiceBroker.GetServiceBindingWithContext(ctx, &GetServiceBindingOptions{
		InstanceID: options.InstanceID, BindingID: options.BindingID, ServiceID: options.ServiceID, PlanID: options.PlanID,
		OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers,
	})
	if err != nil {
		return result, response, fmt.Errorf("%s: %s was created, but fetching its credentials failed: %w; fetch it again with GetServiceBinding",
			op, describeResource(*options.InstanceID, *options.BindingID), err)
	}
	return fetchedBinding(fetched, operation), response, nil
}

// fetchedBinding presents the binding fetched after an asynchronous bind as a bind answer.
func fetchedBinding(fetched *BindingGetResp, operation *string) *BindingPutResp {
	if fetched == nil {
		return &BindingPutResp{Operation: operation}
	}
	return &BindingPutResp{Credentials: fetched.Credentials, SyslogDrainURL: fetched.SyslogDrainURL, RouteServiceURL: fetched.RouteServiceURL,
		VolumeMounts: fetched.VolumeMounts, Endpoints: fetched.Endpoints, Metadata: fetched.Metadata, Operation: operation}
}

// UnbindAndWait deletes a service binding with accepts_incomplete=true and, when the broker answers
// 202 Accepted, waits until the binding is gone (see WaitForBindingLastOperation; wait may be nil
// for the defaults). Like DeleteServiceBinding it returns only the broker's answer to the request,
// whose Result holds the decoded *BindingDeleteResp. 410 Gone, to the request or to a poll, means
// the binding does not exist (any more) and is success, with a nil error. After a 410 to the
// request, response is that 410 answer; after a 410 to a poll, it is the request's 202 Accepted.
func (openServiceBroker *OpenServiceBrokerV1) UnbindAndWait(ctx context.Context, options *DeleteServiceBindingOptions, wait *WaitOptions) (*core.DetailedResponse, error) {
	const op = "UnbindAndWait"
	if _, err := wait.settings(op); err != nil {
		return nil, err
	}
	return openServiceBroker.unbindAndWait(ctx, op, options, wait)
}

func (openServiceBroker *OpenServiceBrokerV1) unbindAndWait(ctx context.Context, op string, options *DeleteServiceBindingOptions, wait *WaitOptions) (*core.DetailedResponse, error) {
	request, err := acceptingIncomplete(options).request()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var result *BindingDeleteResp
	response, err := openServiceBroker.send(ctx, request, &result)
	if !wentAsynchronous(response, err) {
		return response, err
	}
	var operation *string
	if result != nil {
		operation = result.Operation
	}
	_, _, err = openServiceBroker.waitForBinding(ctx, op, &WaitForBindingLastOperationOptions{
		InstanceID: options.InstanceID, BindingID: options.BindingID, Operation: operation, ServiceID: options.ServiceID, PlanID: options.PlanID,
		Deletion: true, OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers, WaitOptions: wait.orDefaults(),
	})
	return response, err
}

// acceptingIncomplete is a copy of options with accepts_incomplete=true, which every *AndWait
// helper sends; nil stays nil, for the request's own check to report.
func acceptingIncomplete[T any, P interface {
	*T
	SetAcceptsIncomplete(bool) *T
}](options P) P {
	if options == nil {
		return nil
	}
	accepting := *options
	return P(&accepting).SetAcceptsIncomplete(true)
}

// checkAndWaitOptions reports invalid request options or invalid wait options, before anything is sent.
func checkAndWaitOptions(op string, requestErr error, wait *WaitOptions) error {
	if requestErr != nil {
		return fmt.Errorf("%s: %w", op, requestErr)
	}
	_, err := wait.settings(op)
	return err
}

// orDefaults is a copy of the options to embed in a waiter's options; nil gives the defaults.
func (options *WaitOptions) orDefaults() WaitOptions {
	if options == nil {
		return WaitOptions{}
	}
	return *options
}

// wentAsynchronous reports whether the broker accepted the request for asynchronous processing.
func wentAsynchronous(response *core.DetailedResponse, err error) bool {
	return err == nil && response != nil && response.StatusCode == http.StatusAccepted
}
