package openservicebrokerv1

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
)

// orphanMitigationAttempts bounds the deletions tried to clean up after an unknown outcome; the
// client's own retries already repeat each deletion request on transient failures.
const orphanMitigationAttempts = 3

// ProvisionAndWait provisions a service instance with accepts_incomplete=true and, when the broker
// answers 202 Accepted, waits until the provision succeeded or failed (see WaitForLastOperation;
// wait may be nil for the defaults).
//
// It returns the broker's answer to the provision request; response.StatusCode says whether the
// broker provisioned synchronously (201, or 200 for an identical instance that already existed)
// or asynchronously (202). A provision that ends "failed" returns an *OperationFailedError: the
// broker reported the outcome, and the specification leaves the clean-up of a failed asynchronous
// provision to the broker, so nothing is deleted; call DeprovisionAndWait if the instance must go.
//
// When the outcome is unknown, as NeedsOrphanMitigation defines it (no answer, a timeout, 5xx, a
// 2xx other than 200/201/202, a 201 or 202 the client cannot read), it runs the specification's
// orphan mitigation: it deprovisions the instance (accepts_incomplete=true, waiting until 200 or
// 410, trying again a few times on transient failures) and returns an *OrphanMitigationError that
// says whether the mitigation completed and unwraps to the original failure. Mitigation runs under
// ctx: when ctx is done, it cannot complete.
func (openServiceBroker *OpenServiceBrokerV1) ProvisionAndWait(ctx context.Context, options *ReplaceServiceInstanceOptions, wait *WaitOptions) (*InstancePutResp, *core.DetailedResponse, error) {
	const op = "ProvisionAndWait"
	if err := checkAndWaitOptions(op, options.validate(), wait); err != nil {
		return nil, nil, err
	}
	request := *options
	request.AcceptsIncomplete = core.BoolPtr(true)
	result, response, err := openServiceBroker.ReplaceServiceInstanceWithContext(ctx, &request)
	if NeedsOrphanMitigation(response, err) {
		created := orphan{instanceID: *options.InstanceID, serviceID: options.ServiceID, planID: options.PlanID, headers: options.Headers}
		return result, response, openServiceBroker.mitigateOrphan(ctx, op, created, outcomeError(op, response, err), wait)
	}
	if err = checkStatus(op, response, err, http.StatusOK, http.StatusCreated, http.StatusAccepted); !wentAsynchronous(response, err) {
		return result, response, err
	}
	var operation *string
	if result != nil {
		operation = result.Operation
	}
	_, _, err = openServiceBroker.waitForInstance(ctx, op, &WaitForLastOperationOptions{
		InstanceID: options.InstanceID, Operation: operation, ServiceID: options.ServiceID, PlanID: options.PlanID,
		OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers, WaitOptions: wait.orDefaults(),
	})
	return result, response, err
}

// UpdateAndWait updates a service instance with accepts_incomplete=true and, when the broker
// answers 202 Accepted, waits until the update succeeded or failed (see WaitForLastOperation; wait
// may be nil for the defaults). It returns the broker's answer to the update request; a failed
// update returns an *OperationFailedError whose InstanceUsable and UpdateRepeatable say what is
// left. Polls send previous_values.plan_id when set (the plan before the update, as the
// specification asks), else the requested plan_id.
func (openServiceBroker *OpenServiceBrokerV1) UpdateAndWait(ctx context.Context, options *UpdateServiceInstanceOptions, wait *WaitOptions) (*InstancePatchResp, *core.DetailedResponse, error) {
	const op = "UpdateAndWait"
	if err := checkAndWaitOptions(op, options.validate(), wait); err != nil {
		return nil, nil, err
	}
	request := *options
	request.AcceptsIncomplete = core.BoolPtr(true)
	result, response, err := openServiceBroker.UpdateServiceInstanceWithContext(ctx, &request)
	if err = checkStatus(op, response, err, http.StatusOK, http.StatusAccepted); !wentAsynchronous(response, err) {
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
// exist (any more) and is success: response.StatusCode is then 410.
func (openServiceBroker *OpenServiceBrokerV1) DeprovisionAndWait(ctx context.Context, options *DeleteServiceInstanceOptions, wait *WaitOptions) (*InstanceDeleteResp, *core.DetailedResponse, error) {
	const op = "DeprovisionAndWait"
	if err := checkAndWaitOptions(op, options.validate(), wait); err != nil {
		return nil, nil, err
	}
	return openServiceBroker.deprovisionAndWait(ctx, op, options, wait)
}

func (openServiceBroker *OpenServiceBrokerV1) deprovisionAndWait(ctx context.Context, op string, options *DeleteServiceInstanceOptions, wait *WaitOptions) (*InstanceDeleteResp, *core.DetailedResponse, error) {
	request := *options
	request.AcceptsIncomplete = core.BoolPtr(true)
	result, response, err := openServiceBroker.DeleteServiceInstanceWithContext(ctx, &request)
	if err = checkStatus(op, response, err, http.StatusOK, http.StatusAccepted, http.StatusGone); !wentAsynchronous(response, err) {
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
// response is the broker's answer to the bind request (200, 201 or 202). A bind that ends "failed"
// returns an *OperationFailedError and nothing is deleted, as for ProvisionAndWait. When the outcome
// is unknown (see NeedsOrphanMitigation), it unbinds (orphan mitigation) and returns an
// *OrphanMitigationError, as ProvisionAndWait deprovisions.
func (openServiceBroker *OpenServiceBrokerV1) BindAndWait(ctx context.Context, options *ReplaceServiceBindingOptions, wait *WaitOptions) (*BindingPutResp, *core.DetailedResponse, error) {
	const op = "BindAndWait"
	if err := checkAndWaitOptions(op, options.validate(), wait); err != nil {
		return nil, nil, err
	}
	request := *options
	request.AcceptsIncomplete = core.BoolPtr(true)
	result, response, err := openServiceBroker.ReplaceServiceBindingWithContext(ctx, &request)
	if NeedsOrphanMitigation(response, err) {
		created := orphan{instanceID: *options.InstanceID, bindingID: *options.BindingID,
			serviceID: options.ServiceID, planID: options.PlanID, headers: options.Headers}
		return result, response, openServiceBroker.mitigateOrphan(ctx, op, created, outcomeError(op, response, err), wait)
	}
	if err = checkStatus(op, response, err, http.StatusOK, http.StatusCreated, http.StatusAccepted); !wentAsynchronous(response, err) {
		return result, response, err
	}
	var operation *string
	if result != nil {
		operation = result.Operation
	}
	_, _, err = openServiceBroker.waitForBinding(ctx, op, &WaitForBindingLastOperationOptions{
		InstanceID: options.InstanceID, BindingID: options.BindingID, Operation: operation, ServiceID: options.ServiceID, PlanID: options.PlanID,
		OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers, WaitOptions: wait.orDefaults(),
	})
	if err != nil {
		return result, response, err
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
// the binding does not exist (any more) and is success: response.StatusCode is then 410.
func (openServiceBroker *OpenServiceBrokerV1) UnbindAndWait(ctx context.Context, options *DeleteServiceBindingOptions, wait *WaitOptions) (*core.DetailedResponse, error) {
	const op = "UnbindAndWait"
	if err := checkAndWaitOptions(op, options.validate(), wait); err != nil {
		return nil, err
	}
	return openServiceBroker.unbindAndWait(ctx, op, options, wait)
}

func (openServiceBroker *OpenServiceBrokerV1) unbindAndWait(ctx context.Context, op string, options *DeleteServiceBindingOptions, wait *WaitOptions) (*core.DetailedResponse, error) {
	request := *options
	request.AcceptsIncomplete = core.BoolPtr(true)
	response, err := openServiceBroker.DeleteServiceBindingWithContext(ctx, &request)
	if err = checkStatus(op, response, err, http.StatusOK, http.StatusAccepted, http.StatusGone); !wentAsynchronous(response, err) {
		return response, err
	}
	var operation *string
	if result, ok := response.Result.(*BindingDeleteResp); ok && result != nil {
		operation = result.Operation
	}
	_, _, err = openServiceBroker.waitForBinding(ctx, op, &WaitForBindingLastOperationOptions{
		InstanceID: options.InstanceID, BindingID: options.BindingID, Operation: operation, ServiceID: options.ServiceID, PlanID: options.PlanID,
		Deletion: true, OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers, WaitOptions: wait.orDefaults(),
	})
	return response, err
}

// checkAndWaitOptions reports invalid request options (the result of their validate) or invalid
// wait options, before anything is sent.
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

// checkStatus turns a success answer whose status the specification does not define for the
// request into an error, so that it is not mistaken for a completed operation.
func checkStatus(op string, response *core.DetailedResponse, err error, defined ...int) error {
	if err != nil || response == nil || slices.Contains(defined, response.StatusCode) {
		return err
	}
	return fmt.Errorf("%s: broker answered %s, which the specification does not define for this request; the outcome is unknown",
		op, statusLine(response.StatusCode))
}

// outcomeError is the reason an orphan mitigation runs: the request's error, or for a success
// status the specification does not define, an error saying so.
func outcomeError(op string, response *core.DetailedResponse, err error) error {
	if err != nil {
		return err
	}
	return checkStatus(op, response, nil)
}

// OrphanMitigationError is the error of ProvisionAndWait and BindAndWait when the broker may have
// created the instance or binding without the platform knowing (see NeedsOrphanMitigation) and the
// helper therefore deleted it again, as the specification's "Orphan Mitigation" section asks.
// Find it with errors.As; errors.Is and errors.As also reach Cause and MitigationErr.
type OrphanMitigationError struct {
	// Operation is the helper that ran the mitigation: "ProvisionAndWait" or "BindAndWait".
	Operation string
	// InstanceID is the service instance that was provisioned, or whose binding was created.
	InstanceID string
	// BindingID is the service binding that was created; empty for a provision.
	BindingID string
	// Cause is the failure that made the outcome unknown.
	Cause error
	// Completed says the broker confirmed the deletion (200, or 410 Gone); the resource can be
	// created again. When false, the resource may still exist: delete it later.
	Completed bool
	// MitigationErr is why the deletion did not complete; nil when Completed.
	MitigationErr error
}

// Error says what failed and what the mitigation achieved.
func (e *OrphanMitigationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the broker may have created %s: %v; ", e.Operation, describeResource(e.InstanceID, e.BindingID), e.Cause)
	if e.Completed {
		b.WriteString("orphan mitigation deleted it, so it can be created again")
		return b.String()
	}
	fmt.Fprintf(&b, "orphan mitigation could not delete it (%v); delete it later with %s", e.MitigationErr, e.retryHint())
	return b.String()
}

func (e *OrphanMitigationError) retryHint() string {
	if e.BindingID != "" {
		return "UnbindAndWait"
	}
	return "DeprovisionAndWait"
}

// Unwrap returns the original failure and, when the mitigation did not complete, its failure.
func (e *OrphanMitigationError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.Cause, e.MitigationErr} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// orphan is the instance, or the binding, that a provision or bind whose outcome is unknown may have
// created, with what its deletion sends besides the ids.
type orphan struct {
	instanceID string
	bindingID  string // empty for an instance
	serviceID  *string
	planID     *string
	headers    map[string]string
}

// mitigateOrphan deletes a resource whose creation had an unknown outcome, trying again after
// transient failures, and reports the result as an *OrphanMitigationError.
func (openServiceBroker *OpenServiceBrokerV1) mitigateOrphan(ctx context.Context, op string, created orphan, cause error, wait *WaitOptions) error {
	mitigation := &OrphanMitigationError{Operation: op, InstanceID: created.instanceID, BindingID: created.bindingID, Cause: cause}
	settings, err := wait.settings(op)
	if err != nil {
		mitigation.MitigationErr = err
		return mitigation
	}
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			mitigation.MitigationErr = fmt.Errorf("stopped before deleting: %w", ctx.Err())
			return mitigation
		}
		err := openServiceBroker.removeOrphan(ctx, op, created, wait)
		if err == nil {
			mitigation.Completed, mitigation.MitigationErr = true, nil
			return mitigation
		}
		mitigation.MitigationErr = err
		if attempt+1 >= orphanMitigationAttempts || !deletionMayStillSucceed(err) {
			return mitigation
		}
		pause := func() error {
			return settings.clock.sleep(ctx, exponentialStep(settings.minDelay, settings.maxDelay, attempt))
		}
		if errors.Is(err, ErrConcurrencyError) {
			// The broker is still running the operation whose outcome was unknown: let it end
			// before deleting again, or every attempt meets the same ConcurrencyError.
			pause = func() error { return openServiceBroker.awaitOperationInFlight(ctx, op, created, wait) }
		}
		if pauseErr := pause(); pauseErr != nil {
			mitigation.MitigationErr = fmt.Errorf("%w; stopped: %w", err, pauseErr)
			return mitigation
		}
	}
}

// removeOrphan deletes the orphan (unbind or deprovision, with accepts_incomplete=true) and waits
// until it is gone.
func (openServiceBroker *OpenServiceBrokerV1) removeOrphan(ctx context.Context, op string, created orphan, wait *WaitOptions) error {
	if created.bindingID != "" {
		_, err := openServiceBroker.unbindAndWait(ctx, op, &DeleteServiceBindingOptions{InstanceID: &created.instanceID, BindingID: &created.bindingID,
			ServiceID: created.serviceID, PlanID: created.planID, Headers: created.headers}, wait)
		return err
	}
	_, _, err := openServiceBroker.deprovisionAndWait(ctx, op, &DeleteServiceInstanceOptions{InstanceID: &created.instanceID,
		ServiceID: created.serviceID, PlanID: created.planID, Headers: created.headers}, wait)
	return err
}

// awaitOperationInFlight waits until the operation the broker is running on the orphan ends,
// however it ends; it fails only when ctx is done or the wait used up its maximum.
func (openServiceBroker *OpenServiceBrokerV1) awaitOperationInFlight(ctx context.Context, op string, created orphan, wait *WaitOptions) error {
	var err error
	if created.bindingID != "" {
		_, _, err = openServiceBroker.waitForBinding(ctx, op, &WaitForBindingLastOperationOptions{
			InstanceID: &created.instanceID, BindingID: &created.bindingID, WaitOptions: wait.orDefaults(),
		})
	} else {
		_, _, err = openServiceBroker.waitForInstance(ctx, op, &WaitForLastOperationOptions{
			InstanceID: &created.instanceID, WaitOptions: wait.orDefaults(),
		})
	}
	if ctx.Err() != nil || errors.Is(err, ErrWaitTimeout) {
		return err
	}
	return nil
}

// deletionMayStillSucceed reports whether a failed deletion is worth sending again: after no
// answer, 429, 5xx, a ConcurrencyError or a failed asynchronous deletion; not after another 4xx
// or when the wait for the deletion used up its maximum.
func deletionMayStillSucceed(err error) bool {
	var failed *OperationFailedError
	var brokerErr *BrokerError
	switch {
	case errors.Is(err, ErrWaitTimeout):
		return false
	case errors.As(err, &failed), errors.Is(err, ErrConcurrencyError):
		return true
	case errors.As(err, &brokerErr) && brokerErr.StatusCode != 0:
		return isTransientStatus(brokerErr.StatusCode)
	default:
		return isTransientNoAnswer(err)
	}
}
