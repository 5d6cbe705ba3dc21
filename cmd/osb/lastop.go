package main

import (
	"context"
	"io"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// lastOperationFlags are what last-operation polls with.
type lastOperationFlags struct {
	offer          offeringFlags
	bindingID      string
	operation      string
	wait, deletion bool
}

func (a *app) newLastOperationCommand() *cobra.Command {
	var flags lastOperationFlags
	cmd := &cobra.Command{
		Use:   "last-operation <instance-id> [--binding <binding-id>] [--operation <op>]",
		Short: "Read, or with --wait follow, the last operation of an instance or a binding (Polling Last Operation)",
		Args:  cobra.ExactArgs(1),
		Example: `  osb last-operation db-1                       # one poll; service and plan from the local record
  osb last-operation db-1 --wait --timeout 10m
  osb last-operation db-1 --binding app-1 --service brokertest-db --plan large -o json`,
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			return a.lastOperation(cmd, args[0], flags)
		}),
	}
	a.addOfferingFlags(cmd, &flags.offer, false)
	cmd.Flags().StringVar(&flags.bindingID, "binding", "", "the binding's last operation instead of the instance's")
	cmd.Flags().StringVar(&flags.operation, "operation", "", "the operation value the broker returned with 202 Accepted")
	cmd.Flags().BoolVar(&flags.wait, "wait", false, "poll until the operation ends (bounded by --timeout, else the plan's maximum_polling_duration, else 1h)")
	cmd.Flags().BoolVar(&flags.deletion, "deletion", false, "with --wait: the operation is a deprovision or unbind, so 410 Gone means it succeeded")
	return cmd
}

// lastOperation polls the last operation of an instance or binding once, or under --wait
// until it ends, and records what it saw in the local record when that holds the operation.
// The record also gives the service and plan, the operation value and whether it deletes,
// when the flags do not.
func (a *app) lastOperation(cmd *cobra.Command, instanceID string, flags lastOperationFlags) (*outcome, error) {
	client, o, err := a.connectFor(cmd, flags.offer, instanceID, flags.bindingID, false)
	if err != nil {
		return nil, err
	}
	target := resumeTarget{instanceID: instanceID, bindingID: flags.bindingID, offering: o, deletion: flags.deletion}
	tracked := a.follow(target)
	if tracked != nil && tracked.entry.inFlight() {
		target.deletion = target.deletion || tracked.deletion()
		if flags.operation == "" {
			flags.operation = tracked.entry.Operation
		}
	}
	if flags.operation != "" {
		target.operation = core.StringPtr(flags.operation)
	}
	var response *core.DetailedResponse
	var answer *outcome
	if flags.bindingID != "" {
		options := client.NewGetServiceBindingLastOperationOptions(flags.bindingID, instanceID)
		setPollQuery(options.SetServiceID, options.SetPlanID, options.SetOperation, o, flags.operation)
		answer, response, err = followLastOperation(a, cmd.Context(), flags.wait, target,
			func(ctx context.Context) (*openservicebrokerv1.BindingLastOperationResp, *core.DetailedResponse, error) {
				return client.GetServiceBindingLastOperationWithContext(ctx, options)
			},
			func(ctx context.Context, wait *openservicebrokerv1.WaitOptions) (*openservicebrokerv1.BindingLastOperationResp, *core.DetailedResponse, error) {
				return client.AwaitServiceBindingLastOperation(ctx, options, wait.SetDeletion(target.deletion))
			})
	} else {
		options := client.NewGetLastOperationOptions(instanceID)
		setPollQuery(options.SetServiceID, options.SetPlanID, options.SetOperation, o, flags.operation)
		answer, response, err = followLastOperation(a, cmd.Context(), flags.wait, target,
			func(ctx context.Context) (*openservicebrokerv1.InstanceLastOperationResp, *core.DetailedResponse, error) {
				return client.GetLastOperationWithContext(ctx, options)
			},
			func(ctx context.Context, wait *openservicebrokerv1.WaitOptions) (*openservicebrokerv1.InstanceLastOperationResp, *core.DetailedResponse, error) {
				return client.AwaitLastOperation(ctx, options, wait.SetDeletion(target.deletion))
			})
	}
	if tracked != nil && tracked.entry.inFlight() && (flags.wait || answer.ended()) {
		tracked.end(response, true, target.operation, err)
	}
	return answer, err
}

// followLastOperation polls once, or under --wait until the operation ends, and prints the
// last state the broker reported.
func followLastOperation[R any](a *app, ctx context.Context, wait bool, target resumeTarget,
	poll func(context.Context) (R, *core.DetailedResponse, error),
	waitFor func(context.Context, *openservicebrokerv1.WaitOptions) (R, *core.DetailedResponse, error),
) (*outcome, *core.DetailedResponse, error) {
	var result R
	var response *core.DetailedResponse
	var err error
	if a.waiting(wait) {
		waitOptions, display := a.startWait(strings.TrimSuffix(target.describe(), ":"))
		result, response, err = waitFor(ctx, waitOptions)
		err = a.endWait(display, target, err)
	} else {
		result, response, err = poll(ctx)
	}
	if response == nil {
		return nil, nil, err
	}
	answer, encodeErr := answerOf(result, a.flags.showSecrets)
	if encodeErr != nil {
		return nil, response, encodeErr
	}
	o := newOutcome(response, answer)
	o.table = func(w io.Writer) {
		fields, _ := answer.(map[string]any)
		if description, ok := fields["description"].(string); ok && description != "" {
			printf(w, "%s %s: %s\n", target.describe(), plainValue(fields["state"]), description)
			return
		}
		printf(w, "%s %s\n", target.describe(), plainValue(fields["state"]))
	}
	if err == nil && !wait {
		err = failedPoll(target, answer)
		o.tableOnFailure = err != nil
	}
	return o, response, err
}

// failedPoll is the error of a single poll that says the operation failed: osb exits 4 for it,
// as it does when a wait ends so. The broker's description is in the answer printed with it.
func failedPoll(target resumeTarget, answer any) error {
	fields, _ := answer.(map[string]any)
	if fields["state"] != openservicebrokerv1.InstanceLastOperationRespStateFailedConst {
		return nil
	}
	return &openservicebrokerv1.OperationFailedError{InstanceID: target.instanceID, BindingID: target.bindingID}
}

// ended says a poll's answer is the end of the operation: succeeded or failed.
func (o *outcome) ended() bool {
	if o == nil {
		return false
	}
	fields, _ := o.Answer.(map[string]any)
	return fields["state"] == openservicebrokerv1.InstanceLastOperationRespStateSucceededConst ||
		fields["state"] == openservicebrokerv1.InstanceLastOperationRespStateFailedConst
}

// setPollQuery sets the optional query parameters of a last_operation request.
func setPollQuery[T any](setService, setPlan, setOperation func(string) T, o *offering, operation string) {
	setOffering(setService, setPlan, o)
	if operation != "" {
		setOperation(operation)
	}
}
