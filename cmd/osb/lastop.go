package main

import (
	"fmt"
	"io"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"
)

func (a *app) newLastOperationCommand() *cobra.Command {
	var offer offeringFlags
	var bindingID, operation string
	var wait, deletion bool
	cmd := &cobra.Command{
		Use:   "last-operation <instance-id> [--binding <binding-id>] [--operation <op>]",
		Short: "Read, or with --wait follow, the last operation of an instance or a binding (Polling Last Operation)",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			instanceID := args[0]
			client, err := a.newClient()
			if err != nil {
				return nil, err
			}
			o, err := a.resolve(cmd.Context(), client, offer)
			if err != nil {
				return nil, err
			}
			target := resumeTarget{instanceID: instanceID, bindingID: bindingID, offering: o}
			if operation != "" {
				target.operation = core.StringPtr(operation)
			}
			var state, description *string
			var result any
			var response *core.DetailedResponse
			if bindingID != "" {
				if a.waiting(wait) {
					options := client.NewWaitForBindingLastOperationOptions(bindingID, instanceID).SetDeletion(deletion)
					setWaitTarget(options.SetServiceID, options.SetPlanID, options.SetOperation, o, operation)
					waitOptions, display := a.startWait("binding "+bindingID, o)
					options.WaitOptions = *waitOptions
					answer, waitResponse, waitErr := client.WaitForBindingLastOperation(cmd.Context(), options)
					err = a.endWait(display, target, waitErr)
					result, response = answer, waitResponse
					if answer != nil {
						state, description = answer.State, answer.Description
					}
				} else {
					options := client.NewGetServiceBindingLastOperationOptions(bindingID, instanceID)
					setWaitTarget(options.SetServiceID, options.SetPlanID, options.SetOperation, o, operation)
					answer, getResponse, getErr := client.GetServiceBindingLastOperationWithContext(cmd.Context(), options)
					result, response, err = answer, getResponse, getErr
					if answer != nil {
						state, description = answer.State, answer.Description
					}
				}
			} else {
				if a.waiting(wait) {
					options := client.NewWaitForLastOperationOptions(instanceID).SetDeletion(deletion)
					setWaitTarget(options.SetServiceID, options.SetPlanID, options.SetOperation, o, operation)
					waitOptions, display := a.startWait("instance "+instanceID, o)
					options.WaitOptions = *waitOptions
					answer, waitResponse, waitErr := client.WaitForLastOperation(cmd.Context(), options)
					err = a.endWait(display, target, waitErr)
					result, response = answer, waitResponse
					if answer != nil {
						state, description = answer.State, answer.Description
					}
				} else {
					options := client.NewGetLastOperationOptions(instanceID)
					setWaitTarget(options.SetServiceID, options.SetPlanID, options.SetOperation, o, operation)
					answer, getResponse, getErr := client.GetLastOperationWithContext(cmd.Context(), options)
					result, response, err = answer, getResponse, getErr
					if answer != nil {
						state, description = answer.State, answer.Description
					}
				}
			}
			if response == nil {
				return nil, err
			}
			answer, encodeErr := answerOf(result, a.flags.showSecrets)
			if encodeErr != nil {
				return nil, encodeErr
			}
			out := newOutcome(response, answer)
			out.table = func(w io.Writer) {
				line := fmt.Sprintf("%s %s", target.describe(), core.StringNilMapper(state))
				if d := core.StringNilMapper(description); d != "" {
					line += ": " + d
				}
				fmt.Fprintln(w, line)
			}
			return out, err
		}),
	}
	a.addOfferingFlags(cmd, &offer, false)
	cmd.Flags().StringVar(&bindingID, "binding", "", "the binding's last operation instead of the instance's")
	cmd.Flags().StringVar(&operation, "operation", "", "the operation value the broker returned with 202 Accepted")
	cmd.Flags().BoolVar(&wait, "wait", false, "poll until the operation ends (bounded by --timeout, else the plan's maximum_polling_duration, else 1h)")
	cmd.Flags().BoolVar(&deletion, "deletion", false, "with --wait: the operation is a deprovision or unbind, so 410 Gone means it succeeded")
	return cmd
}

// setWaitTarget sets the optional query parameters of a last_operation request.
func setWaitTarget[T any](setService, setPlan, setOperation func(string) T, o *offering, operation string) {
	if o.serviceID != "" {
		setService(o.serviceID)
	}
	if o.planID != "" {
		setPlan(o.planID)
	}
	if operation != "" {
		setOperation(operation)
	}
}
