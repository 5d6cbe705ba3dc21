package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// reasonCodes are the reason_code values of IBM Cloud's state endpoint, completed in the shell.
var reasonCodes = []string{
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctActivateConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudReclamationRestoreConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudServiceInstanceBelowCapConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctSuspendConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudReclamationScheduleConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudServiceInstanceAboveCapConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAdminRequestConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudServiceAdminConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAdminAupRequestConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudServiceSuspendConst,
	openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudServiceActivateConst,
}

const stateMissingHint = "the broker does not serve IBM Cloud's state endpoints (/bluemix_v1/service_instances), an extension of IBM Cloud brokers"

func (a *app) newStateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state get|set",
		Short: "Read or change an instance's state through IBM Cloud's bluemix_v1 extension",
	}
	cmd.AddCommand(a.newStateGetCommand(), a.newStateSetCommand())
	return cmd
}

func (a *app) newStateGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get <instance-id>",
		Short: "Read whether an instance is enabled and active",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			client, err := a.newClient()
			if err != nil {
				return nil, err
			}
			result, response, err := client.GetServiceInstanceStateWithContext(cmd.Context(), client.NewGetServiceInstanceStateOptions(args[0]))
			return a.stateOutcome(args[0], response, result, err)
		}),
	}
}

func (a *app) newStateSetCommand() *cobra.Command {
	var enabled bool
	var reasonCode, initiatorID string
	cmd := &cobra.Command{
		Use:   "set <instance-id> --enabled=<bool> --reason-code <code>",
		Short: "Enable or disable an instance",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			if !slices.Contains(reasonCodes, reasonCode) {
				return nil, usageError{fmt.Errorf("--reason-code %q is none of IBM Cloud's reason codes: %s", reasonCode, strings.Join(reasonCodes, ", "))}
			}
			client, err := a.newClient()
			if err != nil {
				return nil, err
			}
			options := client.NewReplaceServiceInstanceStateOptions(args[0]).SetEnabled(enabled).SetReasonCode(reasonCode)
			if initiatorID != "" {
				options.SetInitiatorID(initiatorID)
			}
			result, response, err := client.ReplaceServiceInstanceStateWithContext(cmd.Context(), options)
			return a.stateOutcome(args[0], response, result, err)
		}),
	}
	cmd.Flags().BoolVar(&enabled, "enabled", false, "the state to set")
	cmd.Flags().StringVar(&reasonCode, "reason-code", "", "why, as IBM Cloud's reason codes say (completed in the shell)")
	cmd.Flags().StringVar(&initiatorID, "initiator-id", "", "who asks for the change")
	_ = cmd.MarkFlagRequired("enabled")
	_ = cmd.MarkFlagRequired("reason-code")
	_ = cmd.RegisterFlagCompletionFunc("reason-code", fixedCompletion(reasonCodes...))
	return cmd
}

func (a *app) stateOutcome(instanceID string, response *core.DetailedResponse, result *openservicebrokerv1.InstanceStateResp, err error) (*outcome, error) {
	if endpointMissing(err) {
		return nil, withHint(err, stateMissingHint)
	}
	if err != nil {
		return nil, err
	}
	answer, err := answerOf(result, a.flags.showSecrets)
	if err != nil {
		return nil, err
	}
	o := newOutcome(response, answer)
	o.table = func(w io.Writer) {
		fmt.Fprintf(w, "instance %s: enabled=%t active=%t", instanceID, isTrue(result.Enabled), isTrue(result.Active))
		if result.LastActive != nil {
			// IBM Cloud's last_active is milliseconds since the epoch.
			fmt.Fprintf(w, " last_active=%s", time.UnixMilli(*result.LastActive).UTC().Format(time.RFC3339))
		}
		fmt.Fprintln(w)
	}
	return o, nil
}
