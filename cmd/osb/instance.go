package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/internal/demo"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

const waitHelp = "wait until the asynchronous operation ends (bounded by --timeout, else the plan's maximum_polling_duration, else 1h)"

func (a *app) newProvisionCommand() *cobra.Command {
	var offer offeringFlags
	var params parameterFlags
	var contextFlags contextFlags
	var wait bool
	cmd := &cobra.Command{
		Use:   "provision <instance-id> --service <service> --plan <plan>",
		Short: "Provision a service instance",
		Long: `Provision a service instance (Provisioning). The request carries organization_guid and
space_guid, which the specification requires: from the cloudfoundry context's --org-guid and
--space-guid (generated when not given), from the kubernetes context's --cluster-id and
--namespace, or for other platforms from --org-guid and --space-guid themselves.`,
		Args: cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			instanceID := args[0]
			parameters, err := a.parameters(params)
			if err != nil {
				return nil, err
			}
			requestContext, organizationGUID, spaceGUID, err := a.provisionContext(contextFlags)
			if err != nil {
				return nil, err
			}
			client, o, err := a.connect(cmd, offer)
			if err != nil {
				return nil, err
			}
			options := client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(o.serviceID).SetPlanID(o.planID).
				SetContext(requestContext).SetAcceptsIncomplete(true)
			if organizationGUID != "" {
				options.SetOrganizationGUID(organizationGUID)
			}
			if spaceGUID != "" {
				options.SetSpaceGUID(spaceGUID)
			}
			if parameters != nil {
				options.SetParameters(parameters)
			}
			return perform(a, cmd.Context(), asyncRequest[*openservicebrokerv1.InstancePutResp]{
				label: "provision " + instanceID, target: resumeTarget{instanceID: instanceID, offering: o}, kind: demo.Creation, wait: wait,
				send: func(ctx context.Context) (*openservicebrokerv1.InstancePutResp, *core.DetailedResponse, error) {
					return client.ReplaceServiceInstanceWithContext(ctx, options)
				},
				andWait: func(ctx context.Context, waitOptions *openservicebrokerv1.WaitOptions) (*openservicebrokerv1.InstancePutResp, *core.DetailedResponse, error) {
					return client.ProvisionAndWait(ctx, options, waitOptions)
				},
			})
		}),
	}
	a.addOfferingFlags(cmd, &offer, true)
	addParameterFlags(cmd, &params)
	addContextFlags(cmd, &contextFlags)
	cmd.Flags().BoolVar(&wait, "wait", false, waitHelp)
	return cmd
}

func (a *app) newUpdateCommand() *cobra.Command {
	var offer offeringFlags
	var params parameterFlags
	var contextFlags contextFlags
	var previousPlan string
	var wait bool
	cmd := &cobra.Command{
		Use:   "update <instance-id> --service <service> [--plan <plan>]",
		Short: "Update a service instance: its plan, parameters or context",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			instanceID := args[0]
			parameters, err := a.parameters(params)
			if err != nil {
				return nil, err
			}
			requestContext, err := contextFlags.build(a.flags.platform)
			if err != nil {
				return nil, err
			}
			client, o, err := a.connect(cmd, offer)
			if err != nil {
				return nil, err
			}
			options := client.NewUpdateServiceInstanceOptions(instanceID).SetServiceID(o.serviceID).SetAcceptsIncomplete(true)
			if o.planID != "" {
				options.SetPlanID(o.planID)
			}
			if previousPlan != "" {
				options.SetPreviousValues(&openservicebrokerv1.PreviousValues{PlanID: core.StringPtr(previousPlan)})
			}
			if requestContext != nil {
				options.SetContext(requestContext)
			}
			if parameters != nil {
				options.SetParameters(parameters)
			}
			return perform(a, cmd.Context(), asyncRequest[*openservicebrokerv1.InstancePatchResp]{
				label: "update " + instanceID, target: resumeTarget{instanceID: instanceID, offering: o}, kind: demo.Update, wait: wait,
				send: func(ctx context.Context) (*openservicebrokerv1.InstancePatchResp, *core.DetailedResponse, error) {
					return client.UpdateServiceInstanceWithContext(ctx, options)
				},
				andWait: func(ctx context.Context, waitOptions *openservicebrokerv1.WaitOptions) (*openservicebrokerv1.InstancePatchResp, *core.DetailedResponse, error) {
					return client.UpdateAndWait(ctx, options, waitOptions)
				},
			})
		}),
	}
	a.addOfferingFlags(cmd, &offer, false)
	_ = cmd.MarkFlagRequired("service")
	cmd.Flags().StringVar(&previousPlan, "previous-plan", "", "previous_values.plan_id: the plan id before the update")
	addParameterFlags(cmd, &params)
	addContextFlags(cmd, &contextFlags)
	cmd.Flags().BoolVar(&wait, "wait", false, waitHelp)
	return cmd
}

func (a *app) newDeprovisionCommand() *cobra.Command {
	var offer offeringFlags
	var wait bool
	cmd := &cobra.Command{
		Use:   "deprovision <instance-id> --service <service> --plan <plan>",
		Short: "Deprovision a service instance",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			instanceID := args[0]
			client, o, err := a.connect(cmd, offer)
			if err != nil {
				return nil, err
			}
			options := client.NewDeleteServiceInstanceOptions(o.serviceID, o.planID, instanceID).SetAcceptsIncomplete(true)
			return perform(a, cmd.Context(), asyncRequest[*openservicebrokerv1.InstanceDeleteResp]{
				label: "deprovision " + instanceID, target: resumeTarget{instanceID: instanceID, offering: o, deletion: true}, kind: demo.Deletion, wait: wait,
				send: func(ctx context.Context) (*openservicebrokerv1.InstanceDeleteResp, *core.DetailedResponse, error) {
					return client.DeleteServiceInstanceWithContext(ctx, options)
				},
				andWait: func(ctx context.Context, waitOptions *openservicebrokerv1.WaitOptions) (*openservicebrokerv1.InstanceDeleteResp, *core.DetailedResponse, error) {
					return client.DeprovisionAndWait(ctx, options, waitOptions)
				},
			})
		}),
	}
	a.addOfferingFlags(cmd, &offer, true)
	cmd.Flags().BoolVar(&wait, "wait", false, waitHelp)
	return cmd
}

// instanceOutcome is the outcome of a provision, update or deprovision: the status and what it
// means, the dashboard, and how to follow an operation the command did not wait for.
// failure is the error of the command (nil on success), returned with the outcome.
func (a *app) instanceOutcome(response *core.DetailedResponse, result any, target resumeTarget, kind demo.RequestKind, waited bool, failure error) (*outcome, error) {
	answer, err := answerOf(result, a.flags.showSecrets)
	if err != nil {
		return nil, err
	}
	o := newOutcome(response, answer)
	asynchronous := response.StatusCode == http.StatusAccepted
	if asynchronous && waited {
		o.LastOperation = finalState(failure)
	}
	if failure != nil {
		return o, failure
	}
	if asynchronous && !waited {
		a.hint("the broker works on it asynchronously; follow it with: %s", target.resumeCommand())
	}
	o.table = func(w io.Writer) {
		status := demo.DescribeStatus(response.StatusCode, kind)
		if asynchronous && !waited {
			status = fmt.Sprintf("%d %s: in progress", response.StatusCode, http.StatusText(response.StatusCode))
		}
		fmt.Fprintf(w, "%s %s\n", target.describe(), status)
		if m, ok := answer.(map[string]any); ok {
			for _, key := range []string{"dashboard_url", "operation", "description"} {
				if value, ok := m[key]; ok {
					fmt.Fprintf(w, "%s: %v\n", key, value)
				}
			}
		}
	}
	return o, nil
}

// describe names the instance or binding a command acted on.
func (t resumeTarget) describe() string {
	if t.bindingID != "" {
		return fmt.Sprintf("binding %s of instance %s:", t.bindingID, t.instanceID)
	}
	return fmt.Sprintf("instance %s:", t.instanceID)
}

// finalState is how a wait ended, nil when it did not see the end.
func finalState(err error) *lastOperation {
	var failed *openservicebrokerv1.OperationFailedError
	switch {
	case err == nil:
		return &lastOperation{State: openservicebrokerv1.InstanceLastOperationRespStateSucceededConst}
	case errors.As(err, &failed):
		return &lastOperation{State: openservicebrokerv1.InstanceLastOperationRespStateFailedConst, Description: failed.Description}
	}
	return nil
}
