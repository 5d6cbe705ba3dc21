package openservicebrokerv1

// The version table: which endpoint, header, query parameter and body field each OSB version
// introduced, and what a client announcing an older X-Broker-API-Version does with it.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/osbkit/osb-go-sdk/common"
	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// ErrNewerThanAPIVersion is matched by errors.Is when a request is refused because it needs a
// newer API version than the X-Broker-API-Version the client announces (see APIVersionRules).
var ErrNewerThanAPIVersion = errors.New("needs a newer X-Broker-API-Version")

// apiVersion is an X-Broker-API-Version as numbers.
type apiVersion struct{ major, minor int }

// parseAPIVersion reads major.minor (common.ParseBrokerAPIVersion); ok is false for anything else.
func parseAPIVersion(text string) (version apiVersion, ok bool) {
	version.major, version.minor, ok = common.ParseBrokerAPIVersion(text)
	return version, ok
}

func (v apiVersion) before(other apiVersion) bool {
	return v.major < other.major || (v.major == other.major && v.minor < other.minor)
}

func (v apiVersion) String() string { return strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor) }

// ElementKind says what a row of the version table is about.
type ElementKind string

const (
	ElementEndpoint ElementKind = "endpoint"
	ElementHeader   ElementKind = "header"
	ElementQuery    ElementKind = "query"
	ElementBody     ElementKind = "body"
)

// APIVersionRule is one row of the version table: an element of a request, the version that
// introduced it, and what a client announcing an older version does with a request that has it.
type APIVersionRule struct {
	// Operation is the operation's id (replace_service_binding); "" for every operation that has
	// the element.
	Operation string
	Kind      ElementKind
	// Name is the header's or query parameter's name, or the body field's JSON pointer
	// (/context/instance_name); "" for an endpoint.
	Name string
	// Since is the version that introduced the element.
	Since string
	// Refused: the request is refused before it is sent (an error matching
	// ErrNewerThanAPIVersion), because leaving the element out would change what is asked.
	// Otherwise the element is left out silently: without it the request means to a broker of
	// the older version what it meant with it.
	Refused bool
	// Source is where the specification says so.
	Source string
}

const (
	sourceProfileCF  = "profile.md, Cloud Foundry Context Object"
	sourceProfileK8s = "profile.md, Kubernetes Context Object"
	sourceBindCF     = "profile.md, Cloud Foundry Bind Resource Object"
)

func releaseNotes(version, what string) string {
	return "release notes v" + version + ": " + what
}

// apiVersionRules is the version table. Rules for one element and several operations with
// different versions are one row each; a request is gated by every row that matches it.
var apiVersionRules = []APIVersionRule{
	{Operation: "get_last_operation", Kind: ElementEndpoint, Since: "2.7", Refused: true, Source: releaseNotes("2.7", "last_operation endpoint")},
	{Operation: "get_service_instance", Kind: ElementEndpoint, Since: "2.14", Refused: true, Source: releaseNotes("2.14", "GET endpoint for fetching a Service Instance")},
	{Operation: "get_service_binding", Kind: ElementEndpoint, Since: "2.14", Refused: true, Source: releaseNotes("2.14", "GET endpoint for fetching a Service Binding")},
	{Operation: "get_service_binding_last_operation", Kind: ElementEndpoint, Since: "2.14", Refused: true, Source: releaseNotes("2.14", "last operation endpoint for Service Bindings")},

	{Kind: ElementHeader, Name: HeaderOriginatingIdentity, Since: "2.13", Source: releaseNotes("2.13", "originating identity HTTP header")},
	{Kind: ElementHeader, Name: HeaderRequestIdentity, Since: "2.15", Source: releaseNotes("2.15", "request identity header")},
	{Operation: "list_catalog", Kind: ElementHeader, Name: "If-None-Match", Since: "2.16", Source: releaseNotes("2.16", "ETag and If-Modified-Since headers")},
	{Operation: "list_catalog", Kind: ElementHeader, Name: "If-Modified-Since", Since: "2.16", Source: releaseNotes("2.16", "ETag and If-Modified-Since headers")},

	{Operation: "replace_service_instance", Kind: ElementQuery, Name: "accepts_incomplete", Since: "2.7", Source: releaseNotes("2.7", "asynchronous operations")},
	{Operation: "update_service_instance", Kind: ElementQuery, Name: "accepts_incomplete", Since: "2.7", Source: releaseNotes("2.7", "asynchronous operations")},
	{Operation: "delete_service_instance", Kind: ElementQuery, Name: "accepts_incomplete", Since: "2.7", Source: releaseNotes("2.7", "asynchronous operations")},
	{Operation: "replace_service_binding", Kind: ElementQuery, Name: "accepts_incomplete", Since: "2.14", Source: releaseNotes("2.14", "asynchronous Service Bindings")},
	{Operation: "delete_service_binding", Kind: ElementQuery, Name: "accepts_incomplete", Since: "2.14", Source: releaseNotes("2.14", "asynchronous Service Bindings")},
	{Operation: "get_last_operation", Kind: ElementQuery, Name: "service_id", Since: "2.9", Source: releaseNotes("2.9", "last_operation supports service_id and plan_id")},
	{Operation: "get_last_operation", Kind: ElementQuery, Name: "plan_id", Since: "2.9", Source: releaseNotes("2.9", "last_operation supports service_id and plan_id")},
	{Operation: "get_last_operation", Kind: ElementQuery, Name: "operation", Since: "2.9", Source: releaseNotes("2.9", "operation field")},
	{Operation: "get_service_instance", Kind: ElementQuery, Name: "service_id", Since: "2.16", Source: releaseNotes("2.16", "Service ID and Plan ID as hints")},
	{Operation: "get_service_instance", Kind: ElementQuery, Name: "plan_id", Since: "2.16", Source: releaseNotes("2.16", "Service ID and Plan ID as hints")},
	{Operation: "get_service_binding", Kind: ElementQuery, Name: "service_id", Since: "2.16", Source: releaseNotes("2.16", "Service ID and Plan ID as hints")},
	{Operation: "get_service_binding", Kind: ElementQuery, Name: "plan_id", Since: "2.16", Source: releaseNotes("2.16", "Service ID and Plan ID as hints")},

	{Kind: ElementBody, Name: "/context", Since: "2.12", Source: releaseNotes("2.12", "context field for provisioning and updating")},
	{Operation: "replace_service_binding", Kind: ElementBody, Name: "/context", Since: "2.13", Source: releaseNotes("2.13", "context field for creating a service binding")},
	{Kind: ElementBody, Name: "/context/organization_name", Since: "2.15", Source: sourceProfileCF},
	{Kind: ElementBody, Name: "/context/space_name", Since: "2.15", Source: sourceProfileCF},
	{Kind: ElementBody, Name: "/context/instance_name", Since: "2.15", Source: sourceProfileCF + "; " + sourceProfileK8s},
	{Kind: ElementBody, Name: "/context/organization_annotations", Since: "2.16", Source: sourceProfileCF},
	{Kind: ElementBody, Name: "/context/space_annotations", Since: "2.16", Source: sourceProfileCF},
	{Kind: ElementBody, Name: "/context/instance_annotations", Since: "2.16", Source: sourceProfileCF + "; " + sourceProfileK8s},
	{Kind: ElementBody, Name: "/context/clusterid", Since: "2.14", Source: sourceProfileK8s},
	{Kind: ElementBody, Name: "/context/namespace_annotations", Since: "2.16", Source: sourceProfileK8s},
	{Kind: ElementBody, Name: "/maintenance_info", Since: "2.15", Refused: true, Source: releaseNotes("2.15", "maintenance info")},
	{Operation: "update_service_instance", Kind: ElementBody, Name: "/previous_values/maintenance_info", Since: "2.15", Source: releaseNotes("2.15", "maintenance info")},
	{Operation: "replace_service_binding", Kind: ElementBody, Name: "/bind_resource", Since: "2.8", Source: releaseNotes("2.8", "bind_resource")},
	{Operation: "replace_service_binding", Kind: ElementBody, Name: "/bind_resource/app_annotations", Since: "2.16", Source: sourceBindCF},
	{Operation: "replace_service_binding", Kind: ElementBody, Name: "/bind_resource/credential_client_id", Since: "2.16", Source: sourceBindCF},
	{Operation: "replace_service_binding", Kind: ElementBody, Name: "/predecessor_binding_id", Since: "2.17", Refused: true, Source: releaseNotes("2.17", "binding rotation fields")},
}

// APIVersionRules returns the version table the client applies to every request: a client
// announcing an older X-Broker-API-Version than a rule's Since leaves the element out, or
// refuses the request when the rule says Refused.
func APIVersionRules() []APIVersionRule {
	return slices.Clone(apiVersionRules)
}

// compiledRule is a row of the table ready to apply.
type compiledRule struct {
	APIVersionRule
	since   apiVersion
	pointer []string // the body field's JSON pointer, split
}

// compiledRules and newestRule are computed once from the table; a client announcing
// newestRule or later sends every request as it is built, without looking at the table.
var compiledRules, newestRule = compileRules(apiVersionRules)

func compileRules(rules []APIVersionRule) ([]compiledRule, apiVersion) {
	compiled := make([]compiledRule, len(rules))
	var newest apiVersion
	for i, rule := range rules {
		since, ok := parseAPIVersion(rule.Since)
		if !ok {
			panic("openservicebrokerv1: version table: " + rule.Since + " is not a version")
		}
		compiled[i] = compiledRule{APIVersionRule: rule, since: since}
		if rule.Kind == ElementBody {
			compiled[i].pointer = strings.Split(rule.Name, "/")[1:]
		}
		if newest.before(since) {
			newest = since
		}
	}
	return compiled, newest
}

// fitAPIVersion applies the version table to a request about to be sent, for version, the one
// its X-Broker-API-Version header announces.
func fitAPIVersion(request *sdkruntime.Request, version apiVersion) error {
	if !version.before(newestRule) {
		return nil
	}
	body := gatedBody{value: request.Body}
	for rule := range rulesNewerThan(request.Op.ID, version) {
		present, err := rule.apply(request, &body)
		if err != nil {
			return err
		}
		if present && rule.Refused {
			return rule.refusal(request.Op, version)
		}
	}
	return body.store(request)
}

// rulesNewerThan yields the rows of the table that apply to the operation and that version
// does not have yet.
func rulesNewerThan(operationID string, version apiVersion) iter.Seq[*compiledRule] {
	return func(yield func(*compiledRule) bool) {
		for i := range compiledRules {
			rule := &compiledRules[i]
			if (rule.Operation == "" || rule.Operation == operationID) && version.before(rule.since) && !yield(rule) {
				return
			}
		}
	}
}

// NewerThanAPIVersion is the version table seen from the broker: it returns the rows that a
// received request breaks, the elements it carries (its endpoint, a header, a query parameter, a
// body field) that the X-Broker-API-Version it announces does not have yet. body is the request's
// body as read. A request for no operation of the specification, or whose version is missing
// or not major.minor, breaks none. A client of this package sends no such request.
func NewerThanAPIVersion(request *http.Request, body []byte) []APIVersionRule {
	version, ok := parseAPIVersion(request.Header.Get(canonicalAPIVersion))
	if !ok || !version.before(newestRule) {
		return nil
	}
	operationID := routes.operationID(request)
	if operationID == "" {
		return nil
	}
	var fields map[string]any
	_ = json.Unmarshal(body, &fields) // a body that is not a JSON object carries no field
	var broken []APIVersionRule
	for rule := range rulesNewerThan(operationID, version) {
		if rule.carriedBy(request, fields) {
			broken = append(broken, rule.APIVersionRule)
		}
	}
	return broken
}

// carriedBy reports whether a received request has the rule's element; the rule applies to its
// operation.
func (rule *compiledRule) carriedBy(request *http.Request, fields map[string]any) bool {
	switch rule.Kind {
	case ElementHeader:
		return len(request.Header.Values(rule.Name)) > 0
	case ElementQuery:
		return request.URL.Query().Has(rule.Name)
	case ElementBody:
		_, found := fieldParent(fields, rule.pointer)
		return found
	}
	return true // the endpoint itself
}

// fieldParent returns the object that holds the field at pointer, and whether it is there.
func fieldParent(fields map[string]any, pointer []string) (map[string]any, bool) {
	parent := fields
	for _, key := range pointer[:len(pointer)-1] {
		child, ok := parent[key].(map[string]any)
		if !ok {
			return nil, false
		}
		parent = child
	}
	_, found := parent[pointer[len(pointer)-1]]
	return parent, found
}

// apply finds the rule's element in the request and, unless the rule refuses it, removes it.
func (rule *compiledRule) apply(request *sdkruntime.Request, body *gatedBody) (present bool, err error) {
	switch rule.Kind {
	case ElementEndpoint:
		return true, nil
	case ElementHeader:
		name := http.CanonicalHeaderKey(rule.Name)
		_, present = request.Header[name]
		if present && !rule.Refused {
			delete(request.Header, name)
		}
	case ElementQuery:
		index := slices.IndexFunc(request.Query, func(q sdkruntime.QueryParam) bool { return q.Name == rule.Name })
		present = index >= 0
		if present && !rule.Refused {
			request.Query = slices.Delete(request.Query, index, index+1)
		}
	case ElementBody:
		return body.remove(request.Op, rule.pointer, !rule.Refused)
	}
	return present, nil
}

func (rule *compiledRule) refusal(op *sdkruntime.Operation, version apiVersion) error {
	what := fmt.Sprintf("%s %s", rule.Kind, rule.Name)
	if rule.Kind == ElementEndpoint {
		what = fmt.Sprintf("the endpoint %s %s", op.Method, op.Path)
	}
	return &ParameterError{Operation: op.Name, Parameter: HeaderAPIVersion, Err: ErrNewerThanAPIVersion,
		Problem: fmt.Sprintf("is %s, but %s was introduced in %s (%s): nothing was sent; "+
			"set the client to %s or later with SetBrokerAPIVersion if the broker supports it, or leave the field out",
			version, what, rule.Since, rule.Source, rule.Since)}
}

// gatedBody is the request body as JSON values, decoded on the first body rule that applies.
type gatedBody struct {
	value   any
	decoded map[string]any
	changed bool
}

// remove finds the field at pointer and, when drop is set, deletes it.
func (b *gatedBody) remove(op *sdkruntime.Operation, pointer []string, drop bool) (bool, error) {
	if b.value == nil {
		return false, nil
	}
	if b.decoded == nil {
		if err := b.decode(op); err != nil {
			return false, err
		}
	}
	parent, present := fieldParent(b.decoded, pointer)
	if present && drop {
		delete(parent, pointer[len(pointer)-1])
		b.changed = true
	}
	return present, nil
}

func (b *gatedBody) decode(op *sdkruntime.Operation) error {
	encoded, err := json.Marshal(b.value)
	if err == nil {
		decoder := json.NewDecoder(bytes.NewReader(encoded))
		decoder.UseNumber()
		err = decoder.Decode(&b.decoded)
	}
	if err != nil {
		return &ParameterError{Operation: op.Name, Parameter: "request body", Problem: "cannot be encoded as a JSON object", Err: err}
	}
	return nil
}

// store replaces the request's body with what is left of it, when anything was removed.
func (b *gatedBody) store(request *sdkruntime.Request) error {
	if !b.changed {
		return nil
	}
	encoded, err := json.Marshal(b.decoded)
	if err != nil {
		return &ParameterError{Operation: request.Op.Name, Parameter: "request body", Problem: "cannot be encoded as JSON", Err: err}
	}
	request.Body = json.RawMessage(encoded)
	return nil
}
