package openservicebrokerv1

// The *AndWait helpers: one blocking call per operation, each a record stepped to its end (see
// await.go), with the request kept in memory only (NoReplay) unless WaitOptions.RecordKey seals it.

import (
	"context"
	"fmt"

	"github.com/IBM/go-sdk-core/v5/core"
)

// ProvisionAndWait provisions a service instance with accepts_incomplete=true and, when the broker
// answers 202 Accepted, waits until the provision succeeded or failed (see AwaitLastOperation;
// wait may be nil for the defaults). It runs a provision record (NewProvisionRecord, Step) to its
// end, with the client's retries on its requests.
//
// It returns the broker's answer to the provision request; response.StatusCode says whether the
// broker provisioned synchronously (201, or 200 for an identical instance that already existed)
// or asynchronously (202).
//
// When the outcome is unknown, as NeedsOrphanMitigation defines it (no answer, a timeout, 5xx, a
// 2xx other than 200/201/202, a 201 or 202 the client cannot read), and when an asynchronous
// provision ends "failed" (the Orphan Mitigation table of the specification: "200 with state
// failed" for Provisioning), it runs the specification's orphan mitigation: it deprovisions the
// instance (accepts_incomplete=true, waiting until 200 or 410, trying again a few times after
// transient failures, after ConcurrencyError once the operation in flight ended) and returns an *OrphanMitigationError
// that says whether the mitigation completed and unwraps to the original failure (an
// *OperationFailedError for a failed provision). A provision whose maximum wait passed is left
// as it is (ErrWaitTimeout): poll it again later. Mitigation runs under ctx: when ctx is done,
// it cannot complete; a platform that must never lose an orphan stores a record and Steps it.
func (openServiceBroker *OpenServiceBrokerV1) ProvisionAndWait(ctx context.Context, options *ReplaceServiceInstanceOptions, wait *WaitOptions) (*InstancePutResp, *core.DetailedResponse, error) {
	const op = "ProvisionAndWait"
	record, err := newRecordFrom(openServiceBroker, op, options, wait.recordConfig(), provisionIDs)
	if err != nil {
		return nil, nil, err
	}
	sent, err := openServiceBroker.andWait(ctx, op, record, wait, nil)
	return answerOf[InstancePutResp](sent), sent.response, err
}

// answerOf is the decoded answer to a helper's request.
func answerOf[R any](sent exchange) *R {
	if answer, ok := sent.result.(**R); ok {
		return *answer
	}
	return nil
}

// andWait runs a helper's record to its end and returns the answer to its request.
func (openServiceBroker *OpenServiceBrokerV1) andWait(ctx context.Context, op string, record OperationRecord, wait *WaitOptions,
	onCredentials func(context.Context, OperationRecord, *BindingPutResp) error) (exchange, error) {
	planID := record.PlanID
	if record.PreviousPlanID != "" {
		planID = record.PreviousPlanID
	}
	target := operationTarget{instanceID: record.InstanceID, bindingID: record.BindingID, deletion: record.Kind.deletes()}
	plan, err := newWaitPlan(op, openServiceBroker.withCatalogPollingLimit(wait.orDefaults(), &record.ServiceID, nonEmpty(planID)), target)
	if err != nil {
		return exchange{}, err
	}
	limit := plan.maxWait
	if wait != nil && wait.OnRecord != nil {
		limit = record.Deadline.Sub(record.Started) // the record's polling limit: it outlives this wait
	}
	record.Started, record.NextAt = plan.clock.now(), plan.clock.now()
	record.Deadline = record.Started.Add(limit)
	run := openServiceBroker.newDriver(plan, onCredentials)
	run.useRecordOptions(wait)
	_, err = run.run(ctx, record)
	return run.sent, err
}

// UpdateAndWait updates a service instance with accepts_incomplete=true and, when the broker
// answers 202 Accepted, waits until the update succeeded or failed (see AwaitLastOperation; wait
// may be nil for the defaults). It returns the broker's answer to the update request; a failed
// update returns an *OperationFailedError whose InstanceUsable and UpdateRepeatable say what is
// left. Polls send previous_values.plan_id when set (the plan before the update, as the
// specification asks), else the requested plan_id.
func (openServiceBroker *OpenServiceBrokerV1) UpdateAndWait(ctx context.Context, options *UpdateServiceInstanceOptions, wait *WaitOptions) (*InstancePatchResp, *core.DetailedResponse, error) {
	const op = "UpdateAndWait"
	record, err := newRecordFrom(openServiceBroker, op, options, wait.recordConfig(), updateIDs)
	if err != nil {
		return nil, nil, err
	}
	sent, err := openServiceBroker.andWait(ctx, op, record, wait, nil)
	return answerOf[InstancePatchResp](sent), sent.response, err
}

// planBeforeUpdate is the plan_id to poll an update with.
func planBeforeUpdate(options *UpdateServiceInstanceOptions) *string {
	if options.PreviousValues != nil && options.PreviousValues.PlanID != nil {
		return options.PreviousValues.PlanID
	}
	return options.PlanID
}

// DeprovisionAndWait deprovisions a service instance with accepts_incomplete=true and, when the
// broker answers 202 Accepted, waits until the instance is gone (see AwaitLastOperation; wait may
// be nil for the defaults). 410 Gone, to the request or to a poll, and 404 Not Found to a poll,
// mean the instance does not exist (any more) and are success, with a nil error. After a 410 to
// the request, response is that 410 answer; after a 410 to a poll, the result and response are
// those of the request's 202 Accepted.
func (openServiceBroker *OpenServiceBrokerV1) DeprovisionAndWait(ctx context.Context, options *DeleteServiceInstanceOptions, wait *WaitOptions) (*InstanceDeleteResp, *core.DetailedResponse, error) {
	const op = "DeprovisionAndWait"
	record, err := newRecordFrom(openServiceBroker, op, options, wait.recordConfig(), deprovisionIDs)
	if err != nil {
		return nil, nil, err
	}
	sent, err := openServiceBroker.andWait(ctx, op, record, wait, nil)
	return answerOf[InstanceDeleteResp](sent), sent.response, err
}

// BindAndWait creates a service binding with accepts_incomplete=true and returns it with its
// credentials. When the broker answers 202 Accepted, it waits until the binding succeeded or
// failed (see AwaitServiceBindingLastOperation; wait may be nil for the defaults) and then fetches
// the binding with GetServiceBinding, since an asynchronous bind answer carries no credentials;
// the result then holds the fetched binding and the operation of the 202 answer.
//
// response is the broker's answer to the bind request (200, 201 or 202). When the outcome is
// unknown (see NeedsOrphanMitigation), or an asynchronous bind ends "failed", it unbinds (orphan
// mitigation) and returns an *OrphanMitigationError, as ProvisionAndWait deprovisions; for a failed
// bind it unwraps to the *OperationFailedError.
func (openServiceBroker *OpenServiceBrokerV1) BindAndWait(ctx context.Context, options *ReplaceServiceBindingOptions, wait *WaitOptions) (*BindingPutResp, *core.DetailedResponse, error) {
	const op = "BindAndWait"
	record, err := newRecordFrom(openServiceBroker, op, options, wait.recordConfig(), bindIDs)
	if err != nil {
		return nil, nil, err
	}
	var handed *BindingPutResp
	sent, err := openServiceBroker.andWait(ctx, op, record, wait, func(ctx context.Context, record OperationRecord, binding *BindingPutResp) error {
		if wait != nil && wait.OnCredentials != nil {
			if err := wait.OnCredentials(ctx, record, binding); err != nil {
				return err
			}
		}
		handed = binding
		return nil
	})
	if handed == nil {
		handed = answerOf[BindingPutResp](sent)
	}
	return handed, sent.response, err
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
// 202 Accepted, waits until the binding is gone (see AwaitServiceBindingLastOperation; wait may be
// nil for the defaults). Like DeleteServiceBinding it returns only the broker's answer to the
// request, whose Result holds the decoded *BindingDeleteResp. 410 Gone, to the request or to a
// poll, and 404 Not Found to a poll, mean the binding does not exist (any more) and are success,
// with a nil error. After a 410 to the request, response is that 410 answer; after a 410 to a
// poll, it is the request's 202 Accepted.
func (openServiceBroker *OpenServiceBrokerV1) UnbindAndWait(ctx context.Context, options *DeleteServiceBindingOptions, wait *WaitOptions) (*core.DetailedResponse, error) {
	const op = "UnbindAndWait"
	record, err := newRecordFrom(openServiceBroker, op, options, wait.recordConfig(), unbindIDs)
	if err != nil {
		return nil, err
	}
	sent, err := openServiceBroker.andWait(ctx, op, record, wait, nil)
	return sent.response, err
}

// acceptingIncomplete is a copy of options with accepts_incomplete=true, which every request of
// a record sends; nil stays nil, for the request's own check to report.
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

// orDefaults is a copy of the options; nil gives the defaults.
func (options *WaitOptions) orDefaults() WaitOptions {
	if options == nil {
		return WaitOptions{}
	}
	return *options
}

// checkAndWaitOptions reports invalid request options or invalid wait options, before anything is sent.
func checkAndWaitOptions(op string, requestErr error, wait *WaitOptions) error {
	if requestErr != nil {
		return fmt.Errorf("%s: %w", op, requestErr)
	}
	_, err := wait.settings(op)
	return err
}
