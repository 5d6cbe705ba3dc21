package soak

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// Names of the lifecycle steps, as they appear in Result.Failures.
const (
	stepProvision   = "provision"
	stepBind        = "bind"
	stepUnbind      = "unbind"
	stepDeprovision = "deprovision"
)

func instanceIDOf(n int) string { return fmt.Sprintf("soak-instance-%05d", n) }
func bindingIDOf(n int) string  { return fmt.Sprintf("soak-binding-%05d", n) }

// lifecycle is one instance and its binding, created and deleted through the client. It
// remembers what may exist on the broker, so that cleanup after a failure removes exactly that.
type lifecycle struct {
	instanceID, bindingID string
	cfg                   Config
	client                *osb.OpenServiceBrokerV1
	broker                *brokertest.Server

	instanceMayExist, bindingMayExist bool
}

func newLifecycle(n int, cfg Config, client *osb.OpenServiceBrokerV1, broker *brokertest.Server) *lifecycle {
	return &lifecycle{instanceID: instanceIDOf(n), bindingID: bindingIDOf(n), cfg: cfg, client: client, broker: broker}
}

// run performs the four steps and, when one fails, cleans up as a platform would.
func (lc *lifecycle) run(ctx context.Context) outcome {
	o := lc.steps(ctx)
	if o.failedStep != "" {
		o.cleaned = lc.cleanUp(ctx) == nil
	}
	return o
}

// steps returns the step that failed with its error, and whether the broker's view after the
// bind showed a duplicate.
func (lc *lifecycle) steps(ctx context.Context) outcome {
	lc.instanceMayExist = true
	if _, _, err := lc.client.ProvisionAndWait(ctx, lc.provisionOptions(), lc.cfg.Wait); err != nil {
		return outcome{failedStep: stepProvision, err: err}
	}
	lc.bindingMayExist = true
	binding, _, err := lc.client.BindAndWait(ctx, lc.bindOptions(), lc.cfg.Wait)
	if err != nil {
		return outcome{failedStep: stepBind, err: err}
	}
	duplicate := !lc.brokerHoldsExactly(binding)
	if err := lc.unbind(ctx); err != nil {
		return outcome{failedStep: stepUnbind, err: err, duplicate: duplicate}
	}
	if err := lc.deprovision(ctx); err != nil {
		return outcome{failedStep: stepDeprovision, err: err, duplicate: duplicate}
	}
	return outcome{duplicate: duplicate}
}

func (lc *lifecycle) provisionOptions() *osb.ReplaceServiceInstanceOptions {
	return lc.client.NewReplaceServiceInstanceOptions(lc.instanceID).
		SetServiceID(lc.cfg.ServiceID).SetPlanID(lc.cfg.PlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
}

func (lc *lifecycle) bindOptions() *osb.ReplaceServiceBindingOptions {
	return lc.client.NewReplaceServiceBindingOptions(lc.bindingID, lc.instanceID).
		SetServiceID(lc.cfg.ServiceID).SetPlanID(lc.cfg.PlanID)
}

func (lc *lifecycle) unbind(ctx context.Context) error {
	options := lc.client.NewDeleteServiceBindingOptions(lc.bindingID, lc.instanceID, lc.cfg.PlanID, lc.cfg.ServiceID)
	if _, err := lc.client.UnbindAndWait(ctx, options, lc.cfg.Wait); err != nil {
		return err
	}
	lc.bindingMayExist = false
	return nil
}

func (lc *lifecycle) deprovision(ctx context.Context) error {
	options := lc.client.NewDeleteServiceInstanceOptions(lc.cfg.ServiceID, lc.cfg.PlanID, lc.instanceID)
	if _, _, err := lc.client.DeprovisionAndWait(ctx, options, lc.cfg.Wait); err != nil {
		return err
	}
	lc.instanceMayExist = false
	return nil
}

// brokerHoldsExactly reports whether the broker holds this lifecycle's instance, ready, with
// exactly one binding: the one the platform was given, with the same credentials.
func (lc *lifecycle) brokerHoldsExactly(received *osb.BindingPutResp) bool {
	var instances, bindings int
	for _, instance := range lc.broker.Instances() {
		if instance.ID == lc.instanceID && instance.Ready {
			instances++
		}
	}
	for _, binding := range lc.broker.Bindings() {
		if binding.InstanceID != lc.instanceID {
			continue
		}
		bindings++
		if binding.ID != lc.bindingID || received == nil || received.Credentials["password"] != binding.Credentials.Password {
			return false
		}
	}
	return instances == 1 && bindings == 1
}

// cleanUp removes what the failed lifecycle may have left, trying up to CleanupAttempts times.
// When the broker is still busy with an operation on the resource (ConcurrencyError), it waits
// for that operation to end first, as the specification expects of a platform.
func (lc *lifecycle) cleanUp(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		err := lc.removeLeftovers(ctx)
		if err == nil || attempt >= lc.cfg.CleanupAttempts || ctx.Err() != nil {
			return err
		}
		if osb.IsRetryLater(err) {
			lc.awaitRunningOperations(ctx)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(lc.cfg.CleanupDelay):
		}
	}
}

func (lc *lifecycle) removeLeftovers(ctx context.Context) error {
	if lc.bindingMayExist {
		if err := lc.unbind(ctx); err != nil {
			return err
		}
	}
	if lc.instanceMayExist {
		return lc.deprovision(ctx)
	}
	return nil
}

// awaitRunningOperations waits for the latest operation on the binding and the instance to end.
// Its errors are left out on purpose: the next cleanup attempt finds out whether it helped.
func (lc *lifecycle) awaitRunningOperations(ctx context.Context) {
	wait := lc.cfg.Wait
	if wait == nil {
		wait = osb.NewWaitOptions()
	}
	if lc.bindingMayExist {
		options := lc.client.NewGetServiceBindingLastOperationOptions(lc.bindingID, lc.instanceID).
			SetServiceID(lc.cfg.ServiceID).SetPlanID(lc.cfg.PlanID)
		_, _, _ = lc.client.AwaitServiceBindingLastOperation(ctx, options, wait)
	}
	options := lc.client.NewGetLastOperationOptions(lc.instanceID).SetServiceID(lc.cfg.ServiceID).SetPlanID(lc.cfg.PlanID)
	_, _, _ = lc.client.AwaitLastOperation(ctx, options, wait)
}

// isNoAnswer reports whether err says the broker's answer never arrived (net/http reports
// every such failure as a *url.Error).
func isNoAnswer(err error) bool {
	var transportErr *url.Error
	return errors.As(err, &transportErr)
}
