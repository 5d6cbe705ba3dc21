package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func (a *app) newInstancesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "instances",
		Short: "List the instances osb created, from the local record: target, plan and last state",
		Long: `List the instances osb provisioned, from the local record ($XDG_STATE_HOME/osb/osb.db, else
~/.local/state/osb/osb.db): their broker or target, service and plan, last operation and its
state as osb last saw it. Deprovisioned instances leave the list. Nothing is asked of a broker.`,
		Example: "  osb instances\n  osb instances -o json",
		Args:    cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) (*outcome, error) {
			return a.listRecord(false, "")
		}),
	}
}

func (a *app) newBindingsCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "bindings [<instance-id>]",
		Short:   "List the bindings osb created, from the local record (never their credentials)",
		Example: "  osb bindings\n  osb bindings db-1",
		Args:    cobra.MaximumNArgs(1),
		RunE: a.run(func(_ *cobra.Command, args []string) (*outcome, error) {
			instanceID := ""
			if len(args) == 1 {
				instanceID = args[0]
			}
			return a.listRecord(true, instanceID)
		}),
	}
}

// listRecord lists the instances or bindings of the record.
func (a *app) listRecord(bindings bool, instanceID string) (*outcome, error) {
	rec := a.localRecord()
	if rec == nil {
		return nil, errors.New("the local record is not available")
	}
	entries, err := rec.list(bindings, instanceID)
	if err != nil {
		return nil, fmt.Errorf("reading the local record: %w", err)
	}
	if entries == nil {
		entries = []entry{}
	}
	return &outcome{Answer: entries, table: func(w io.Writer) { printEntries(w, entries, bindings) }}, nil
}

func printEntries(w io.Writer, entries []entry, bindings bool) {
	table := newTable(w)
	header := "INSTANCE\tSERVICE\tPLAN\tLAST OPERATION\tSTATE\tTARGET\tUPDATED"
	if bindings {
		header = "INSTANCE\tBINDING\tSERVICE\tPLAN\tLAST OPERATION\tSTATE\tTARGET\tUPDATED"
	}
	fmt.Fprintln(table, header)
	for _, e := range entries {
		// The names come from the broker's catalog: printf shows them through termtext.
		cells := []any{e.InstanceID}
		if bindings {
			cells = append(cells, e.BindingID)
		}
		cells = append(cells, orID(e.ServiceName, e.ServiceID), orID(e.PlanName, e.PlanID),
			e.Kind, e.State, e.where(), e.Updated.Local().Format(time.DateTime))
		printf(table, strings.Repeat("%s\t", len(cells)-1)+"%s\n", cells...)
	}
	table.Flush()
}

// orID is a name, else the id it names.
func orID(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// where names the entry's broker: its target, else its URL.
func (e entry) where() string {
	if e.Target != "" {
		return e.Target
	}
	return e.Broker
}

func (a *app) newResumeCommand() *cobra.Command {
	var bindingID, credentialsFile string
	cmd := &cobra.Command{
		Use:   "resume [<instance-id> [--binding <binding-id>]]",
		Short: "Wait again for operations whose wait was interrupted (Ctrl-C, a crash, --timeout)",
		Long: `Wait again, one after another, for the operations on the configured broker that the local
record holds as in flight: a --wait stopped by Ctrl-C or --timeout, a process that died, a
command sent without --wait. With an instance id (and --binding), only that one's.

An operation started with --wait goes on from its stored operation record, exactly where it
stopped, as --wait would have gone on: a provision or bind whose answer was lost, or that
failed, is deleted (orphan mitigation), an update whose answer was lost is reported failed (send
it again), a resumed bind's credentials are written to --credentials-file, or printed masked,
before the record says it succeeded. An operation sent without --wait is polled.`,
		Example: "  osb resume\n  osb resume db-1\n  osb resume db-1 --binding app-1 --timeout 5m",
		Args:    cobra.MaximumNArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			if _, err := a.newClient(); err != nil {
				return nil, err
			}
			entries, err := a.localRecord().inFlight(a.broker)
			if err != nil {
				return nil, fmt.Errorf("reading the local record: %w", err)
			}
			var selected []entry
			for _, e := range entries {
				if len(args) == 0 || e.InstanceID == args[0] && e.BindingID == bindingID {
					selected = append(selected, e)
				}
			}
			if err := checkCredentialsFile(credentialsFile); err != nil {
				return nil, err
			}
			return a.resume(cmd, selected, credentialsFile)
		}),
	}
	cmd.Flags().StringVar(&bindingID, "binding", "", "the binding's operation instead of the instance's")
	cmd.Flags().StringVar(&credentialsFile, "credentials-file", "", "write the credentials of a resumed bind, unmasked, as JSON to this file (mode 0600)")
	return cmd
}

// resume waits for each operation in turn, and stops at the first that does not succeed.
func (a *app) resume(cmd *cobra.Command, entries []entry, credentialsFile string) (*outcome, error) {
	if len(entries) == 0 {
		return &outcome{Answer: []any{}, table: func(w io.Writer) {
			printf(w, "nothing to resume at %s\n", a.broker)
		}}, nil
	}
	var answers []any
	var tables []func(io.Writer)
	for _, e := range entries {
		var o *outcome
		var err error
		if e.Record != "" {
			o, err = a.resumeRecord(cmd, e, credentialsFile)
		} else {
			flags := lastOperationFlags{offer: offeringFlags{service: e.ServiceID, plan: e.PlanID}, bindingID: e.BindingID,
				operation: e.Operation, wait: true, deletion: e.Kind == kindDeprovision || e.Kind == kindUnbind}
			o, err = a.lastOperation(cmd, e.InstanceID, flags)
		}
		if o != nil {
			answers, tables = append(answers, o.Answer), append(tables, o.table)
		}
		if err != nil {
			return &outcome{Answer: answers}, err
		}
	}
	return &outcome{Answer: answers, table: func(w io.Writer) {
		for _, table := range tables {
			table(w)
		}
	}}, nil
}

// completeRecorded completes the first argument with the instance ids of the local record and,
// with bindingArgument, the second with the bindings it records of that instance: no broker is
// asked.
func (a *app) completeRecorded(bindingArgument bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		a.completing = true
		var ids []string
		switch {
		case len(args) == 0:
			entries, _ := a.localRecord().list(false, "")
			for _, e := range entries {
				ids = append(ids, e.InstanceID)
			}
		case len(args) == 1 && bindingArgument:
			entries, _ := a.localRecord().list(true, args[0])
			for _, e := range entries {
				ids = append(ids, e.BindingID)
			}
		}
		slices.Sort(ids)
		return slices.Compact(ids), cobra.ShellCompDirectiveNoFileComp
	}
}

// recordedArguments are the commands whose first argument is an instance id, and whether their
// second is one of its binding ids, completed from the local record.
var recordedArguments = map[string]bool{
	"osb update": false, "osb deprovision": false, "osb bind": false, "osb rotate": true, "osb unbind": true,
	"osb get instance": false, "osb get binding": true, "osb last-operation": false, "osb resume": false,
	"osb bindings": false, "osb state get": false, "osb state set": false,
}

// addRecordedCompletion completes the ids of recordedArguments' commands.
func (a *app) addRecordedCompletion(cmd *cobra.Command) {
	if bindingArgument, ok := recordedArguments[cmd.CommandPath()]; ok && cmd.ValidArgsFunction == nil {
		cmd.ValidArgsFunction = a.completeRecorded(bindingArgument)
	}
	for _, child := range cmd.Commands() {
		a.addRecordedCompletion(child)
	}
}
