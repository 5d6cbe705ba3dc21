package openservicebrokerv1

import (
	"errors"
)

// InstanceUsable says, from the error of a failed update or deprovision (UpdateServiceInstance,
// UpdateAndWait, UpgradeAndWait, DeleteServiceInstance, DeprovisionAndWait), whether the service
// instance may still be used, and so bound. It is the broker's instance_usable, from the error
// answer (*BrokerError) or the failed last operation (*OperationFailedError); when the broker
// says nothing, or err is not the broker's answer, it is true, as the specification asks
// platforms to assume (Updating a Service Instance, Response). A nil error is true too.
func InstanceUsable(err error) bool {
	instanceUsable, _ := reportedOutcome(err)
	return instanceUsable == nil || *instanceUsable
}

// UpdateRepeatable says, from the error of a failed update, whether sending the same update
// again makes sense. It is the broker's update_repeatable, from the error answer or the failed
// last operation; true when the broker says nothing (Updating a Service Instance, Response). A
// request the client refused before sending it (*ParameterError, *GuardError,
// *ParametersInvalidError) is not repeatable as it is: it would be refused again. A nil error is
// true.
func UpdateRepeatable(err error) bool {
	var parameterErr *ParameterError
	var guardErr *GuardError
	if errors.As(err, &parameterErr) || errors.As(err, &guardErr) || errors.Is(err, ErrParametersInvalid) {
		return false
	}
	_, updateRepeatable := reportedOutcome(err)
	return updateRepeatable == nil || *updateRepeatable
}

// reportedOutcome is what the broker said about a failed operation, if it said anything.
func reportedOutcome(err error) (instanceUsable, updateRepeatable *bool) {
	var failed *OperationFailedError
	if errors.As(err, &failed) {
		return failed.InstanceUsable, failed.UpdateRepeatable
	}
	var brokerErr *BrokerError
	if errors.As(err, &brokerErr) {
		return brokerErr.InstanceUsable, brokerErr.UpdateRepeatable
	}
	return nil, nil
}
