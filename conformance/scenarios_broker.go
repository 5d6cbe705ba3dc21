package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/Masterminds/semver/v3"
	"github.com/google/uuid"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// scenario is a sequence of requests that decides a group of checks.
type scenario struct {
	name   string
	checks []string
	// perPlan scenarios run once for each plan under test; firstPlanOnly ones on the first.
	perPlan, firstPlanOnly bool
	// requests describe what the scenario sends, for --dry-run.
	requests []string
	// run returns why the checks it did not reach were not reached ("" when it got to the end).
	run func(ctx context.Context, r *run, catalog *openservicebrokerv1.BrokerCatalogResp, p *planUnderTest) string
}

// scenarios run in this order; each leaves the broker as it found it.
var scenarios = []scenario{
	{name: "catalog", run: catalogScenario,
		checks:   []string{"catalog.required-fields", "catalog.ids-unique", "catalog.names-unique", "catalog.maintenance-info-semver", "catalog.schemas-valid"},
		requests: []string{"GET /v2/catalog (read once, checked offline)"}},
	{name: "authentication", run: authenticationScenario,
		checks:   []string{"auth.missing-credentials-401", "auth.wrong-credentials-401"},
		requests: []string{"GET /v2/catalog without Authorization", "GET /v2/catalog with wrong basic credentials"}},
	{name: "headers", run: headersScenario,
		checks: []string{"version.unsupported-412", "version.missing-header", "headers.request-identity-echoed"},
		requests: []string{"GET /v2/catalog with X-Broker-API-Version: 1.0", "GET /v2/catalog without X-Broker-API-Version",
			"GET /v2/catalog with X-Broker-API-Request-Identity"}},
	{name: "lifecycle", perPlan: true, run: lifecycleScenario, checks: append(append([]string(nil), lifecycleChecks...), bindingChecks...), requests: lifecycleRequests},
	{name: "concurrency", perPlan: true, run: concurrencyScenario,
		checks: []string{"concurrency.busy-instance"},
		requests: []string{"PUT /v2/service_instances/{prefix-instance}?accepts_incomplete=true",
			"DELETE /v2/service_instances/{prefix-instance}?accepts_incomplete=true while the provision is in progress",
			"GET .../last_operation until it ends, then DELETE"}},
	{name: "identifiers and extensions", perPlan: true, firstPlanOnly: true, run: identifiersScenario,
		checks: []string{"requests.vendor-extensions-ignored", "ids.long-crn"},
		requests: []string{"PUT /v2/service_instances/{prefix-instance}?accepts_incomplete=true with a vendor field in context, then DELETE",
			"PUT /v2/service_instances/{IBM CRN, 118 characters}?accepts_incomplete=true, then DELETE"}},
}

// catalogScenario checks the shape of the catalog the run already read.
func catalogScenario(_ context.Context, r *run, catalog *openservicebrokerv1.BrokerCatalogResp, _ *planUnderTest) string {
	var missing, duplicateIDs, duplicateNames, badVersions, badSchemas []string
	ids := map[string]int{}
	serviceNames := map[string]int{}
	for _, service := range catalog.Services {
		serviceName := deref(service.Name)
		missing = append(missing, missingFields("offering "+quoted(serviceName), map[string]bool{
			"id": deref(service.ID) == "", "name": serviceName == "", "description": deref(service.Description) == "",
			"bindable": service.Bindable == nil, "plans": len(service.Plans) == 0})...)
		ids[deref(service.ID)]++
		serviceNames[serviceName]++
		planNames := map[string]int{}
		for _, plan := range service.Plans {
			what := "plan " + quoted(serviceName+"/"+deref(plan.Name))
			missing = append(missing, missingFields(what, map[string]bool{
				"id": deref(plan.ID) == "", "name": deref(plan.Name) == "", "description": deref(plan.Description) == ""})...)
			ids[deref(plan.ID)]++
			planNames[deref(plan.Name)]++
			if info := plan.MaintenanceInfo; info != nil {
				if _, err := semver.StrictNewVersion(deref(info.Version)); err != nil {
					badVersions = append(badVersions, fmt.Sprintf("%s: %q", what, deref(info.Version)))
				}
			}
			badSchemas = append(badSchemas, invalidSchemas(what, plan.Schemas)...)
		}
		duplicateNames = append(duplicateNames, repeated(planNames, "plan name in offering "+quoted(serviceName))...)
	}
	duplicateIDs = repeated(ids, "id")
	duplicateNames = append(repeated(serviceNames, "offering name"), duplicateNames...)
	r.expectNone("catalog.required-fields", missing, "every offering and plan has its REQUIRED fields")
	r.expectNone("catalog.ids-unique", duplicateIDs, "%d ids, all unique", len(ids))
	r.expectNone("catalog.names-unique", duplicateNames, "offering and plan names are unique")
	r.expectNone("catalog.maintenance-info-semver", badVersions, "every maintenance_info.version is a semantic version")
	r.expectNone("catalog.schemas-valid", badSchemas, "every schema compiles")
	return ""
}

// expectNone passes the check when problems is empty and violates it with the problems otherwise.
func (r *run) expectNone(id string, problems []string, format string, args ...any) {
	if len(problems) == 0 {
		r.pass(id, format, args...)
		return
	}
	r.violate(id, "%s", strings.Join(problems, "; "))
}

func missingFields(what string, absent map[string]bool) []string {
	var fields []string
	for _, field := range []string{"id", "name", "description", "bindable", "plans"} {
		if absent[field] {
			fields = append(fields, field)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return []string{what + " lacks " + strings.Join(fields, ", ")}
}

func repeated(counts map[string]int, what string) []string {
	var problems []string
	for value, n := range counts {
		if n > 1 && value != "" {
			problems = append(problems, fmt.Sprintf("%s %q appears %d times", what, value, n))
		}
	}
	return problems
}

func quoted(s string) string { return fmt.Sprintf("%q", s) }

// invalidSchemas compiles every parameters schema of a plan.
func invalidSchemas(what string, schemas *openservicebrokerv1.Schemas) []string {
	if schemas == nil {
		return nil
	}
	named := map[string]*openservicebrokerv1.SchemaParameters{}
	if instance := schemas.ServiceInstance; instance != nil {
		named["service_instance.create"], named["service_instance.update"] = instance.Create, instance.Update
	}
	if binding := schemas.ServiceBinding; binding != nil {
		named["service_binding.create"] = binding.Create
	}
	var problems []string
	for name, parameters := range named {
		if parameters == nil || len(parameters.Parameters) == 0 || string(parameters.Parameters) == "null" {
			continue
		}
		if err := compileSchema(parameters.Parameters); err != nil {
			problems = append(problems, fmt.Sprintf("%s %s: %v", what, name, err))
		}
	}
	return problems
}

func compileSchema(raw json.RawMessage) error {
	document, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return err
	}
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft4) // the specification's schemas are draft 4 unless they say otherwise
	if err := compiler.AddResource("schema.json", document); err != nil {
		return err
	}
	_, err = compiler.Compile("schema.json")
	return err
}

// authenticationScenario sends the catalog request without and with wrong credentials.
func authenticationScenario(ctx context.Context, r *run, _ *openservicebrokerv1.BrokerCatalogResp, _ *planUnderTest) string {
	attempts := []struct {
		id            string
		authenticator core.Authenticator
	}{
		{"auth.missing-credentials-401", &core.NoAuthAuthenticator{}},
		{"auth.wrong-credentials-401", &core.BasicAuthenticator{Username: "osb-check-not-a-user", Password: uuid.NewString()}},
	}
	for _, attempt := range attempts {
		client, err := r.clientWith(attempt.authenticator)
		if err != nil {
			return fmt.Sprintf("cannot build a client: %v", err)
		}
		_, response, err := client.ListCatalogWithContext(ctx, client.NewListCatalogOptions())
		status := statusOf(response, err)
		r.expect(attempt.id, status == http.StatusUnauthorized, "GET /v2/catalog answered %s", describeStatus(status, err))
	}
	return ""
}

func describeStatus(status int, err error) string {
	if status == 0 {
		return fmt.Sprintf("nothing (%v)", err)
	}
	return fmt.Sprintf("%d %s", status, http.StatusText(status))
}

// headersScenario checks the version header rules and the echo of the request identity.
func headersScenario(ctx context.Context, r *run, _ *openservicebrokerv1.BrokerCatalogResp, _ *planUnderTest) string {
	old := r.client.Clone()
	if err := old.SetBrokerAPIVersion("1.0"); err != nil {
		return err.Error()
	}
	_, response, err := old.ListCatalogWithContext(ctx, old.NewListCatalogOptions())
	status := statusOf(response, err)
	r.expect("version.unsupported-412", (err == nil && status == http.StatusOK) || status == http.StatusPreconditionFailed,
		"X-Broker-API-Version: 1.0 answered %s", describeStatus(status, err))

	status, err = r.catalogWithoutVersion(ctx)
	r.expect("version.missing-header", status == http.StatusOK || status == http.StatusBadRequest || status == http.StatusPreconditionFailed,
		"no X-Broker-API-Version answered %s", describeStatus(status, err))

	identity := "osb-check-" + uuid.NewString()
	_, _, err = r.client.ListCatalogWithContext(ctx, r.client.NewListCatalogOptions().SetHeaders(map[string]string{openservicebrokerv1.HeaderRequestIdentity: identity}))
	exchange := r.recorder.last()
	if err != nil || exchange == nil {
		return fmt.Sprintf("GET /v2/catalog failed: %v", err)
	}
	echoed := exchange.rawResponseHeaders.Get(openservicebrokerv1.HeaderRequestIdentity)
	r.expect("headers.request-identity-echoed", echoed == identity, "sent %s, the answer carried %q", identity, echoed)
	return ""
}

// catalogWithoutVersion sends GET /v2/catalog without X-Broker-API-Version, which the SDK
// always adds, through the run's recording transport and the client's authenticator.
func (r *run) catalogWithoutVersion(ctx context.Context) (int, error) {
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(r.client.GetServiceURL(), "/")+"/v2/catalog", nil)
	if err != nil {
		return 0, err
	}
	if err := r.client.Service.Options.Authenticator.Authenticate(request); err != nil {
		return 0, err
	}
	request.Header.Set(openservicebrokerv1.HeaderRequestIdentity, uuid.NewString())
	response, err := r.http.Do(request)
	if err != nil {
		return 0, err
	}
	defer response.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(response.Body, maxEvidenceBody))
	return response.StatusCode, nil
}
