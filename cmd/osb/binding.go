package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/internal/demo"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// bindFlags are what bind and rotate send besides the ids.
type bindFlags struct {
	changeFlags
	appGUID string
}

func (a *app) addBindFlags(cmd *cobra.Command, b *bindFlags) {
	a.addChangeFlags(cmd, &b.changeFlags, true)
	cmd.Flags().StringVar(&b.appGUID, "app-guid", "", "bind_resource.app_guid: the application to bind")
}

func (a *app) newBindCommand() *cobra.Command {
	var flags bindFlags
	cmd := &cobra.Command{
		Use:   "bind <instance-id> <binding-id> --service <service> --plan <plan>",
		Short: "Create a service binding; its credentials are printed masked unless --show-secrets",
		Args:  cobra.ExactArgs(2),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			return a.bind(cmd, args[0], args[1], "", flags)
		}),
	}
	a.addBindFlags(cmd, &flags)
	return cmd
}

func (a *app) newRotateCommand() *cobra.Command {
	var flags bindFlags
	cmd := &cobra.Command{
		Use:   "rotate <instance-id> <binding-id> <new-binding-id> --service <service> --plan <plan>",
		Short: "Rotate a binding: create a new binding whose predecessor is the old one",
		Long: `Rotate a binding (Binding Rotation): create <new-binding-id> with predecessor_binding_id
<binding-id>, on a plan whose catalog entry says binding_rotatable. The old binding stays until
it is unbound.`,
		Args: cobra.ExactArgs(3),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			return a.bind(cmd, args[0], args[2], args[1], flags)
		}),
	}
	a.addBindFlags(cmd, &flags)
	return cmd
}

// bind creates a binding, the successor of predecessorID when that is set (rotation).
func (a *app) bind(cmd *cobra.Command, instanceID, bindingID, predecessorID string, flags bindFlags) (*outcome, error) {
	change, err := a.prepareChange(cmd, flags.changeFlags)
	if err != nil {
		return nil, err
	}
	client, o := change.client, change.offering
	options := client.NewReplaceServiceBindingOptions(bindingID, instanceID).SetServiceID(o.serviceID).SetPlanID(o.planID).SetAcceptsIncomplete(true)
	if predecessorID != "" {
		options.SetPredecessorBindingID(predecessorID)
	}
	if flags.appGUID != "" {
		options.SetBindResource(&openservicebrokerv1.BindResource{AppGuid: core.StringPtr(flags.appGUID)})
	}
	setBody(options.SetContext, options.SetParameters, change.context, change.parameters)
	request := asyncRequest[*openservicebrokerv1.ReplaceServiceBindingOptions, *openservicebrokerv1.BindingPutResp]{
		label: "bind " + bindingID, target: resumeTarget{instanceID: instanceID, bindingID: bindingID, offering: o}, kind: demo.Creation, wait: flags.wait,
		options: options, send: client.ReplaceServiceBindingWithContext, andWait: client.BindAndWait,
	}
	if predecessorID != "" {
		request.andWait = client.RotateBindingAndWait
	}
	return perform(a, cmd.Context(), request)
}

func (a *app) newUnbindCommand() *cobra.Command {
	var offer offeringFlags
	var wait bool
	cmd := &cobra.Command{
		Use:   "unbind <instance-id> <binding-id> --service <service> --plan <plan>",
		Short: "Delete a service binding",
		Args:  cobra.ExactArgs(2),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			instanceID, bindingID := args[0], args[1]
			client, o, err := a.connect(cmd, offer)
			if err != nil {
				return nil, err
			}
			options := client.NewDeleteServiceBindingOptions(bindingID, instanceID, o.planID, o.serviceID).SetAcceptsIncomplete(true)
			return perform(a, cmd.Context(), asyncRequest[*openservicebrokerv1.DeleteServiceBindingOptions, *openservicebrokerv1.BindingDeleteResp]{
				label: "unbind " + bindingID, target: resumeTarget{instanceID: instanceID, bindingID: bindingID, offering: o, deletion: true}, kind: demo.Deletion, wait: wait,
				options: options,
				send: func(ctx context.Context, options *openservicebrokerv1.DeleteServiceBindingOptions) (*openservicebrokerv1.BindingDeleteResp, *core.DetailedResponse, error) {
					return unbindAnswer(client.DeleteServiceBindingWithContext(ctx, options))
				},
				andWait: func(ctx context.Context, options *openservicebrokerv1.DeleteServiceBindingOptions, waitOptions *openservicebrokerv1.WaitOptions) (*openservicebrokerv1.BindingDeleteResp, *core.DetailedResponse, error) {
					return unbindAnswer(client.UnbindAndWait(ctx, options, waitOptions))
				},
			})
		}),
	}
	a.addOfferingFlags(cmd, &offer, true)
	cmd.Flags().BoolVar(&wait, "wait", false, waitHelp)
	return cmd
}

// unbindAnswer takes the answer of an unbind out of the response, where the SDK keeps it.
func unbindAnswer(response *core.DetailedResponse, err error) (*openservicebrokerv1.BindingDeleteResp, *core.DetailedResponse, error) {
	var answer *openservicebrokerv1.BindingDeleteResp
	if response != nil {
		answer, _ = response.Result.(*openservicebrokerv1.BindingDeleteResp)
	}
	return answer, response, err
}

// printCredentials lists binding credentials one key a line, or says there are none.
func printCredentials(w io.Writer, credentials any, shown bool) {
	fields, _ := credentials.(map[string]any)
	switch {
	case len(fields) == 0:
		fmt.Fprintln(w, "credentials: none")
		return
	case shown:
		fmt.Fprintln(w, "credentials:")
	default:
		fmt.Fprintln(w, "credentials (masked; --show-secrets shows them):")
	}
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		printf(w, "  %s: %s\n", key, plainValue(fields[key]))
	}
}
