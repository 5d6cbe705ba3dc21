package main

import (
	"context"
	"fmt"
	"io"

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
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			client, o, err := a.connect(cmd, flags.offer)
			if err != nil {
				return nil, err
			}
			target := resumeTarget{instanceID: args[0], bindingID: flags.bindingID, offering: o, deletion: flags.deletion}
			if flags.operation != "" {
				target.operation = core.StringPtr(flags.operation)
			}
			if flags.bindingID != "" {
				return followLastOperation(a, cmd.Context(), flags.wait, "binding "+flags.bindingID, target,
					func(ctx context.Context) (*openservicebrokerv1.BindingLastOperationResp, *core.DetailedResponse, error) {
						options := client.NewGetServiceBindingLastOperationOptions(flags.bindingID, args[0])
						setPollQuery(options.SetServiceID, options.SetPlanID, options.SetOperation, o, flags.operation)
						return client.GetServiceBindingLastOperationWithContext(ctx, options)
					},
					func(ctx context.Context, wait *openservicebrokerv1.WaitOptions) (*openservicebrokerv1.BindingLastOperationResp, *core.DetailedResponse, error) {
						options := client.NewGetServiceBindingLastOperationOptions(flags.bindingID, args[0])
						setPollQuery(options.SetServiceID, options.SetPlanID, options.SetOperation, o, flags.operation)
						return client.AwaitServiceBindingLastOperation(ctx, options, wait.SetDeletion(flags.deletion))
					})
			}
			return followLastOperation(a, cmd.Context(), flags.wait, "instance "+args[0], target,
				func(ctx context.Context) (*openservicebrokerv1.InstanceLastOperationResp, *core.DetailedResponse, error) {
					options := client.NewGetLastOperationOptions(args[0])
					setPollQuery(options.SetServiceID, options.SetPlanID, options.SetOperation, o, flags.operation)
					return client.GetLastOperationWithContext(ctx, options)
				},
				func(ctx context.Context, wait *openservicebrokerv1.WaitOptions) (*openservicebrokerv1.InstanceLastOperationResp, *core.DetailedResponse, error) {
					options := client.NewGetLastOperationOptions(args[0])
					setPollQuery(options.SetServiceID, options.SetPlanID, options.SetOperation, o, flags.operation)
					return client.AwaitLastOperation(ctx, options, wait.SetDeletion(flags.deletion))
				})
		}),
	}
	a.addOfferingFlags(cmd, &flags.offer, false)
	cmd.Flags().StringVar(&flags.bindingID, "binding", "", "the binding's last operation instead of the instance's")
	cmd.Flags().StringVar(&flags.operation, "operation", "", "the operation value the broker returned with 202 Accepted")
	cmd.Flags().BoolVar(&flags.wait, "wait", false, "poll until the operation ends (bounded by --timeout, else the plan's maximum_polling_duration, else 1h)")
	cmd.Flags().BoolVar(&flags.deletion, "deletion", false, "with --wait: the operation is a deprovision or unbind, so 410 Gone means it succeeded")
	return cmd
}

// followLastOperation polls once, or under --wait until the operation ends, and prints the
// last state the broker reported.
func followLastOperation[R any](a *app, ctx context.Context, wait bool, label string, target resumeTarget,
	poll func(context.Context) (R, *core.DetailedResponse, error),
	waitFor func(context.Context, *openservicebrokerv1.WaitOptions) (R, *core.DetailedResponse, error),
) (*outcome, error) {
	var result R
	var response *core.DetailedResponse
	var err error
	if a.waiting(wait) {
		waitOptions, display := a.startWait(label)
		result, response, err = waitFor(ctx, waitOptions)
		err = a.endWait(display, target, err)
	} else {
		result, response, err = poll(ctx)
	}
	if response == nil {
		return nil, err
	}
	answer, encodeErr := answerOf(result, a.flags.showSecrets)
	if encodeErr != nil {
		return nil, encodeErr
	}
	o := newOutcome(response, answer)
	o.table = func(w io.Writer) {
		fields, _ := answer.(map[string]any)
		line := fmt.Sprintf("%s %v", target.describe(), fields["state"])
		if description, ok := fields["description"].(string); ok && description != "" {
			line += ": " + description
		}
		fmt.Fprintln(w, line)
	}
	return o, err
}

// setPollQuery sets the optional query parameters of a last_operation request.
func setPollQuery[T any](setService, setPlan, setOperation func(string) T, o *offering, operation string) {
	setOffering(setService, setPlan, o)
	if operation != "" {
		setOperation(operation)
	}
}
