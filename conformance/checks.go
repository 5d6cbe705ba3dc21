package conformance

import (
	"fmt"
	"path"
	"strings"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1/cataloglint"
)

// The levels, short for the check table.
const (
	must   = cataloglint.LevelMust
	should = cataloglint.LevelShould
	may    = cataloglint.LevelMay
)

// CheckID names a check. The constants below are every check the checker knows, so that a
// misspelt id is a compile error rather than a check that never reports.
type CheckID string

// The checks, by id. An id is stable across releases.
const (
	CatalogFetch                              CheckID = "catalog.fetch"
	CatalogRequiredFields                     CheckID = "catalog.required-fields"
	CatalogIDsUnique                          CheckID = "catalog.ids-unique"
	CatalogNamesUnique                        CheckID = "catalog.names-unique"
	CatalogMaintenanceInfoSemver              CheckID = "catalog.maintenance-info-semver"
	CatalogSchemasValid                       CheckID = "catalog.schemas-valid"
	CatalogNamesCLIFriendly                   CheckID = "catalog.names-cli-friendly"
	CatalogIDsGUID                            CheckID = "catalog.ids-guid"
	CatalogStringLength                       CheckID = "catalog.string-length"
	CatalogMaximumPollingDuration             CheckID = "catalog.maximum-polling-duration"
	CatalogRequiresKnown                      CheckID = "catalog.requires-known"
	CatalogBindingSchemaBindable              CheckID = "catalog.binding-schema-bindable"
	CatalogOtherRules                         CheckID = "catalog.other-rules"
	AuthMissingCredentials401                 CheckID = "auth.missing-credentials-401"
	AuthWrongCredentials401                   CheckID = "auth.wrong-credentials-401"
	VersionUnsupported412                     CheckID = "version.unsupported-412"
	VersionMissingHeader                      CheckID = "version.missing-header"
	HeadersRequestIdentityEchoed              CheckID = "headers.request-identity-echoed"
	RequestsVendorExtensionsIgnored           CheckID = "requests.vendor-extensions-ignored"
	IDsLongCRN                                CheckID = "ids.long-crn"
	ProvisionAsyncRequired422                 CheckID = "provision.async-required-422"
	ProvisionSync201New                       CheckID = "provision.sync.201-new"
	ProvisionAsync202ThenSucceeded            CheckID = "provision.async.202-then-succeeded"
	ProvisionAsyncOperation                   CheckID = "provision.async.operation"
	ProvisionAsync202RepeatSameOperation      CheckID = "provision.async.202-repeat-same-operation"
	ProvisionSync200IdenticalRepeat           CheckID = "provision.sync.200-identical-repeat"
	Provision409ConflictingRepeat             CheckID = "provision.409-conflicting-repeat"
	ProvisionDashboardURL                     CheckID = "provision.dashboard-url"
	ProvisionMetadataShape                    CheckID = "provision.metadata-shape"
	LastOperationStateValues                  CheckID = "last_operation.state-values"
	LastOperationRetryAfter                   CheckID = "last_operation.retry-after"
	LastOperationWithinMaximumPollingDuration CheckID = "last_operation.within-maximum-polling-duration"
	InstanceGet                               CheckID = "instance.get"
	UpdatePreviousValues                      CheckID = "update.previous-values"
	UpdateMaintenanceInfoConflict422          CheckID = "update.maintenance-info-conflict-422"
	UpdatePlanChange                          CheckID = "update.plan-change"
	BindRequiresApp422                        CheckID = "bind.requires-app-422"
	Bind201New                                CheckID = "bind.201-new"
	BindAsync202ThenSucceeded                 CheckID = "bind.async.202-then-succeeded"
	BindCredentials                           CheckID = "bind.credentials"
	BindShape                                 CheckID = "bind.shape"
	Bind200IdenticalRepeat                    CheckID = "bind.200-identical-repeat"
	Bind409ConflictingRepeat                  CheckID = "bind.409-conflicting-repeat"
	BindingGet                                CheckID = "binding.get"
	BindRotation                              CheckID = "bind.rotation"
	Unbind200Or202                            CheckID = "unbind.200-or-202"
	UnbindMissing410                          CheckID = "unbind.missing-410"
	ErrorsErrorCode                           CheckID = "errors.error-code"
	ConcurrencyBusyInstance                   CheckID = "concurrency.busy-instance"
	Deprovision200Or202                       CheckID = "deprovision.200-or-202"
	DeprovisionMissing410                     CheckID = "deprovision.missing-410"
	BrokerAnswersWithin60s                    CheckID = "broker.answers-within-60s"
	AnswersBodyShape                          CheckID = "answers.body-shape"
	AnswersContentTypeJSON                    CheckID = "answers.content-type-json"
	ErrorsDescriptionString                   CheckID = "errors.description-string"
	InstanceGetMissing404                     CheckID = "instance.get-missing-404"
	BindingGetMissing404                      CheckID = "binding.get-missing-404"
	LastOperationMissing404                   CheckID = "last_operation.missing-404"
	LastOperationOperationFields              CheckID = "last_operation.operation-fields"
	RequestsMalformed400                      CheckID = "requests.malformed-400"
	ProvisionDashboardURLFirst                CheckID = "provision.dashboard-url-first"
	InstanceGetWhileUpdating422               CheckID = "instance.get-while-updating-422"
	UpdateKeepsPlan                           CheckID = "update.keeps-plan"
	BindAsyncRequired422                      CheckID = "bind.async-required-422"
	UnbindBusy422                             CheckID = "unbind.busy-422"
	RequestsUnprocessableBody400              CheckID = "requests.unprocessable-body-400"
	CatalogMetadataNames                      CheckID = "catalog.metadata-names"
	AnswersStatusDefined                      CheckID = "answers.status-defined"
)

// Check is one rule of OSB v2.17 that the checker verifies.
type Check struct {
	// ID is stable across releases, e.g. "provision.async.202-then-succeeded".
	ID CheckID `json:"id"`
	// Section names the part of the specification the rule comes from.
	Section string `json:"section"`
	// Level is the rule's requirement level (RFC 2119 as the specification uses it).
	Level cataloglint.Level `json:"level"`
	// Rule says in one sentence what a conformant broker does.
	Rule string `json:"rule"`
}

// violation is the outcome a broker gets for breaking the check's rule.
func (c Check) violation() Outcome {
	switch c.Level {
	case cataloglint.LevelMust:
		return Fail
	case cataloglint.LevelShould:
		return Warn
	default:
		return Info
	}
}

// allChecks lists every check in the order reports show them.
var allChecks = []Check{
	{CatalogFetch, "Catalog Management", must, "GET /v2/catalog answers 200 with at least one service offering"},
	{CatalogRequiredFields, "Catalog Management, Service Offering Object", must, "every offering and plan has the REQUIRED fields, non-empty"},
	{CatalogIDsUnique, "Catalog Management, Service Plan Object", must, "offering and plan ids are unique across the catalog"},
	{CatalogNamesUnique, "Catalog Management, Service Offering Object", must, "offering names are unique, plan names are unique within their offering"},
	{CatalogMaintenanceInfoSemver, "Catalog Management, Maintenance Info Object", must, "maintenance_info.version is a Semantic Versioning 2.0 version"},
	{CatalogSchemasValid, "Catalog Management, Input Parameters Schema Object", must, "every parameters schema names its $schema, has no external reference, is at most 64 kB and compiles"},
	{CatalogNamesCLIFriendly, "Catalog Management, Service Offering Object", should, "names are CLI-friendly: alphanumerics, periods and hyphens"},
	{CatalogIDsGUID, "Catalog Management, Service Plan Object", should, "ids are GUIDs, as the specification recommends"},
	{CatalogStringLength, "Catalog Management", should, "names and descriptions stay within 255 characters"},
	{CatalogMaximumPollingDuration, "Polling Interval and Duration", should, "maximum_polling_duration, when set, is positive"},
	{CatalogRequiresKnown, "Catalog Management, Service Offering Object", should, "requires lists only syslog_drain, route_forwarding and volume_mount"},
	{CatalogMetadataNames, "Profile, Service Metadata", should, "offering and plan metadata use the property names the profile recommends, not another spelling of them (display_name for displayName)"},
	{CatalogBindingSchemaBindable, "Catalog Management, Schemas Object", may, "a binding schema belongs to a bindable plan"},
	{CatalogOtherRules, "Catalog Management", must, "no other rule of the catalog lint is broken (graded by each rule's level)"},
	{AuthMissingCredentials401, "Platform to Service Broker Authentication", must, "a request without credentials gets 401 Unauthorized"},
	{AuthWrongCredentials401, "Platform to Service Broker Authentication", must, "a request with wrong credentials gets 401 Unauthorized"},
	{VersionUnsupported412, "Headers, API Version Header", must, "an unsupported X-Broker-API-Version is served or rejected with 412 Precondition Failed"},
	{VersionMissingHeader, "Headers, API Version Header", must, "a request without X-Broker-API-Version is served or rejected with 400 or 412"},
	{HeadersRequestIdentityEchoed, "Headers, Request Identity", should, "the answer carries the request's X-Broker-API-Request-Identity"},
	{RequestsVendorExtensionsIgnored, "Vendor Extension Fields", must, "unknown fields in a request are ignored, not refused"},
	{IDsLongCRN, "URL Properties", may, "a 118-character IBM CRN with ':' and '/' works as instance id"},
	{ProvisionAsyncRequired422, "Synchronous and Asynchronous Operations, Asynchronous Operations", must, "without accepts_incomplete=true a provision, update, unbind or deprovision is served synchronously or refused with 422 AsyncRequired, never answered 202"},
	{ProvisionSync201New, "Provisioning, Response", must, "a new instance provisioned synchronously gets 201 Created"},
	{ProvisionAsync202ThenSucceeded, "Synchronous and Asynchronous Operations, Asynchronous Operations", must, "an asynchronous provision gets 202 Accepted and its last_operation ends succeeded"},
	{ProvisionAsyncOperation, "Provisioning, Body", may, "a 202 answer carries an operation for polling"},
	{ProvisionAsync202RepeatSameOperation, "Provisioning, Response", must, "an identical provision, update, bind, unbind or deprovision while in progress gets 202 with the same operation"},
	{ProvisionSync200IdenticalRepeat, "Provisioning, Response", should, "an identical provision of an existing instance gets 200 OK (201 is accepted)"},
	{Provision409ConflictingRepeat, "Provisioning, Response", must, "a provision of an existing id with other attributes gets 409 Conflict"},
	{ProvisionDashboardURL, "Provisioning, Body", should, "dashboard_url, when sent, is an absolute http(s) URL"},
	{ProvisionMetadataShape, "Service Instance Metadata", must, "metadata, when sent, is an object whose labels and attributes are objects"},
	{LastOperationStateValues, "Polling Last Operation for Service Instances, Body", must, `state is spelled "in progress", "succeeded" or "failed"`},
	{LastOperationRetryAfter, "Polling Last Operation for Service Instances, Body", should, "Retry-After, when sent, is a number of seconds or an HTTP date"},
	{LastOperationWithinMaximumPollingDuration, "Polling Interval and Duration", must, "an operation ends within the plan's maximum_polling_duration"},
	{InstanceGet, "Fetching a Service Instance", must, "with instances_retrievable, GET returns the service, plan and parameters provisioned"},
	{UpdatePreviousValues, "Updating a Service Instance, Previous Values Object", must, "an update carrying previous_values is applied (200, or 202 then succeeded)"},
	{UpdateMaintenanceInfoConflict422, "Updating a Service Instance, Response", must, "a provision or update with a stale maintenance_info.version gets 422 MaintenanceInfoConflict"},
	{UpdatePlanChange, "Updating a Service Instance", must, "with plan_updateable, a plan change is applied"},
	{BindRequiresApp422, "Binding, Response", must, "a bind without app_guid is served or refused with 422 RequiresApp"},
	{Bind201New, "Binding, Response", must, "a new binding created synchronously gets 201 Created"},
	{BindAsync202ThenSucceeded, "Polling Last Operation for Service Bindings", must, "an asynchronous bind gets 202 and its binding last_operation ends succeeded"},
	{BindCredentials, "Binding, Body", must, "a binding of a credentials offering carries credentials"},
	{BindShape, "Binding, Body", must, "syslog_drain_url, route_service_url and volume_mounts come only from an offering that declares the matching requires"},
	{Bind200IdenticalRepeat, "Binding, Response", should, "an identical bind of an existing binding gets 200 OK (201 is accepted)"},
	{Bind409ConflictingRepeat, "Binding, Response", must, "a bind of an existing id with other attributes gets 409 Conflict"},
	{BindingGet, "Fetching a Service Binding", must, "with bindings_retrievable, GET returns the binding's credentials"},
	{BindRotation, "Binding, Binding Rotation", must, "with binding_rotatable, a successor binding is created and both bindings stay valid"},
	{Unbind200Or202, "Unbinding, Response", must, "unbinding an existing binding gets 200, or 202 then succeeded or 410"},
	{UnbindMissing410, "Unbinding, Response", must, "unbinding a binding that does not exist gets 410 Gone"},
	{ErrorsErrorCode, "Service Broker Errors, Error Codes", must, "a 422 the specification gives an error code carries it in the error field (AsyncRequired, ConcurrencyError, RequiresApp, MaintenanceInfoConflict)"},
	{ConcurrencyBusyInstance, "Blocking Operations", must, "a deprovision while provisioning is in progress is refused with 422 ConcurrencyError (or accepted)"},
	{Deprovision200Or202, "Deprovisioning, Response", must, "deprovisioning an existing instance gets 200, or 202 then succeeded or 410"},
	{DeprovisionMissing410, "Deprovisioning, Response", must, "deprovisioning an instance that does not exist gets 410 Gone"},
	{BrokerAnswersWithin60s, "Synchronous and Asynchronous Operations", should, "every answer arrives within a platform's 60 s request timeout"},
	{AnswersBodyShape, "Service Broker Errors; each endpoint's Response, Body", must, "every successful answer's body is a JSON object of its endpoint's fields and types, with its REQUIRED fields, obeying the rules openservicebrokerv1.ValidateAnswer applies"},
	{AnswersStatusDefined, "Service Broker Errors; each endpoint's Response", must, "every answer's status is one the specification defines for its endpoint, as openservicebrokerv1.ClassifyStatus says: any other MUST be interpreted as a failure"},
	{AnswersContentTypeJSON, "Content Type", should, "every answer with a body says Content-Type: application/json"},
	{ErrorsDescriptionString, "Service Broker Errors", must, "an error answer is a JSON object whose error and description, when present, are non-empty strings"},
	{InstanceGetMissing404, "Fetching a Service Instance, Response", must, "with instances_retrievable, fetching an instance that does not exist gets 404 Not Found"},
	{BindingGetMissing404, "Fetching a Service Binding, Response", must, "with bindings_retrievable, fetching a binding that does not exist gets 404 Not Found"},
	{LastOperationMissing404, "Polling Last Operation for Service Instances, Response", must, "polling the last operation of an instance or binding that does not exist gets 404 Not Found"},
	{ProvisionDashboardURLFirst, "Provisioning, Body", must, "a dashboard_url comes with the first answer to the provision, not only with later ones"},
	{RequestsMalformed400, "Provisioning, Updating, Binding, Unbinding, Deprovisioning: Response", must, "a request missing its REQUIRED fields or query parameters gets 400 Bad Request"},
	{LastOperationOperationFields, "Polling Last Operation for Service Instances, Body", must, "instance_usable comes only with the last operation of an update or deprovision, update_repeatable only with an update's"},
	{InstanceGetWhileUpdating422, "Fetching a Service Instance, Response", must, "with instances_retrievable, fetching an instance whose update is in progress gets 422 ConcurrencyError"},
	{UpdateKeepsPlan, "Updating a Service Instance, Body", must, "an update without plan_id leaves the instance's plan as it was"},
	{BindAsyncRequired422, "Binding, Parameters; Binding Rotation", must, "a bind or rotation sent without accepts_incomplete=true to a plan that binds asynchronously is served synchronously or refused with 422 AsyncRequired, never answered 202"},
	{RequestsUnprocessableBody400, "Content Type", should, "a request whose body cannot be processed (not JSON) is refused with 400 Bad Request"},
	{UnbindBusy422, "Unbinding, Response; Blocking Operations", must, "an unbind of a binding whose bind is in progress is refused with 422 ConcurrencyError (or accepted)"},
}

var checkByID = func() map[CheckID]Check {
	index := make(map[CheckID]Check, len(allChecks))
	for _, check := range allChecks {
		index[check.ID] = check
	}
	return index
}()

// Checks returns every check the checker knows, in report order.
func Checks() []Check {
	return append([]Check(nil), allChecks...)
}

// selection decides which checks run from --only and --skip patterns (check ids or globs).
type selection struct {
	only, skip []string
}

func newSelection(only, skip []string) (selection, error) {
	for _, pattern := range append(append([]string(nil), only...), skip...) {
		if _, err := path.Match(pattern, ""); err != nil {
			return selection{}, fmt.Errorf("check pattern %q is not a valid glob: %w", pattern, err)
		}
		if !matchesAnyCheck(pattern) {
			return selection{}, fmt.Errorf("check pattern %q matches no check; `osb check --list` shows them", pattern)
		}
	}
	return selection{only: only, skip: skip}, nil
}

func matchesAnyCheck(pattern string) bool {
	for _, check := range allChecks {
		if matches(pattern, string(check.ID)) {
			return true
		}
	}
	return false
}

// matches reports whether a pattern names a check: its id, a glob over ids, or a prefix of
// dot-separated parts ("provision" selects every provision.* check).
func matches(pattern, id string) bool {
	if ok, _ := path.Match(pattern, id); ok {
		return true
	}
	return strings.HasPrefix(id, strings.TrimSuffix(pattern, ".")+".")
}

func (s selection) selected(id CheckID) bool {
	for _, pattern := range s.skip {
		if matches(pattern, string(id)) {
			return false
		}
	}
	if len(s.only) == 0 {
		return true
	}
	for _, pattern := range s.only {
		if matches(pattern, string(id)) {
			return true
		}
	}
	return false
}
