package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1/cataloglint"
)

// scenario is a sequence of requests that decides a group of checks.
type scenario struct {
	name   string
	checks []CheckID
	// perPlan scenarios run once for each plan under test; firstPlanOnly ones on the first.
	perPlan, firstPlanOnly bool
	// requests describe what the scenario sends, for --dry-run.
	requests []string
	// run returns why the checks it did not reach were not reached ("" when it got to the end).
	run func(ctx context.Context, r *run, catalog *openservicebrokerv1.BrokerCatalogResp, p *planUnderTest) string
}

// scenarios run in this order; each leaves the broker as it found it. The answers scenario
// comes last: it judges every answer the others got.
var scenarios = []scenario{
	{name: "catalog", run: catalogScenario, checks: catalogChecks, requests: []string{"GET /v2/catalog (read once, linted offline)"}},
	{name: "authentication", run: authenticationScenario,
		checks: []CheckID{AuthMissingCredentials401, AuthWrongCredentials401},
		requests: []string{"every endpoint (catalog, instance, binding, last_operation; fresh {prefix-...} ids) without Authorization",
			"every endpoint with wrong basic credentials"}},
	{name: "malformed requests", run: malformedScenario, checks: []CheckID{RequestsMalformed400, RequestsUnprocessableBody400},
		requests: []string{"PUT and PATCH /v2/service_instances/{prefix-instance} and PUT .../service_bindings/{prefix-binding} with {} as body",
			"the same with a body that is not JSON (Content-Type: application/json)",
			"DELETE /v2/service_instances/{prefix-instance} and .../service_bindings/{prefix-binding} without service_id and plan_id"}},
	{name: "headers", run: headersScenario,
		checks:   []CheckID{VersionUnsupported412, VersionMissingHeader},
		requests: []string{"GET /v2/catalog with X-Broker-API-Version: 1.0", "GET /v2/catalog without X-Broker-API-Version"}},
	{name: "lifecycle", perPlan: true, run: lifecycleScenario, checks: append(append([]CheckID(nil), lifecycleChecks...), bindingChecks...), requests: lifecycleRequests},
	{name: "identifiers and extensions", perPlan: true, firstPlanOnly: true, run: identifiersScenario,
		checks: []CheckID{RequestsVendorExtensionsIgnored, IDsLongCRN},
		requests: []string{"PUT /v2/service_instances/{prefix-instance}?accepts_incomplete=true with a vendor field in context, then DELETE",
			"PUT /v2/service_instances/{IBM CRN, 118 characters}?accepts_incomplete=true, then DELETE"}},
	{name: "answers", run: answersScenario,
		checks:   []CheckID{AnswersStatusDefined, AnswersBodyShape, ErrorsDescriptionString, AnswersContentTypeJSON, HeadersRequestIdentityEchoed, BrokerAnswersWithin60s},
		requests: []string{"none: every answer of the run is judged, per endpoint (status, body, error body, Content-Type, request identity, time)"}},
}

// catalogRules groups the findings of cataloglint.Lint into checks.
var catalogRules = map[string]CheckID{
	cataloglint.FindingServiceIDMissing:           CatalogRequiredFields,
	cataloglint.FindingServiceNameMissing:         CatalogRequiredFields,
	cataloglint.FindingServiceDescriptionMissing:  CatalogRequiredFields,
	cataloglint.FindingServiceBindableMissing:     CatalogRequiredFields,
	cataloglint.FindingServicePlansMissing:        CatalogRequiredFields,
	cataloglint.FindingPlanIDMissing:              CatalogRequiredFields,
	cataloglint.FindingPlanNameMissing:            CatalogRequiredFields,
	cataloglint.FindingPlanDescriptionMissing:     CatalogRequiredFields,
	cataloglint.FindingMaintenanceVersionMissing:  CatalogRequiredFields,
	cataloglint.FindingServiceIDDuplicate:         CatalogIDsUnique,
	cataloglint.FindingPlanIDDuplicate:            CatalogIDsUnique,
	cataloglint.FindingServiceNameDuplicate:       CatalogNamesUnique,
	cataloglint.FindingPlanNameDuplicate:          CatalogNamesUnique,
	cataloglint.FindingMaintenanceVersionSemver:   CatalogMaintenanceInfoSemver,
	cataloglint.FindingSchemaDollarSchema:         CatalogSchemasValid,
	cataloglint.FindingSchemaExternalRef:          CatalogSchemasValid,
	cataloglint.FindingSchemaSize:                 CatalogSchemasValid,
	cataloglint.FindingSchemaInvalid:              CatalogSchemasValid,
	cataloglint.FindingServiceNameCLIFriendly:     CatalogNamesCLIFriendly,
	cataloglint.FindingPlanNameCLIFriendly:        CatalogNamesCLIFriendly,
	cataloglint.FindingServiceIDGUID:              CatalogIDsGUID,
	cataloglint.FindingPlanIDGUID:                 CatalogIDsGUID,
	cataloglint.FindingStringLength:               CatalogStringLength,
	cataloglint.FindingMaximumPollingDuration:     CatalogMaximumPollingDuration,
	cataloglint.FindingServiceRequiresUnsupported: CatalogRequiresKnown,
	cataloglint.FindingMetadataNameVariant:        CatalogMetadataNames,
	cataloglint.FindingBindingSchemaNotBindable:   CatalogBindingSchemaBindable,
}

// catalogChecks are the checks of the catalog scenario, in report order.
var catalogChecks = []CheckID{
	CatalogRequiredFields, CatalogIDsUnique, CatalogNamesUnique, CatalogMaintenanceInfoSemver,
	CatalogSchemasValid, CatalogNamesCLIFriendly, CatalogIDsGUID, CatalogStringLength,
	CatalogMaximumPollingDuration, CatalogRequiresKnown, CatalogMetadataNames, CatalogBindingSchemaBindable, CatalogOtherRules,
}

// catalogScenario grades the catalog the run already read by the findings of cataloglint.Lint: a
// check gets the outcome of the strongest rule among its findings.
func catalogScenario(_ context.Context, r *run, catalog *openservicebrokerv1.BrokerCatalogResp, _ *planUnderTest) string {
	findings := map[CheckID][]cataloglint.Finding{}
	for _, finding := range cataloglint.Lint(catalog) {
		id, known := catalogRules[finding.ID]
		if !known {
			id = CatalogOtherRules
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
			outcome = worse(outcome, Check{Level: finding.Level}.violation())
			lines = append(lines, finding.String())
		}
		r.grade(id, outcome, r.catalogAnswer, "%s", strings.Join(lines, "\n"))
	}
	return ""
}

// outcomeRank orders outcomes from best to worst.
var outcomeRank = map[Outcome]int{Pass: 0, Skip: 1, Inconclusive: 2, Info: 3, Warn: 4, Fail: 5}

func worse(a, b Outcome) Outcome {
	if outcomeRank[b] > outcomeRank[a] {
		return b
	}
	return a
}

// authenticationScenario sends a request to every endpoint without credentials, then with
// wrong ones: each must be refused with 401. The ids are fresh; what a broken broker creates
// anyway is in the ledger and removed by the sweep.
func authenticationScenario(ctx context.Context, r *run, catalog *openservicebrokerv1.BrokerCatalogResp, _ *planUnderTest) string {
	authenticator := r.client.Service.Options.Authenticator
	if authenticator.AuthenticationType() == core.AUTHTYPE_NOAUTH {
		return "the broker is checked without authentication (noAuth): it has none to refuse"
	}
	attempts := []struct {
		id            CheckID
		authenticator core.Authenticator
	}{
		{AuthMissingCredentials401, &core.NoAuthAuthenticator{}},
		{AuthWrongCredentials401, &core.BasicAuthenticator{Username: "osb-check-not-a-user", Password: uuid.NewString()}},
	}
	serviceID, planID := firstPlan(catalog)
	for _, attempt := range attempts {
		for _, probe := range r.endpointProbes(serviceID, planID) {
			r.subject = probe.endpoint
			status, err := r.send(ctx, probe, attempt.authenticator)
			r.expect(attempt.id, status == http.StatusUnauthorized, "%s answered %s", probe.endpoint, describeStatus(status, err))
		}
	}
	return ""
}

// malformedScenario sends requests that lack their REQUIRED fields or query parameters: each
// must be refused with 400 Bad Request. What a broken broker creates anyway is in the ledger.
func malformedScenario(ctx context.Context, r *run, _ *openservicebrokerv1.BrokerCatalogResp, _ *planUnderTest) string {
	authenticator := r.client.Service.Options.Authenticator
	for _, probe := range r.endpointProbes("", "") {
		switch probe.method {
		case http.MethodPut, http.MethodPatch:
			probe.body = map[string]any{}
		case http.MethodDelete:
			probe.query = nil
		default:
			continue // reads have no mandatory data
		}
		r.subject = probe.endpoint
		status, err := r.send(ctx, probe, authenticator)
		r.expect(RequestsMalformed400, status == http.StatusBadRequest, "%s lacking its REQUIRED fields answered %s", probe.endpoint, describeStatus(status, err))
		if probe.body != nil {
			probe.raw = []byte(unprocessableBody)
			status, err = r.send(ctx, probe, authenticator)
			r.expect(RequestsUnprocessableBody400, status == http.StatusBadRequest, "%s with a body that is not JSON (%s) answered %s", probe.endpoint, unprocessableBody, describeStatus(status, err))
		}
	}
	return ""
}

// unprocessableBody is a request body no broker can process: JSON cut short.
const unprocessableBody = `{"service_id": `

func firstPlan(catalog *openservicebrokerv1.BrokerCatalogResp) (serviceID, planID string) {
	for _, service := range catalog.Services {
		for _, plan := range service.Plans {
			return deref(service.ID), deref(plan.ID)
		}
	}
	return "", ""
}

// probe is one request to one endpoint, sent as it is written.
type probe struct {
	endpoint, method, path string
	query                  url.Values
	body                   map[string]any
	// raw, when set, is sent as the body instead of body's JSON.
	raw []byte
}

// endpointProbes is a request to every endpoint of the specification, on fresh ids.
func (r *run) endpointProbes(serviceID, planID string) []probe {
	instance := "/v2/service_instances/" + url.PathEscape(r.newID("instance"))
	binding := instance + "/service_bindings/" + url.PathEscape(r.newID("binding"))
	ids := url.Values{"service_id": {serviceID}, "plan_id": {planID}}
	create := map[string]any{"service_id": serviceID, "plan_id": planID, "organization_guid": r.platform.organizationID, "space_guid": r.platform.spaceID}
	bind := map[string]any{"service_id": serviceID, "plan_id": planID}
	return []probe{
		{endpoint: "GET /v2/catalog", method: http.MethodGet, path: "/v2/catalog"},
		{endpoint: "PUT /v2/service_instances/:instance_id", method: http.MethodPut, path: instance, query: url.Values{"accepts_incomplete": {"true"}}, body: create},
		{endpoint: "GET /v2/service_instances/:instance_id", method: http.MethodGet, path: instance, query: ids},
		{endpoint: "PATCH /v2/service_instances/:instance_id", method: http.MethodPatch, path: instance, query: url.Values{"accepts_incomplete": {"true"}}, body: bind},
		{endpoint: instancePolls, method: http.MethodGet, path: instance + "/last_operation", query: ids},
		{endpoint: "PUT /v2/service_instances/:instance_id/service_bindings/:binding_id", method: http.MethodPut, path: binding, query: url.Values{"accepts_incomplete": {"true"}}, body: bind},
		{endpoint: "GET /v2/service_instances/:instance_id/service_bindings/:binding_id", method: http.MethodGet, path: binding, query: ids},
		{endpoint: bindingPolls, method: http.MethodGet, path: binding + "/last_operation", query: ids},
		{endpoint: "DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id", method: http.MethodDelete, path: binding, query: ids},
		{endpoint: "DELETE /v2/service_instances/:instance_id", method: http.MethodDelete, path: instance, query: ids},
	}
}

// send sends a probe through the run's recording transport with the authenticator given, the
// API version and a request identity.
func (r *run) send(ctx context.Context, p probe, authenticator core.Authenticator) (int, error) {
	var body io.Reader
	switch {
	case p.raw != nil:
		body = bytes.NewReader(p.raw)
	case p.body != nil:
		encoded, err := json.Marshal(p.body)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(encoded)
	}
	target := strings.TrimSuffix(r.client.GetServiceURL(), "/") + p.path
	if len(p.query) > 0 {
		target += "?" + p.query.Encode()
	}
	request, err := http.NewRequestWithContext(ctx, p.method, target, body)
	if err != nil {
		return 0, err
	}
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	request.Header.Set(openservicebrokerv1.HeaderAPIVersion, openservicebrokerv1.DefaultBrokerAPIVersion)
	request.Header.Set(identityHeader, uuid.NewString())
	return r.do(request, authenticator)
}

// do authenticates request, sends it through the run's recording transport (which keeps the
// exchange as evidence), drains a bounded part of the answer and returns the answer's status.
func (r *run) do(request *http.Request, authenticator core.Authenticator) (int, error) {
	if err := authenticator.Authenticate(request); err != nil {
		return 0, err
	}
	response, err := r.http.Do(request)
	if err != nil {
		return 0, err
	}
	defer response.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(response.Body, maxEvidenceBody))
	return response.StatusCode, nil
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
	r.expect(VersionUnsupported412, (err == nil && status == http.StatusOK) || status == http.StatusPreconditionFailed,
		"X-Broker-API-Version: 1.0 answered %s", describeStatus(status, err))

	status, err = r.catalogWithoutVersion(ctx)
	r.expect(VersionMissingHeader, status == http.StatusOK || status == http.StatusBadRequest || status == http.StatusPreconditionFailed,
		"no X-Broker-API-Version answered %s", describeStatus(status, err))

	return ""
}

// answersScenario grades the rules every answer obeys, over the answers of the whole run.
func answersScenario(_ context.Context, r *run, _ *openservicebrokerv1.BrokerCatalogResp, _ *planUnderTest) string {
	r.gradeAnswers()
	r.gradeAnswerTimes()
	return "no answer of this kind was seen"
}

// catalogWithoutVersion sends GET /v2/catalog without X-Broker-API-Version, which the SDK
// always adds, through the run's recording transport and the client's authenticator.
func (r *run) catalogWithoutVersion(ctx context.Context) (int, error) {
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(r.client.GetServiceURL(), "/")+"/v2/catalog", nil)
	if err != nil {
		return 0, err
	}
	request.Header.Set(openservicebrokerv1.HeaderRequestIdentity, uuid.NewString())
	return r.do(request, r.client.Service.Options.Authenticator)
}
