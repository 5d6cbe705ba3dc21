package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// resumeRecord goes on with an operation from its stored OperationRecord: AwaitRecord steps it
// to its end, each next record stored before the next action, as the --wait that began it did.
func (a *app) resumeRecord(cmd *cobra.Command, e entry, credentialsFile string) (*outcome, error) {
	var stored openservicebrokerv1.OperationRecord
	if err := json.Unmarshal([]byte(e.Record), &stored); err != nil {
		return nil, fmt.Errorf("reading the local record of %s: %w", strings.TrimSuffix(resumeTarget{instanceID: e.InstanceID, bindingID: e.BindingID}.describe(), ":"), err)
	}
	client, o, err := a.connectFor(cmd, offeringFlags{service: e.ServiceID, plan: e.PlanID}, e.InstanceID, e.BindingID, false)
	if err != nil {
		return nil, err
	}
	target := resumeTarget{instanceID: e.InstanceID, bindingID: e.BindingID, offering: o, operation: nonEmptyString(stored.Operation), deletion: e.Kind == kindDeprovision || e.Kind == kindUnbind}
	tracked := a.follow(target)
	waitOptions, display := a.startWait(strings.TrimSuffix(target.describe(), ":"))
	tracked.keep(waitOptions)
	var binding *openservicebrokerv1.BindingPutResp
	waitOptions.OnCredentials = func(_ context.Context, _ openservicebrokerv1.OperationRecord, handed *openservicebrokerv1.BindingPutResp) error {
		binding = handed
		return handOver(handed, credentialsFile)
	}
	final, err := client.AwaitRecord(cmd.Context(), stored, waitOptions)
	err = a.endWait(display, target, err)
	tracked.end(nil, true, nonEmptyString(final.Operation), err)
	shown, outcomeErr := a.recordOutcome(target, final, binding, credentialsFile)
	if err == nil {
		err = outcomeErr
	}
	return shown, err
}

// recordOutcome shows where a resumed record ended and, for a bind, the credentials it got.
func (a *app) recordOutcome(target resumeTarget, final openservicebrokerv1.OperationRecord, binding *openservicebrokerv1.BindingPutResp, credentialsFile string) (*outcome, error) {
	final.Sealed = nil
	answer := map[string]any{"record": final}
	if binding != nil {
		plain, _ := answerOf(binding, a.flags.showSecrets)
		answer["binding"] = plain
		if credentialsFile == "" {
			if err := a.keepCredentials(binding, target.offering, ""); err != nil {
				return nil, err
			}
		}
	}
	return &outcome{Answer: answer, table: func(w io.Writer) {
		printf(w, "%s %s\n", target.describe(), strings.ReplaceAll(string(final.Phase), "_", " "))
		if fields, ok := answer["binding"].(map[string]any); ok {
			printCredentials(w, fields["credentials"], a.flags.showSecrets)
		}
	}}, nil
}

// nonEmptyString is s, nil when it is empty.
func nonEmptyString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
