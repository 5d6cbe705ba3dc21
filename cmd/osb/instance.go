package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/cmd/osb/internal/demo"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

const waitHelp = "wait until the asynchronous operation ends (bounded by --timeout, else the plan's maximum_polling_duration, else 1h)"

// changeFlags are what provision, update and bind send besides the ids: the offering, the
// parameters and the context, and whether to wait for the operation.
type changeFlags struct {
	offer        offeringFlags
	params       parameterFlags
	contextFlags contextFlags
	wait         bool
}

func (a *app) addChangeFlags(cmd *cobra.Command, c *changeFlags, offeringRequired bool) {
	a.addOfferingFlags(cmd, &c.offer, offeringRequired)
	addParameterFlags(cmd, &c.params)
	addContextFlags(cmd, &c.contextFlags)
	cmd.Flags().BoolVar(&c.wait, "wait", false, waitHelp)
}

// changeRequest is what an update or a bind has read before building its request: the client,
// the offering, and the parameters and context of the body.
type changeRequest struct {
	client     *openservicebrokerv1.OpenServiceBrokerV1
	offering   *offering
	parameters map[string]any
	context    *openservicebrokerv1.Context
}

// prepareChange reads the parameters and the context of the --platform profile that the flags
// give, then connects: the caller's input is checked before the broker is asked anything. The
// offering of instanceID is filled in as connectFor does.
func (a *app) prepareChange(cmd *cobra.Command, flags changeFlags, instanceID string, need bool) (*changeRequest, error) {
	parameters, err := a.parameters(flags.params)
	if err != nil {
		return nil, err
	}
	requestContext, err := flags.contextFlags.build(a.flags.platform)
	if err != nil {
		return nil, err
	}
	client, o, err := a.connectFor(cmd, flags.offer, instanceID, "", need)
	if err != nil {
		return nil, err
	}
	return &changeRequest{client: client, offering: o, parameters: parameters, context: requestContext}, nil
}

// setBody sets the optional context and parameters of a request body.
func setBody[T any](setContext func(*openservicebrokerv1.Context) T, setParameters func(any) T, requestContext *openservicebrokerv1.Context, parameters map[string]any) {
	if requestContext != nil {
		setContext(requestContext)
	}
	if parameters != nil {
		setParameters(parameters)
	}
}

func (a *app) newProvisionCommand() *cobra.Command {
	var flags changeFlags
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
			parameters, err := a.parameters(flags.params)
			if err != nil {
				return nil, err
			}
			requestContext, organizationGUID, spaceGUID, err := a.provisionContext(instanceID, flags.contextFlags)
			if err != nil {
				return nil, err
			}
			client, o, err := a.connect(cmd, flags.offer)
			if err != nil {
				return nil, err
			}
			options := client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(o.serviceID).SetPlanID(o.planID).SetAcceptsIncomplete(true)
			if organizationGUID != "" {
				options.SetOrganizationGUID(organizationGUID)
			}
			if spaceGUID != "" {
				options.SetSpaceGUID(spaceGUID)
			}
			setBody(options.SetContext, options.SetParameters, requestContext, parameters)
			return perform(a, cmd.Context(), asyncRequest[*openservicebrokerv1.ReplaceServiceInstanceOptions, *openservicebrokerv1.InstancePutResp]{
				name: kindProvision, target: resumeTarget{instanceID: instanceID, offering: o}, kind: demo.Creation, wait: flags.wait,
				options: options, send: client.ReplaceServiceInstanceWithContext, andWait: client.ProvisionAndWait,
			})
		}),
	}
	a.addChangeFlags(cmd, &flags, true)
	return cmd
}

func (a *app) newUpdateCommand() *cobra.Command {
	var flags changeFlags
	var previousPlan string
	cmd := &cobra.Command{
		Use:   "update <instance-id> [--service <service>] [--plan <plan>]",
		Short: "Update a service instance: its plan, parameters or context",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			instanceID := args[0]
			change, err := a.prepareChange(cmd, flags, instanceID, false)
			if err != nil {
				return nil, err
			}
			client, o := change.client, change.offering
			if flags.offer.plan == "" {
				// The recorded plan is the current one: an update sends a plan only to change it.
				o.planID, o.plan = "", nil
			}
			options := client.NewUpdateServiceInstanceOptions(instanceID).SetServiceID(o.serviceID).SetAcceptsIncomplete(true)
			if o.planID != "" {
				options.SetPlanID(o.planID)
			}
			if previousPlan != "" {
				options.SetPreviousValues(&openservicebrokerv1.PreviousValues{PlanID: core.StringPtr(previousPlan)})
			}
			setBody(options.SetContext, options.SetParameters, change.context, change.parameters)
			return perform(a, cmd.Context(), asyncRequest[*openservicebrokerv1.UpdateServiceInstanceOptions, *openservicebrokerv1.InstancePatchResp]{
				name: kindUpdate, target: resumeTarget{instanceID: instanceID, offering: o}, kind: demo.Update, wait: flags.wait,
				options: options, send: client.UpdateServiceInstanceWithContext, andWait: client.UpdateAndWait,
			})
		}),
	}
	a.addChangeFlags(cmd, &flags, false)
	cmd.Flags().StringVar(&previousPlan, "previous-plan", "", "previous_values.plan_id: the plan id before the update")
	return cmd
}

func (a *app) newDeprovisionCommand() *cobra.Command {
	var offer offeringFlags
	var wait, yes bool
	cmd := &cobra.Command{
		Use:   "deprovision <instance-id> [--service <service> --plan <plan>]",
		Short: "Deprovision a service instance",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			instanceID := args[0]
			client, o, err := a.connectFor(cmd, offer, instanceID, "", true)
			if err != nil {
				return nil, err
			}
			if err := a.confirm(yes, fmt.Sprintf("Deprovision instance %s (%s) at %s?", instanceID, o.describe(), a.broker)); err != nil {
				return nil, err
			}
			options := client.NewDeleteServiceInstanceOptions(o.serviceID, o.planID, instanceID).SetAcceptsIncomplete(true)
			return perform(a, cmd.Context(), asyncRequest[*openservicebrokerv1.DeleteServiceInstanceOptions, *openservicebrokerv1.InstanceDeleteResp]{
				name: kindDeprovision, target: resumeTarget{instanceID: instanceID, offering: o, deletion: true}, kind: demo.Deletion, wait: wait,
				options: options, send: client.DeleteServiceInstanceWithContext, andWait: client.DeprovisionAndWait,
			})
		}),
	}
	a.addOfferingFlags(cmd, &offer, false)
	cmd.Flags().BoolVar(&wait, "wait", false, waitHelp)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation in a terminal")
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
		a.hint("the broker works on it asynchronously; follow it with: %s", target.lastOperationCommand())
	}
	o.table = func(w io.Writer) {
		status := demo.DescribeStatus(response.StatusCode, kind)
		if asynchronous && !waited {
			status = fmt.Sprintf("%d %s: in progress", response.StatusCode, http.StatusText(response.StatusCode))
		}
		printf(w, "%s %s\n", target.describe(), status)
		if m, ok := answer.(map[string]any); ok {
			for _, key := range []string{"dashboard_url", "operation", "description"} {
				if value, ok := m[key]; ok {
					printf(w, "%s: %s\n", key, plainValue(value))
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
