package brokertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// requestBody is the part of a PUT or PATCH body that the broker library does not check as a
// strict broker would, or drops (predecessor_binding_id). Pointers tell absent fields apart.
type requestBody struct {
	ServiceID            *string         `json:"service_id"`
	PlanID               *string         `json:"plan_id"`
	OrganizationGUID     *string         `json:"organization_guid"`
	SpaceGUID            *string         `json:"space_guid"`
	AppGUID              *string         `json:"app_guid"`
	Context              json.RawMessage `json:"context"`
	Parameters           json.RawMessage `json:"parameters"`
	PredecessorBindingID string          `json:"predecessor_binding_id"`
}

// requestBodyKey keys the decoded requestBody in the request context, where the backend finds
// what the broker library's request types leave out.
type requestBodyKey struct{}

func requestBodyFrom(ctx context.Context) requestBody {
	body, _ := ctx.Value(requestBodyKey{}).(requestBody)
	return body
}

// bodyRule is what a strict broker requires of the body of one operation.
type bodyRule struct {
	operation string
	section   string // of OSB v2.17, cited in every rejection
	required  []string
}

var (
	provisionRule = bodyRule{"provision", `"Provisioning", Body`,
		[]string{"service_id", "plan_id", "organization_guid", "space_guid"}}
	updateRule = bodyRule{"update", `"Updating a Service Instance", Body`, []string{"service_id"}}
	bindRule   = bodyRule{"bind", `"Binding", Request (Creating a Service Binding), Body`,
		[]string{"service_id", "plan_id"}}
)

// queryRule is what a strict broker requires of the query of a DELETE.
type queryRule struct {
	operation string
	section   string
}

var (
	deprovisionRule = queryRule{"deprovision", `"Deprovisioning", Parameters`}
	unbindRule      = queryRule{"unbind", `"Unbinding", Parameters`}
)

// requestRules decodes PUT and PATCH bodies into the request context and, when strict, answers
// 400 (or 412) to what OSB v2.17 calls malformed or missing mandatory data before the broker
// library sees it. Lenient, a body that does not decode goes on to the library unchanged.
func requestRules(strict bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		mux := http.NewServeMux()
		body := func(rule bodyRule) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				if r, ok := withRequestBody(w, r, rule, strict); ok {
					next.ServeHTTP(w, r)
				}
			}
		}
		query := func(rule queryRule) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				if !strict || checkQuery(w, r, rule) {
					next.ServeHTTP(w, r)
				}
			}
		}
		mux.Handle("/", next)
		mux.Handle("PUT /v2/service_instances/{instance_id}", body(provisionRule))
		mux.Handle("PATCH /v2/service_instances/{instance_id}", body(updateRule))
		mux.Handle("DELETE /v2/service_instances/{instance_id}", query(deprovisionRule))
		mux.Handle("PUT /v2/service_instances/{instance_id}/service_bindings/{binding_id}", body(bindRule))
		mux.Handle("DELETE /v2/service_instances/{instance_id}/service_bindings/{binding_id}", query(unbindRule))
		if !strict {
			return mux
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if status, problem := checkAPIVersion(r.Header.Get("X-Broker-API-Version")); problem != "" {
				writeOSBError(w, status, problem)
				return
			}
			if problem := newerThanAnnounced(r); problem != "" {
				writeOSBError(w, http.StatusPreconditionFailed, problem)
				return
			}
			mux.ServeHTTP(w, r)
		})
	}
}

// supportedVersion is the form of X-Broker-API-Version this broker serves: any 2.x, since
// minor revisions only add to the API.
var supportedVersion = regexp.MustCompile(`^2\.[0-9]+$`)

// checkAPIVersion returns the status and description of a rejection, or "" to serve. A missing
// header gets 400, which "API Version Header" names for it; a version other than 2.x gets 412.
func checkAPIVersion(version string) (int, string) {
	const section = `(OSB v2.17 "API Version Header")`
	switch {
	case version == "":
		return http.StatusBadRequest, "the X-Broker-API-Version header is required; send X-Broker-API-Version: 2.17 " + section
	case !supportedVersion.MatchString(version):
		return http.StatusPreconditionFailed, fmt.Sprintf("X-Broker-API-Version %s is not supported; "+
			"this broker implements 2.17 and serves any 2.x version (MAJOR.MINOR) %s", abbreviate(version), section)
	}
	return 0, ""
}

// newerThanAnnounced returns why a request asks for what its X-Broker-API-Version does not
// have yet, or "" to serve it. Only the version table's Refused rows count (an endpoint, a
// maintenance_info check, a rotation): without them the request would ask something else. An
// element a broker of the announced version would not know and ignore (a context property, a
// header) is served, as "Vendor Extension Fields" requires, and only recorded.
func newerThanAnnounced(r *http.Request) string {
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return "" // withRequestBody answers a body that could not be read
	}
	var newer []string
	for _, rule := range openservicebrokerv1.NewerThanAPIVersion(r, body) {
		if rule.Refused {
			newer = append(newer, fmt.Sprintf("%s was introduced in %s (%s)", describeElement(r, rule), rule.Since, rule.Source))
		}
	}
	if len(newer) == 0 {
		return ""
	}
	return fmt.Sprintf("X-Broker-API-Version %s does not have what the request asks for: %s; send the version that introduced it "+
		`(OSB v2.17 "API Version Header")`, abbreviate(r.Header.Get("X-Broker-API-Version")), strings.Join(newer, "; "))
}

// describeElement names a row's element as the request carries it.
func describeElement(r *http.Request, rule openservicebrokerv1.APIVersionRule) string {
	if rule.Kind == openservicebrokerv1.ElementEndpoint {
		return "the endpoint " + r.Method + " " + r.URL.Path
	}
	return fmt.Sprintf("the %s %s", rule.Kind, rule.Name)
}

// withRequestBody decodes the body into the request context and, when strict, checks it
// against rule; false means it answered the request.
func withRequestBody(w http.ResponseWriter, r *http.Request, rule bodyRule, strict bool) (*http.Request, bool) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		writeOSBError(w, http.StatusBadRequest, "reading the request body: "+err.Error())
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	var body requestBody
	err = json.Unmarshal(data, &body)
	if err == nil {
		r = r.WithContext(context.WithValue(r.Context(), requestBodyKey{}, body))
	}
	if !strict {
		return r, true
	}
	problems := []string{}
	if err != nil {
		problems = append(problems, "the body is not a JSON object of the operation's fields: "+err.Error())
	} else {
		problems = append(problems, rule.problems(body)...)
	}
	if len(problems) > 0 {
		writeOSBError(w, http.StatusBadRequest, fmt.Sprintf("malformed %s request: %s (OSB v2.17 %s)",
			rule.operation, strings.Join(problems, "; "), rule.section))
		return nil, false
	}
	return r, true
}

// problems lists what is malformed or missing in body.
func (rule bodyRule) problems(body requestBody) []string {
	fields := map[string]*string{
		"service_id": body.ServiceID, "plan_id": body.PlanID,
		"organization_guid": body.OrganizationGUID, "space_guid": body.SpaceGUID,
	}
	var problems, missing []string
	for _, name := range rule.required {
		if value := fields[name]; value == nil || *value == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		problems = append(problems, strings.Join(missing, ", ")+" must be present as non-empty strings")
	}
	if body.AppGUID != nil && *body.AppGUID == "" {
		problems = append(problems, "app_guid, when present, must be a non-empty string")
	}
	if !isObjectOrAbsent(body.Parameters) {
		problems = append(problems, "parameters, when present, must be a JSON object")
	}
	if problem := contextProblem(body.Context); problem != "" {
		problems = append(problems, problem)
	}
	return problems
}

// contextProblem checks what the profile's "Context Object" requires of every context: an
// object with a non-empty string platform.
func contextProblem(raw json.RawMessage) string {
	if isAbsent(raw) {
		return ""
	}
	var context struct {
		Platform *string `json:"platform"`
	}
	if !isObjectOrAbsent(raw) || json.Unmarshal(raw, &context) != nil || context.Platform == nil || *context.Platform == "" {
		return `context, when present, must be a JSON object with "platform", a non-empty string (OSB v2.17 profile, "Context Object")`
	}
	return ""
}

// checkQuery answers 400 when the service_id or plan_id query parameter is missing or empty;
// true means the request may go on.
func checkQuery(w http.ResponseWriter, r *http.Request, rule queryRule) bool {
	query := r.URL.Query()
	var missing []string
	for _, name := range []string{"service_id", "plan_id"} {
		if query.Get(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return true
	}
	writeOSBError(w, http.StatusBadRequest, fmt.Sprintf("malformed %s request: the query parameters %s are required (OSB v2.17 %s)",
		rule.operation, strings.Join(missing, " and "), rule.section))
	return false
}

// isAbsent reports whether a JSON value was left out or sent as null.
func isAbsent(raw json.RawMessage) bool {
	trimmed := bytes.TrimSpace(raw)
	return len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null"))
}

// isObjectOrAbsent reports whether a JSON value is absent, null or an object.
func isObjectOrAbsent(raw json.RawMessage) bool {
	return isAbsent(raw) || bytes.TrimSpace(raw)[0] == '{'
}

// abbreviate quotes a value from a request for an error message, cut to a readable length.
func abbreviate(value string) string {
	const limit = 40
	if len(value) > limit {
		value = value[:limit] + "..."
	}
	return fmt.Sprintf("%q", value)
}
