package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func (a *app) newParamsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "params validate",
		Short: "Check parameters against a plan's schemas before sending them",
	}
	cmd.AddCommand(a.newParamsValidateCommand())
	return cmd
}

// validation is what `osb params validate` found.
type validation struct {
	ServiceID  string                                `json:"service_id"`
	PlanID     string                                `json:"plan_id"`
	Schema     string                                `json:"schema"`
	Valid      bool                                  `json:"valid"`
	Violations []openservicebrokerv1.SchemaViolation `json:"violations,omitempty"`
}

func (a *app) newParamsValidateCommand() *cobra.Command {
	var offer offeringFlags
	var params parameterFlags
	var binding, update bool
	cmd := &cobra.Command{
		Use:   "validate --service <service> --plan <plan> [--binding] --params file|-",
		Short: "Validate parameters against the plan's schema (Catalog Management, Schemas Object); nothing is sent but the catalog request",
		Long: `Validate parameters against one of the plan's schemas: service_instance.create by default,
service_instance.update with --update, service_binding.create with --binding. Exits 0 when
they match or the plan gives no such schema, 2 when they do not, listing every violation.`,
		Args: cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) (*outcome, error) {
			if binding && update {
				return nil, usageError{errors.New("--binding and --update name different schemas; choose one")}
			}
			parameters, err := a.parameters(params)
			if err != nil {
				return nil, err
			}
			if parameters == nil {
				return nil, usageError{errors.New("no parameters: give --params file|- or --param key=value")}
			}
			catalog, response, err := a.listCatalog(cmd)
			if err != nil {
				return nil, err
			}
			o, err := findOffering(catalog, offer)
			if err != nil {
				return nil, err
			}
			kind := openservicebrokerv1.InstanceCreateSchema
			switch {
			case binding:
				kind = openservicebrokerv1.BindingCreateSchema
			case update:
				kind = openservicebrokerv1.InstanceUpdateSchema
			}
			result := validation{ServiceID: o.serviceID, PlanID: o.planID, Schema: kind.String(), Valid: true}
			err = catalog.ValidateParameters(o.serviceID, o.planID, kind, parameters)
			var invalid *openservicebrokerv1.ParametersInvalidError
			if errors.As(err, &invalid) {
				result.Valid, result.Violations = false, invalid.Violations
			}
			out := newOutcome(response, result)
			out.table = func(w io.Writer) {
				fmt.Fprintf(w, "parameters match the %s schema of plan %s\n", kind, o.planID)
			}
			return out, err
		}),
	}
	a.addOfferingFlags(cmd, &offer, true)
	addParameterFlags(cmd, &params)
	cmd.Flags().BoolVar(&binding, "binding", false, "validate against service_binding.create")
	cmd.Flags().BoolVar(&update, "update", false, "validate against service_instance.update")
	return cmd
}
