package main

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"
)

func (a *app) newGetCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get instance|binding",
		Short: "Read a service instance or a service binding (Fetching)",
	}
	cmd.AddCommand(a.newGetInstanceCommand(), a.newGetBindingCommand())
	return cmd
}

func (a *app) newGetInstanceCommand() *cobra.Command {
	var offer offeringFlags
	cmd := &cobra.Command{
		Use:   "instance <instance-id> [--service <service> --plan <plan>]",
		Short: "Read a service instance; its parameters are printed masked unless --show-secrets",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			client, o, err := a.connect(cmd, offer)
			if err != nil {
				return nil, err
			}
			options := client.NewGetServiceInstanceOptions(args[0])
			setOffering(options.SetServiceID, options.SetPlanID, o)
			result, response, err := client.GetServiceInstanceWithContext(cmd.Context(), options)
			if err != nil {
				return nil, err
			}
			return a.fieldsOutcome(response, result)
		}),
	}
	a.addOfferingFlags(cmd, &offer, false)
	return cmd
}

func (a *app) newGetBindingCommand() *cobra.Command {
	var offer offeringFlags
	cmd := &cobra.Command{
		Use:   "binding <instance-id> <binding-id> [--service <service> --plan <plan>]",
		Short: "Read a service binding; its credentials are printed masked unless --show-secrets",
		Args:  cobra.ExactArgs(2),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			client, o, err := a.connect(cmd, offer)
			if err != nil {
				return nil, err
			}
			options := client.NewGetServiceBindingOptions(args[1], args[0])
			setOffering(options.SetServiceID, options.SetPlanID, o)
			result, response, err := client.GetServiceBindingWithContext(cmd.Context(), options)
			if err != nil {
				return nil, err
			}
			return a.fieldsOutcome(response, result)
		}),
	}
	a.addOfferingFlags(cmd, &offer, false)
	return cmd
}

// fieldsOutcome prints an answer as one top-level field a line, credentials one key a line.
func (a *app) fieldsOutcome(response *core.DetailedResponse, result any) (*outcome, error) {
	answer, err := answerOf(result, a.flags.showSecrets)
	if err != nil {
		return nil, err
	}
	o := newOutcome(response, answer)
	o.table = func(w io.Writer) {
		fields, _ := answer.(map[string]any)
		for _, key := range slices.Sorted(maps.Keys(fields)) {
			if key == "credentials" {
				continue
			}
			fmt.Fprintf(w, "%s: %s\n", key, plainValue(fields[key]))
		}
		printCredentials(w, fields["credentials"], a.flags.showSecrets)
	}
	return o, nil
}

func isTrue(b *bool) bool {
	return b != nil && *b
}
