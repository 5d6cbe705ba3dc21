package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/osbkit/osb-go-sdk/internal/termtext"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// maxCatalogFile bounds a saved catalog as the SDK bounds a broker's answer.
const maxCatalogFile = openservicebrokerv1.DefaultMaxResponseBytes

func (a *app) newCatalogDiffCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "diff <old> [<new>]",
		Short: "Show what changed between two catalogs, or a saved one and the broker's",
		Long: `diff compares two catalogs by the ids of their services and plans: what was added, removed
and changed, every changed field with its JSON pointer, the fields a platform acts on (bindable,
plan_updateable, schemas, maintenance_info version, maximum_polling_duration) first and marked *.
A removed plan may still have instances: deactivate it rather than delete it.

<old> and <new> are files holding a catalog as the broker sends it, or as "osb catalog -o json"
or "-o yaml" saves it; without <new>, the broker's catalog now.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			old, err := readCatalogFile(args[0])
			if err != nil {
				return nil, err
			}
			var response *core.DetailedResponse
			var current *openservicebrokerv1.Catalog
			if len(args) == 2 {
				current, err = readCatalogFile(args[1])
			} else {
				current, response, err = a.listCatalog(cmd)
			}
			if err != nil {
				return nil, err
			}
			diff := openservicebrokerv1.DiffCatalogs(old, current)
			o := newOutcome(response, diff)
			o.table = func(w io.Writer) { printCatalogDiff(w, diff) }
			return o, nil
		}),
	}
}

// readCatalogFile reads a saved catalog: the broker's document, or osb's machine output with
// the catalog as its answer, in JSON or YAML.
func readCatalogFile(name string) (*openservicebrokerv1.Catalog, error) {
	file, err := os.Open(name)
	if err != nil {
		return nil, usageError{err}
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxCatalogFile+1))
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", name, err)}
	}
	if len(data) > maxCatalogFile {
		return nil, usageError{fmt.Errorf("%s: larger than %d bytes", name, maxCatalogFile)}
	}
	document, err := catalogDocument(data)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", name, err)}
	}
	var answer openservicebrokerv1.BrokerCatalogResp
	if err := json.Unmarshal(document, &answer); err != nil {
		return nil, usageError{fmt.Errorf("%s: not a catalog: %w", name, err)}
	}
	catalog, err := usableCatalog(&answer)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", name, err)}
	}
	return catalog, nil
}

// catalogDocument returns the catalog of a saved file as JSON: the file itself, or its answer
// when it is osb's machine output.
func catalogDocument(data []byte) ([]byte, error) {
	var saved map[string]any
	if err := json.Unmarshal(data, &saved); err != nil {
		if yamlErr := yaml.Unmarshal(data, &saved); yamlErr != nil {
			return nil, fmt.Errorf("neither JSON nor YAML: %w", err)
		}
	}
	if answer, ok := saved["answer"].(map[string]any); ok {
		saved = answer
	}
	if _, ok := saved["services"]; !ok {
		return nil, fmt.Errorf(`no "services": not a catalog`)
	}
	return json.Marshal(saved)
}

// printCatalogDiff prints the diff for a person: removed plans first, since a platform must
// deactivate them; every text the broker wrote is cleaned of terminal escapes.
func printCatalogDiff(w io.Writer, diff *openservicebrokerv1.CatalogDiff) {
	if diff.Empty() {
		fmt.Fprintln(w, "no changes")
		return
	}
	table := newTable(w)
	for _, plan := range diff.RemovedPlans {
		fmt.Fprintf(table, "removed plan\t%s\tof service %s\tdeactivate: instances may still use it\n", planLabel(plan), termtext.Clean(plan.ServiceID))
	}
	for _, service := range diff.RemovedServices {
		fmt.Fprintf(table, "removed service\t%s\t\t\n", offeringLabel(service.ID, service.Name))
	}
	for _, service := range diff.AddedServices {
		fmt.Fprintf(table, "added service\t%s\t\t\n", offeringLabel(service.ID, service.Name))
	}
	for _, plan := range diff.AddedPlans {
		fmt.Fprintf(table, "added plan\t%s\tof service %s\t\n", planLabel(plan), termtext.Clean(plan.ServiceID))
	}
	table.Flush()
	for _, service := range diff.ChangedServices {
		fmt.Fprintf(w, "changed service %s\n", offeringLabel(service.ID, service.Name))
		printFieldChanges(w, service.Changes)
	}
	for _, plan := range diff.ChangedPlans {
		fmt.Fprintf(w, "changed plan %s of service %s\n", planLabel(plan.PlanRef), termtext.Clean(plan.ServiceID))
		printFieldChanges(w, plan.Changes)
	}
}

func offeringLabel(id, name string) string {
	return termtext.Clean(name) + " (" + termtext.Clean(id) + ")"
}

func planLabel(plan openservicebrokerv1.PlanRef) string {
	return offeringLabel(plan.ID, plan.Name)
}

// printFieldChanges prints one line per changed field, * marking those a platform acts on.
func printFieldChanges(w io.Writer, changes []openservicebrokerv1.FieldChange) {
	for _, change := range changes {
		mark := " "
		if change.PlatformActs {
			mark = "*"
		}
		fmt.Fprintf(w, "  %s %s: %s -> %s\n", mark, termtext.Clean(change.Pointer), changeValue(change.Old), changeValue(change.New))
	}
}

// changeValue is a changed field's value as compact JSON, "(absent)" when there is none.
func changeValue(value json.RawMessage) string {
	if value == nil {
		return "(absent)"
	}
	var compact bytes.Buffer
	if json.Compact(&compact, value) != nil {
		return termtext.Clean(string(value))
	}
	return termtext.Clean(compact.String())
}
