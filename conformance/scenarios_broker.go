package conformance

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"

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
	{name: "catalog", run: catalogScenario, checks: catalogChecks, requests: []string{"GET /v2/catalog (read once, linted offline)"}},
	{name: "authentication", run: authenticationScenario,
		checks:   []string{"auth.missing-credentials-401", "auth.wrong-credentials-401"},
		requests: []string{"GET /v2/catalog without Authorization", "GET /v2/catalog with wrong basic credentials"}},
	{name: "headers", run: headersScenario,
		checks: []string{"version.unsupported-412", "version.missing-header", "headers.request-identity-echoed"},
		requests: []string{"GET /v2/catalog with X-Broker-API-Version: 1.0", "GET /v2/catalog without X-Broker-API-Version",
			"GET /v2/catalog with X-Broker-API-Request-Identity"}},
	{name: "lifecycle", perPlan: true, run: lifecycleScenario, checks: append(append([]string(nil), lifecycleChecks...), bindingChecks...), requests: lifecycleRequests},
	{name: "identifiers and extensions", perPlan: true, firstPlanOnly: true, run: identifiersScenario,
		checks: []string{"requests.vendor-extensions-ignored", "ids.long-crn"},
		requests: []string{"PUT /v2/service_instances/{prefix-instance}?accepts_incomplete=true with a vendor field in context, then DELETE",
			"PUT /v2/service_instances/{IBM CRN, 118 characters}?accepts_incomplete=true, then DELETE"}},
}

// catalogRules groups the findings of openservicebrokerv1.LintCatalog into checks.
var catalogRules = map[string]string{
	openservicebrokerv1.FindingServiceIDMissing:           "catalog.required-fields",
	openservicebrokerv1.FindingServiceNameMissing:         "catalog.required-fields",
	openservicebrokerv1.FindingServiceDescriptionMissing:  "catalog.required-fields",
	openservicebrokerv1.FindingServiceBindableMissing:     "catalog.required-fields",
	openservicebrokerv1.FindingServicePlansMissing:        "catalog.required-fields",
	openservicebrokerv1.FindingPlanIDMissing:              "catalog.required-fields",
	openservicebrokerv1.FindingPlanNameMissing:            "catalog.required-fields",
	openservicebrokerv1.FindingPlanDescriptionMissing:     "catalog.required-fields",
	openservicebrokerv1.FindingMaintenanceVersionMissing:  "catalog.required-fields",
	openservicebrokerv1.FindingServiceIDDuplicate:         "catalog.ids-unique",
	openservicebrokerv1.FindingPlanIDDuplicate:            "catalog.ids-unique",
	openservicebrokerv1.FindingServiceNameDuplicate:       "catalog.names-unique",
	openservicebrokerv1.FindingPlanNameDuplicate:          "catalog.names-unique",
	openservicebrokerv1.FindingMaintenanceVersionSemver:   "catalog.maintenance-info-semver",
	openservicebrokerv1.FindingSchemaDollarSchema:         "catalog.schemas-valid",
	openservicebrokerv1.FindingSchemaExternalRef:          "catalog.schemas-valid",
	openservicebrokerv1.FindingSchemaSize:                 "catalog.schemas-valid",
	openservicebrokerv1.FindingSchemaInvalid:              "catalog.schemas-valid",
	openservicebrokerv1.FindingServiceNameCLIFriendly:     "catalog.names-cli-friendly",
	openservicebrokerv1.FindingPlanNameCLIFriendly:        "catalog.names-cli-friendly",
	openservicebrokerv1.FindingServiceIDGUID:              "catalog.ids-guid",
	openservicebrokerv1.FindingPlanIDGUID:                 "catalog.ids-guid",
	openservicebrokerv1.FindingStringLength:               "catalog.string-length",
	openservicebrokerv1.FindingMaximumPollingDuration:     "catalog.maximum-polling-duration",
	openservicebrokerv1.FindingServiceRequiresUnsupported: "catalog.requires-known",
	openservicebrokerv1.FindingBindingSchemaNotBindable:   "catalog.binding-schema-bindable",
}

// catalogChecks are the checks of the catalog scenario, in report order.
var catalogChecks = []string{
	"catalog.required-fields", "catalog.ids-unique", "catalog.names-unique", "catalog.maintenance-info-semver",
	"catalog.schemas-valid", "catalog.names-cli-friendly", "catalog.ids-guid", "catalog.string-length",
	"catalog.maximum-polling-duration", "catalog.requires-known", "catalog.binding-schema-bindable", "catalog.other-rules",
}

// catalogScenario grades the catalog the run already read by the findings of LintCatalog: a
// check gets the outcome of the strongest rule among its findings.
func catalogScenario(_ context.Context, r *run, catalog *openservicebrokerv1.BrokerCatalogResp, _ *planUnderTest) string {
	findings := map[string][]openservicebrokerv1.Finding{}
	for _, finding := range openservicebrokerv1.LintCatalog(catalog) {
		id, known := catalogRules[finding.ID]
		if !known {
			id = "catalog.other-rules"
		}
		findings[id] = append(findings[id], finding)
	}
	for _, id := range catalogChecks {
		if len(findings[id]) == 0 {
			r.grade(id, Pass, r.catalogAnswer, "no finding")
			continue
		}
		outcome, lines := Pass, make([]string, 0, len(findings[id]))
		for _, finding := range findings[id] {
			outcome = worse(outcome, Check{Level: Level(finding.Level)}.violation())
			lines = append(lines, finding.String())
		}
		r.grade(id, outcome, r.catalogAnswer, "%s", strings.Join(lines, "\n"))
	}
	return ""
}

// outcomeRank orders outcomes from best to worst.
var outcomeRank = map[Outcome]int{Pass: 0, Skip: 1, Info: 2, Warn: 3, Fail: 4}

func worse(a, b Outcome) Outcome {
	if outcomeRank[b] > outcomeRank[a] {
		return b
	}
	return a
}

// authenticationScenario sends the catalog request without and with wrong credentials.
func authenticationScenario(ctx context.Context, r *run, _ *openservicebrokerv1.BrokerCatalogResp, _ *planUnderTest) string {
	if r.client.Service.Options.Authenticator.AuthenticationType() == core.AUTHTYPE_NOAUTH {
		return "the broker is checked without authentication (noAuth): it has none to refuse"
	}
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
