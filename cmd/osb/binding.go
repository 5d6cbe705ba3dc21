package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/cmd/osb/internal/demo"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// bindFlags are what bind and rotate send besides the ids, and where the credentials go.
type bindFlags struct {
	changeFlags
	appGUID         string
	credentialsFile string
}

func (a *app) addBindFlags(cmd *cobra.Command, b *bindFlags) {
	a.addChangeFlags(cmd, &b.changeFlags, false)
	cmd.Flags().StringVar(&b.appGUID, "app-guid", "", "bind_resource.app_guid: the application to bind")
	cmd.Flags().StringVar(&b.credentialsFile, "credentials-file", "", "write the binding's credentials, unmasked, as JSON to this file (mode 0600): a broker may hand them out only once")
}

func (a *app) newBindCommand() *cobra.Command {
	var flags bindFlags
	cmd := &cobra.Command{
		Use:   "bind <instance-id> <binding-id> [--service <service> --plan <plan>]",
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
		Use:   "rotate <instance-id> <binding-id> <new-binding-id> [--service <service> --plan <plan>]",
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
	if err := checkCredentialsFile(flags.credentialsFile); err != nil {
		return nil, err
	}
	change, err := a.prepareChange(cmd, flags.changeFlags, instanceID, true)
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
		name: kindBind, target: resumeTarget{instanceID: instanceID, bindingID: bindingID, offering: o}, kind: demo.Creation, wait: flags.wait,
		options: options, send: client.ReplaceServiceBindingWithContext, andWait: client.BindAndWait,
		credentialsFile: flags.credentialsFile,
	}
	if predecessorID != "" {
		request.andWait = client.RotateBindingAndWait
	}
	return perform(a, cmd.Context(), request)
}

func (a *app) newUnbindCommand() *cobra.Command {
	var offer offeringFlags
	var wait, yes bool
	cmd := &cobra.Command{
		Use:   "unbind <instance-id> <binding-id> [--service <service> --plan <plan>]",
		Short: "Delete a service binding",
		Args:  cobra.ExactArgs(2),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			instanceID, bindingID := args[0], args[1]
			client, o, err := a.connectFor(cmd, offer, instanceID, bindingID, true)
			if err != nil {
				return nil, err
			}
			if err := a.confirm(yes, fmt.Sprintf("Unbind %s from instance %s at %s?", bindingID, instanceID, a.broker)); err != nil {
				return nil, err
			}
			options := client.NewDeleteServiceBindingOptions(bindingID, instanceID, o.planID, o.serviceID).SetAcceptsIncomplete(true)
			return perform(a, cmd.Context(), asyncRequest[*openservicebrokerv1.DeleteServiceBindingOptions, *openservicebrokerv1.BindingDeleteResp]{
				name: kindUnbind, target: resumeTarget{instanceID: instanceID, bindingID: bindingID, offering: o, deletion: true}, kind: demo.Deletion, wait: wait,
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
	a.addOfferingFlags(cmd, &offer, false)
	cmd.Flags().BoolVar(&wait, "wait", false, waitHelp)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation in a terminal")
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

// checkCredentialsFile refuses, before anything is sent, a --credentials-file that cannot be
// written: a directory, or a file in a directory that does not exist.
func checkCredentialsFile(path string) error {
	if path == "" {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return usageError{fmt.Errorf("--credentials-file %s is a directory; name a file", path)}
	}
	if info, err := os.Stat(filepath.Dir(path)); err != nil || !info.IsDir() {
		return usageError{fmt.Errorf("--credentials-file %s: its directory does not exist", path)}
	}
	return nil
}

// keepCredentials writes the credentials of a bind's answer to file (mode 0600) when one is
// given. Otherwise, when they are printed masked and the plan's bindings cannot be fetched
// (bindings_retrievable false), it says that the broker may not hand them out again.
func (a *app) keepCredentials(answer any, o *offering, file string) error {
	plain, err := answerOf(answer, true)
	if err != nil {
		return err
	}
	fields, _ := plain.(map[string]any)
	credentials, _ := fields["credentials"].(map[string]any)
	switch {
	case len(credentials) == 0:
		return nil
	case file != "":
		return writeCredentialsFile(file, credentials)
	case !a.flags.showSecrets && o != nil && o.plan != nil && !o.plan.BindingsRetrievable():
		a.hint("the plan's bindings are not retrievable (bindings_retrievable is false): the broker may not hand these credentials out again; keep them with --credentials-file FILE (written with mode 0600) or print them with --show-secrets")
	}
	return nil
}

// handOver writes a bind's credentials to --credentials-file, when given, before the record
// of the bind advances past it: a crash after that cannot lose them.
func handOver(binding *openservicebrokerv1.BindingPutResp, file string) error {
	if file == "" || binding == nil || len(binding.Credentials) == 0 {
		return nil
	}
	return writeCredentialsFile(file, binding.Credentials)
}

// writeCredentialsFile writes credentials as JSON to a file only its owner can read.
func writeCredentialsFile(path string, credentials map[string]any) error {
	encoded, err := json.MarshalIndent(credentials, "", "  ")
	if err != nil {
		return err
	}
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("writing the credentials: %w", err)
	}
	// A file that existed keeps its mode through OpenFile: make it the owner's alone first.
	if err := file.Chmod(0o600); err != nil {
		file.Close()
		return fmt.Errorf("writing the credentials: %w", err)
	}
	if _, err := file.Write(append(encoded, '\n')); err != nil {
		file.Close()
		return fmt.Errorf("writing the credentials: %w", err)
	}
	return file.Close()
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
