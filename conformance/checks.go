package conformance

import (
	"fmt"
	"path"
	"strings"
)

// Level is the requirement level of the specification sentence a check enforces; it decides
// what a broker that breaks the rule gets.
type Level string

// The requirement levels of RFC 2119 that the specification uses.
const (
	// Must: breaking the rule fails the check.
	Must Level = "MUST"
	// Should: breaking the rule is a warning (a failure with Options.Strict).
	Should Level = "SHOULD"
	// May: the broker chose one of the answers the specification allows; reported for information.
	May Level = "MAY"
)

// Check is one rule of OSB v2.17 that the checker verifies.
type Check struct {
	// ID is stable across releases, e.g. "provision.async.202-then-succeeded".
	ID string `json:"id"`
	// Section names the part of the specification the rule comes from.
	Section string `json:"section"`
	// Level is the rule's requirement level.
	Level Level `json:"level"`
	// Rule says in one sentence what a conformant broker does.
	Rule string `json:"rule"`
}

// violation is the outcome a broker gets for breaking the check's rule.
func (c Check) violation() Outcome {
	switch c.Level {
	case Must:
		return Fail
	case Should:
		return Warn
	default:
		return Info
	}
}

// allChecks lists every check in the order reports show them.
var allChecks = []Check{
	{"catalog.fetch", "Catalog Management", Must, "GET /v2/catalog answers 200 with at least one service offering"},
	{"catalog.required-fields", "Catalog Management, Service Offering Object", Must, "every offering and plan has the REQUIRED fields, non-empty"},
	{"catalog.ids-unique", "Catalog Management, Service Plan Object", Must, "offering and plan ids are unique across the catalog"},
	{"catalog.names-unique", "Catalog Management, Service Offering Object", Must, "offering names are unique, plan names are unique within their offering"},
	{"catalog.maintenance-info-semver", "Catalog Management, Maintenance Info Object", Must, "maintenance_info.version is a Semantic Versioning 2.0 version"},
	{"catalog.schemas-valid", "Catalog Management, Input Parameters Schema Object", Must, "every parameters schema names its $schema, has no external reference, is at most 64 kB and compiles"},
	{"catalog.names-cli-friendly", "Catalog Management, Service Offering Object", Should, "names are CLI-friendly: alphanumerics, periods and hyphens"},
	{"catalog.ids-guid", "Catalog Management, Service Plan Object", Should, "ids are GUIDs, as the specification recommends"},
	{"catalog.string-length", "Catalog Management", Should, "names and descriptions stay within 255 characters"},
	{"catalog.maximum-polling-duration", "Polling Interval and Duration", Should, "maximum_polling_duration, when set, is positive"},
	{"catalog.requires-known", "Catalog Management, Service Offering Object", Should, "requires lists only syslog_drain, route_forwarding and volume_mount"},
	{"catalog.binding-schema-bindable", "Catalog Management, Schemas Object", May, "a binding schema belongs to a bindable plan"},
	{"catalog.other-rules", "Catalog Management", Must, "no other rule of the catalog lint is broken (graded by each rule's level)"},
	{"auth.missing-credentials-401", "Platform to Service Broker Authentication", Must, "a request without credentials gets 401 Unauthorized"},
	{"auth.wrong-credentials-401", "Platform to Service Broker Authentication", Must, "a request with wrong credentials gets 401 Unauthorized"},
	{"version.unsupported-412", "Headers, API Version Header", Must, "an unsupported X-Broker-API-Version is served or rejected with 412 Precondition Failed"},
	{"version.missing-header", "Headers, API Version Header", Must, "a request without X-Broker-API-Version is served or rejected with 400 or 412"},
	{"headers.request-identity-echoed", "Headers, Request Identity", Should, "the answer carries the request's X-Broker-API-Request-Identity"},
	{"requests.vendor-extensions-ignored", "Vendor Extension Fields", Must, "unknown fields in a request are ignored, not refused"},
	{"ids.long-crn", "URL Properties", May, "a 118-character IBM CRN with ':' and '/' works as instance id"},
	{"provision.async-required-422", "Synchronous and Asynchronous Operations, Asynchronous Operations", Must, "without accepts_incomplete=true a plan is provisioned synchronously or refused with 422 AsyncRequired, never answered 202"},
	{"provision.sync.201-new", "Provisioning, Response", Must, "a new instance provisioned synchronously gets 201 Created"},
	{"provision.async.202-then-succeeded", "Synchronous and Asynchronous Operations, Asynchronous Operations", Must, "an asynchronous provision gets 202 Accepted and its last_operation ends succeeded"},
	{"provision.async.operation", "Provisioning, Body", May, "a 202 answer carries an operation for polling"},
	{"provision.async.202-repeat-same-operation", "Provisioning, Response", Must, "an identical provision while in progress gets 202 with the same operation"},
	{"provision.sync.200-identical-repeat", "Provisioning, Response", Should, "an identical provision of an existing instance gets 200 OK (201 is accepted)"},
	{"provision.409-conflicting-repeat", "Provisioning, Response", Must, "a provision of an existing id with other attributes gets 409 Conflict"},
	{"provision.dashboard-url", "Provisioning, Body", Should, "dashboard_url, when sent, is an absolute http(s) URL"},
	{"provision.metadata-shape", "Service Instance Metadata", Must, "metadata, when sent, is an object whose labels and attributes are objects"},
	{"last_operation.state-values", "Polling Last Operation for Service Instances, Body", Must, `state is spelled "in progress", "succeeded" or "failed"`},
	{"last_operation.retry-after", "Polling Last Operation for Service Instances, Body", Should, "Retry-After, when sent, is a number of seconds or an HTTP date"},
	{"last_operation.within-maximum-polling-duration", "Polling Interval and Duration", Must, "an operation ends within the plan's maximum_polling_duration"},
	{"instance.get", "Fetching a Service Instance", Must, "with instances_retrievable, GET returns the service, plan and parameters provisioned"},
	{"update.previous-values", "Updating a Service Instance, Previous Values Object", Must, "an update carrying previous_values is applied (200, or 202 then succeeded)"},
	{"update.maintenance-info-conflict-422", "Updating a Service Instance, Response", Must, "an update with a stale maintenance_info.version gets 422 MaintenanceInfoConflict"},
	{"update.plan-change", "Updating a Service Instance", Must, "with plan_updateable, a plan change is applied"},
	{"bind.requires-app-422", "Binding, Response", Must, "a bind without app_guid is served or refused with 422 RequiresApp"},
	{"bind.201-new", "Binding, Response", Must, "a new binding created synchronously gets 201 Created"},
	{"bind.async.202-then-succeeded", "Polling Last Operation for Service Bindings", Must, "an asynchronous bind gets 202 and its binding last_operation ends succeeded"},
	{"bind.credentials", "Binding, Body", Must, "a binding of a credentials offering carries credentials"},
	{"bind.shape", "Binding, Body", Must, "endpoints, volume_mounts and the other binding fields have the shape and the requires the specification defines"},
	{"bind.200-identical-repeat", "Binding, Response", Should, "an identical bind of an existing binding gets 200 OK (201 is accepted)"},
	{"bind.409-conflicting-repeat", "Binding, Response", Must, "a bind of an existing id with other attributes gets 409 Conflict"},
	{"binding.get", "Fetching a Service Binding", Must, "with bindings_retrievable, GET returns the binding's credentials"},
	{"bind.rotation", "Binding, Binding Rotation", Must, "with binding_rotatable, a successor binding is created and both bindings stay valid"},
	{"unbind.200-or-202", "Unbinding, Response", Must, "unbinding an existing binding gets 200, or 202 then succeeded or 410"},
	{"unbind.missing-410", "Unbinding, Response", Must, "unbinding a binding that does not exist gets 410 Gone"},
	{"errors.error-code", "Service Broker Errors, Error Codes", Must, "a 422 the specification gives an error code carries it in the error field (AsyncRequired, ConcurrencyError, RequiresApp, MaintenanceInfoConflict)"},
	{"concurrency.busy-instance", "Blocking Operations", Must, "a deprovision while provisioning is in progress is refused with 422 ConcurrencyError (or accepted)"},
	{"deprovision.200-or-202", "Deprovisioning, Response", Must, "deprovisioning an existing instance gets 200, or 202 then succeeded or 410"},
	{"deprovision.missing-410", "Deprovisioning, Response", Must, "deprovisioning an instance that does not exist gets 410 Gone"},
	{"broker.answers-within-60s", "Synchronous and Asynchronous Operations", Should, "every answer arrives within a platform's 60 s request timeout"},
}

var checkByID = func() map[string]Check {
	index := make(map[string]Check, len(allChecks))
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
		if matches(pattern, check.ID) {
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

func (s selection) selected(id string) bool {
	for _, pattern := range s.skip {
		if matches(pattern, id) {
			return false
		}
	}
	if len(s.only) == 0 {
		return true
	}
	for _, pattern := range s.only {
		if matches(pattern, id) {
			return true
		}
	}
	return false
}
