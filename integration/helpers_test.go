//go:build integration

package integration

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// Polling delays: short, so that the embedded broker's operations end within milliseconds;
// a broker's Retry-After still spaces the polls of a real one.
const (
	pollMinDelay = 10 * time.Millisecond
	pollMaxDelay = 2 * time.Second
)

// waitOptions are the polling settings of every wait in the suite.
func waitOptions() *openservicebrokerv1.WaitOptions {
	return openservicebrokerv1.NewWaitOptions().SetMinDelay(pollMinDelay).SetMaxDelay(pollMaxDelay).SetMaxWait(maxWait)
}

// newID returns an id no other run uses, so that runs against a shared broker never collide.
func newID(kind string) string {
	return "osb-go-sdk-it-" + kind + "-" + uuid.NewString()
}

// testContext ends with the test, so that a stuck scenario cannot outlive it.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), maxWait)
	t.Cleanup(cancel)
	return ctx
}

// instanceRef names an instance and the service and plan it was provisioned from.
type instanceRef struct {
	id, serviceID, planID string
}

func (ref instanceRef) provisionOptions() *openservicebrokerv1.ReplaceServiceInstanceOptions {
	return target.client.NewReplaceServiceInstanceOptions(ref.id).SetServiceID(ref.serviceID).SetPlanID(ref.planID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
}

func (ref instanceRef) deprovisionOptions() *openservicebrokerv1.DeleteServiceInstanceOptions {
	return target.client.NewDeleteServiceInstanceOptions(ref.serviceID, ref.planID, ref.id)
}

// provisioned provisions an instance of the plan with parameters, waits until it is ready, and
// deprovisions it when the test ends.
func provisioned(t *testing.T, planID string, parameters map[string]any) instanceRef {
	t.Helper()
	ref := instanceRef{id: newID("instance"), serviceID: target.serviceID, planID: planID}
	deprovisionAtCleanup(t, ref)
	_, response, err := target.client.ProvisionAndWait(testContext(t), ref.provisionOptions().SetParameters(parameters), waitOptions())
	require.NoError(t, err, "provisioning %s", ref.id)
	require.Contains(t, []int{http.StatusCreated, http.StatusAccepted}, response.StatusCode, "a new instance is created (201) or accepted (202)")
	return ref
}

// deprovisionAtCleanup removes the instance when the test ends, whatever the test left running:
// an operation in progress is waited for first. An instance that is already gone is fine.
func deprovisionAtCleanup(t *testing.T, ref instanceRef) {
	t.Cleanup(func() { deprovisionNow(t, ref) })
}

// deprovisionNow removes the instance as deprovisionAtCleanup does, at once.
func deprovisionNow(t *testing.T, ref instanceRef) {
	ctx, cancel := context.WithTimeout(context.Background(), maxWait)
	defer cancel()
	if err := deprovisionWhenIdle(ctx, ref); err != nil {
		t.Errorf("cleanup: deprovisioning %s: %v", ref.id, err)
	}
}

// deprovisionWhenIdle deprovisions the instance; when the broker refuses, whatever its error
// code (a broker may answer 422 without ConcurrencyError, or 409, while it is busy), it waits out
// the operation in flight, however that ends, and tries once more.
func deprovisionWhenIdle(ctx context.Context, ref instanceRef) error {
	_, _, err := target.client.DeprovisionAndWait(ctx, ref.deprovisionOptions(), waitOptions())
	if err == nil || ctx.Err() != nil {
		return err
	}
	_ = waitForOperation(ctx, ref, "") // the second attempt decides
	_, _, err = target.client.DeprovisionAndWait(ctx, ref.deprovisionOptions(), waitOptions())
	return err
}

// waitForOperation waits until the instance's operation ends; an empty operation means the
// latest one.
func waitForOperation(ctx context.Context, ref instanceRef, operation string) error {
	options := target.client.NewGetLastOperationOptions(ref.id).SetServiceID(ref.serviceID).SetPlanID(ref.planID)
	if operation != "" {
		options.SetOperation(operation)
	}
	_, _, err := target.client.AwaitLastOperation(ctx, options, waitOptions())
	return err
}

// newCRN returns a CRN of the form IBM Cloud gives instances: crn:v1:...:a/<account>:<guid>::
func newCRN() string {
	return "crn:v1:bluemix:public:osb-go-sdk-it:us-south:a/0123456789abcdef0123456789abcdef:" + uuid.NewString() + "::"
}
