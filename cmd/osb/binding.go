package main

import (
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
	offer        offeringFlags
	params       parameterFlags
	contextFlags contextFlags
	appGUID      string
	wait         bool
}

func (a *app) addBindFlags(cmd *cobra.Command, b *bindFlags) {
	a.addOfferingFlags(cmd, &b.offer, true)
	addParameterFlags(cmd, &b.params)
	addContextFlags(cmd, &b.contextFlags)
	cmd.Flags().StringVar(&b.appGUID, "app-guid", "", "bind_resource.app_guid: the application to bind")
	cmd.Flags().BoolVar(&b.wait, "wait", false, waitHelp)
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
	parameters, err := a.parameters(flags.params)
	if err != nil {
		return nil, err
	}
	context, err := flags.contextFlags.build(a.flags.platform)
	if err != nil {
		return nil, err
	}
	client, err := a.newClient()
	if err != nil {
		return nil, err
	}
	o, err := a.resolve(cmd.Context(), client, flags.offer)
	if err != nil {
		return nil, err
	}
	if predecessorID != "" && o.plan != nil && !bindingRotatable(o) {
		return nil, usageError{fmt.Errorf("the catalog does not mark plan %s of service %s binding_rotatable (Binding Rotation)", o.planID, o.serviceID)}
	}
	options := client.NewReplaceServiceBindingOptions(bindingID, instanceID).SetServiceID(o.serviceID).SetPlanID(o.planID).SetAcceptsIncomplete(true)
	if predecessorID != "" {
		options.SetPredecessorBindingID(predecessorID)
	}
	if flags.appGUID != "" {
		options.SetBindResource(&openservicebrokerv1.BindResource{AppGuid: core.StringPtr(flags.appGUID)})
	}
	if context != nil {
		options.SetContext(context)
	}
	if parameters != nil {
		options.SetParameters(parameters)
	}
	target := resumeTarget{instanceID: instanceID, bindingID: bindingID, offering: o}
	var result *openservicebrokerv1.BindingPutResp
	var response *core.DetailedResponse
	if a.waiting(flags.wait) {
		waitOptions, display := a.startWait("bind "+bindingID, o)
		result, response, err = client.BindAndWait(cmd.Context(), options, waitOptions)
		if result != nil {
			target.operation = result.Operation
		}
		err = a.endWait(display, target, err)
	} else {
		result, response, err = client.ReplaceServiceBindingWithContext(cmd.Context(), options)
		if openservicebrokerv1.NeedsOrphanMitigation(response, err) {
			err = leftBehind(target, err)
		}
	}
	if response == nil {
		return nil, err
	}
	if result != nil {
		target.operation = result.Operation
	}
	return a.bindingOutcome(response, result, target, demo.Creation, flags.wait, err)
}

// bindingRotatable is the plan's binding_rotatable, else its service's.
func bindingRotatable(o *offering) bool {
	if o.plan.BindingRotatable != nil {
		return *o.plan.BindingRotatable
	}
	return o.service.BindingRotatable != nil && *o.service.BindingRotatable
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
			client, err := a.newClient()
			if err != nil {
				return nil, err
			}
			o, err := a.resolve(cmd.Context(), client, offer)
			if err != nil {
				return nil, err
			}
			options := client.NewDeleteServiceBindingOptions(bindingID, instanceID, o.planID, o.serviceID).SetAcceptsIncomplete(true)
			target := resumeTarget{instanceID: instanceID, bindingID: bindingID, offering: o}
			var response *core.DetailedResponse
			if a.waiting(wait) {
				waitOptions, display := a.startWait("unbind "+bindingID, o)
				response, err = client.UnbindAndWait(cmd.Context(), options, waitOptions)
				err = a.endWait(display, target, err)
			} else {
				response, err = client.DeleteServiceBindingWithContext(cmd.Context(), options)
			}
			if response == nil {
				return nil, err
			}
			result, _ := response.Result.(*openservicebrokerv1.BindingDeleteResp)
			if result != nil {
				target.operation = result.Operation
			}
			return a.bindingOutcome(response, result, target, demo.Deletion, wait, err)
		}),
	}
	a.addOfferingFlags(cmd, &offer, true)
	cmd.Flags().BoolVar(&wait, "wait", false, waitHelp)
	return cmd
}

// bindingOutcome is the outcome of a bind, rotate or unbind: as instanceOutcome, plus the
// binding's credentials (masked unless --show-secrets).
func (a *app) bindingOutcome(response *core.DetailedResponse, result any, target resumeTarget, kind demo.RequestKind, waited bool, failure error) (*outcome, error) {
	o, err := a.instanceOutcome(response, result, target, kind, waited, failure)
	if o == nil || err != nil {
		return o, err
	}
	instanceTable := o.table
	o.table = func(w io.Writer) {
		instanceTable(w)
		if answer, ok := o.Answer.(map[string]any); ok {
			printCredentials(w, answer["credentials"], a.flags.showSecrets)
		}
	}
	return o, nil
}

// printCredentials lists binding credentials one key a line.
func printCredentials(w io.Writer, credentials any, shown bool) {
	fields, ok := credentials.(map[string]any)
	if !ok {
		return
	}
	if shown {
		fmt.Fprintln(w, "credentials:")
	} else {
		fmt.Fprintln(w, "credentials (masked; --show-secrets shows them):")
	}
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		fmt.Fprintf(w, "  %s: %s\n", key, plainValue(fields[key]))
	}
}
