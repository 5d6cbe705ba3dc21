package conformance

import (
	"context"
	"sync"
)

// tracker remembers every instance and binding the run created until it is removed.
type tracker struct {
	mu        sync.Mutex
	resources []Resource
}

func (t *tracker) add(resource Resource) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, known := range t.resources {
		if known.InstanceID == resource.InstanceID && known.BindingID == resource.BindingID {
			return
		}
	}
	t.resources = append(t.resources, resource)
}

func (t *tracker) remove(resource Resource) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, known := range t.resources {
		if known.InstanceID == resource.InstanceID && known.BindingID == resource.BindingID {
			t.resources = append(t.resources[:i], t.resources[i+1:]...)
			return
		}
	}
}

// setPlan records a plan change, so that the deprovision names the instance's current plan.
func (t *tracker) setPlan(instanceID, planID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range t.resources {
		if t.resources[i].InstanceID == instanceID {
			t.resources[i].PlanID = planID
		}
	}
}

// pending returns the bindings first, newest first, then the instances, newest first.
func (t *tracker) pending() []Resource {
	t.mu.Lock()
	defer t.mu.Unlock()
	var bindings, instances []Resource
	for i := len(t.resources) - 1; i >= 0; i-- {
		if t.resources[i].BindingID != "" {
			bindings = append(bindings, t.resources[i])
		} else {
			instances = append(instances, t.resources[i])
		}
	}
	return append(bindings, instances...)
}

// sweep removes everything the run created and still holds, on a context of its own: it runs
// after a failure or a cancelled run too. What it cannot remove becomes a leftover.
func (r *run) sweep() {
	ctx, cancel := context.WithTimeout(context.Background(), sweepTimeout)
	defer cancel()
	for _, resource := range r.created.pending() {
		if err := r.remove(ctx, resource); err != nil {
			resource.Problem = err.Error()
			r.report.Leftovers = append(r.report.Leftovers, resource)
		}
	}
}

// remove deletes a resource, waiting out any operation in flight on it whatever the error
// code of the refusal, and forgets it once it is gone.
func (r *run) remove(ctx context.Context, resource Resource) error {
	const attempts = 3
	var err error
	for range attempts {
		if err = r.deleteOnce(ctx, resource); err == nil {
			r.created.remove(resource)
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		r.waitOutOperation(ctx, resource)
	}
	return err
}

func (r *run) deleteOnce(ctx context.Context, resource Resource) error {
	wait := r.waitOptions(nil, nil)
	if resource.BindingID != "" {
		options := r.client.NewDeleteServiceBindingOptions(resource.BindingID, resource.InstanceID, resource.PlanID, resource.ServiceID)
		_, err := r.client.UnbindAndWait(ctx, options, &wait)
		return err
	}
	options := r.client.NewDeleteServiceInstanceOptions(resource.ServiceID, resource.PlanID, resource.InstanceID)
	_, _, err := r.client.DeprovisionAndWait(ctx, options, &wait)
	return err
}

// waitOutOperation waits until the resource's latest operation ends, however it ends.
func (r *run) waitOutOperation(ctx context.Context, resource Resource) {
	wait := r.waitOptions(nil, nil)
	if resource.BindingID != "" {
		options := r.client.NewWaitForBindingLastOperationOptions(resource.BindingID, resource.InstanceID).
			SetServiceID(resource.ServiceID).SetPlanID(resource.PlanID)
		options.WaitOptions = wait
		_, _, _ = r.client.WaitForBindingLastOperation(ctx, options)
		return
	}
	options := r.client.NewWaitForLastOperationOptions(resource.InstanceID).SetServiceID(resource.ServiceID).SetPlanID(resource.PlanID)
	options.WaitOptions = wait
	// However the wait ends (succeeded, failed, timed out), the next delete decides.
	_, _, _ = r.client.WaitForLastOperation(ctx, options)
}
