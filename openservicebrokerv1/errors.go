package openservicebrokerv1

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/IBM/go-sdk-core/v5/core"
)

// OSB error codes a broker puts in the "error" field of an error answer.
const (
	errorCodeAsyncRequired           = "AsyncRequired"
	errorCodeConcurrencyError        = "ConcurrencyError"
	errorCodeRequiresApp             = "RequiresApp"
	errorCodeMaintenanceInfoConflict = "MaintenanceInfoConflict"
)

// Sentinels matched by errors.Is against a *BrokerError carrying the OSB error code.
var (
	// ErrAsyncRequired: the plan needs asynchronous processing and the request lacked accepts_incomplete=true.
	ErrAsyncRequired = errors.New("broker requires accepts_incomplete=true (" + errorCodeAsyncRequired + ")")
	// ErrConcurrencyError: another operation on the same resource is in progress; retry later.
	ErrConcurrencyError = errors.New("broker is busy with another operation on this resource (" + errorCodeConcurrencyError + ")")
	// ErrRequiresApp: the binding needs an application (bind_resource.app_guid).
	ErrRequiresApp = errors.New("broker requires an application for this binding (" + errorCodeRequiresApp + ")")
	// ErrMaintenanceInfoConflict: the maintenance_info sent does not match the broker's catalog.
	ErrMaintenanceInfoConflict = errors.New("broker rejected the maintenance_info (" + errorCodeMaintenanceInfoConflict + ")")
)

// Sentinels matched by errors.Is against a *BrokerError with the HTTP status they name.
var (
	// ErrBadRequest: the broker answered 400 Bad Request.
	ErrBadRequest = errors.New("broker answered 400 Bad Request")
	// ErrUnauthorized: the broker answered 401 Unauthorized.
	ErrUnauthorized = errors.New("broker answered 401 Unauthorized")
	// ErrNotFound: the broker answered 404 Not Found.
	ErrNotFound = errors.New("broker answered 404 Not Found")
	// ErrConflict: the broker answered 409 Conflict.
	ErrConflict = errors.New("broker answered 409 Conflict")
	// ErrGone: the broker answered 410 Gone.
	ErrGone = errors.New("broker answered 410 Gone")
	// ErrPreconditionFailed: the broker answered 412 Precondition Failed, it does not support the API version sent.
	ErrPreconditionFailed = errors.New("broker answered 412 Precondition Failed")
	// ErrUnprocessable: the broker answered 422 Unprocessable Entity.
	ErrUnprocessable = errors.New("broker answered 422 Unprocessable Entity")
)

var sentinelByErrorCode = map[string]error{
	errorCodeAsyncRequired:           ErrAsyncRequired,
	errorCodeConcurrencyError:        ErrConcurrencyError,
	errorCodeRequiresApp:             ErrRequiresApp,
	errorCodeMaintenanceInfoConflict: ErrMaintenanceInfoConflict,
}

var sentinelByStatus = map[int]error{
	http.StatusBadRequest:          ErrBadRequest,
	http.StatusUnauthorized:        ErrUnauthorized,
	http.StatusNotFound:            ErrNotFound,
	http.StatusConflict:            ErrConflict,
	http.StatusGone:                ErrGone,
	http.StatusPreconditionFailed:  ErrPreconditionFailed,
	http.StatusUnprocessableEntity: ErrUnprocessable,
}

// hintByErrorCode tells the caller what to do about an OSB error code.
var hintByErrorCode = map[string]string{
	errorCodeAsyncRequired:           "send the request again with accepts_incomplete=true",
	errorCodeConcurrencyError:        "another operation on this resource is in progress, retry later",
	errorCodeRequiresApp:             "send bind_resource.app_guid with the binding",
	errorCodeMaintenanceInfoConflict: "fetch the catalog again and send the plan's current maintenance_info",
}

// hintByStatus tells the caller what to do about a status that has one usual cause.
var hintByStatus = map[int]string{
	http.StatusUnauthorized:       "check the broker credentials",
	http.StatusPreconditionFailed: "the broker does not accept the " + HeaderAPIVersion + " sent",
}

const (
	// maxMessageText bounds each piece of broker text quoted in an error message.
	maxMessageText = 256
	// maxSniffedJSON bounds a body with a non-JSON content type that is still tried as JSON.
	maxSniffedJSON = 64 << 10
)

// BrokerError is the error for a broker answer outside 2xx. Find it with errors.As;
// compare it with the package's sentinels (ErrAsyncRequired, ErrNotFound, ...) with errors.Is.
// Unwrap returns the go-sdk-core problem (*core.SDKProblem), so code that inspects it keeps working.
type BrokerError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// ErrorCode is the OSB "error" field, e.g. "AsyncRequired"; empty when absent.
	ErrorCode string
	// Description is the OSB "description" field; empty when absent.
	Description string
	// InstanceUsable is the OSB "instance_usable" field; nil when absent.
	InstanceUsable *bool
	// UpdateRepeatable is the OSB "update_repeatable" field; nil when absent.
	UpdateRepeatable *bool
	// RequestIdentity is the X-Broker-API-Request-Identity sent with the request.
	RequestIdentity string
	// Operation is the name of the client method, e.g. "ReplaceServiceInstance".
	Operation string
	// Body holds the first bytes of the answer, made printable, when it carries neither
	// an OSB error code nor a description (text, HTML, JSON without those fields).
	Body string

	cause error
}

// Error says which operation failed, the status, and what the broker said.
func (e *BrokerError) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	if e.StatusCode == 0 {
		b.WriteString("no answer from the broker")
	} else {
		b.WriteString("broker answered ")
		b.WriteString(statusLine(e.StatusCode))
	}
	for _, part := range e.details() {
		b.WriteString(": ")
		b.WriteString(part)
	}
	if hint := e.hint(); hint != "" {
		b.WriteString("; ")
		b.WriteString(hint)
	}
	if e.RequestIdentity != "" {
		b.WriteString(" (request identity ")
		b.WriteString(printablePrefix([]byte(e.RequestIdentity), maxMessageText))
		b.WriteString(")")
	}
	return b.String()
}

// details lists what the broker said, bounded and on one line.
func (e *BrokerError) details() []string {
	var parts []string
	for _, text := range []string{e.ErrorCode, e.Description, e.Body} {
		if text = printablePrefix([]byte(text), maxMessageText); text != "" {
			parts = append(parts, text)
		}
	}
	if e.StatusCode == 0 && e.cause != nil {
		parts = append(parts, e.cause.Error())
	}
	return parts
}

func (e *BrokerError) hint() string {
	if hint, ok := hintByErrorCode[e.ErrorCode]; ok {
		return hint
	}
	return hintByStatus[e.StatusCode]
}

// Unwrap returns the go-sdk-core error behind the answer, usually a *core.SDKProblem.
func (e *BrokerError) Unwrap() error {
	return e.cause
}

// Is reports whether target is the sentinel for this error's OSB error code or HTTP status.
func (e *BrokerError) Is(target error) bool {
	if target == nil {
		return false
	}
	return sentinelByErrorCode[e.ErrorCode] == target || sentinelByStatus[e.StatusCode] == target
}

// IsRetryLater reports whether err is the broker's ConcurrencyError (sent with 422):
// another operation on the resource is in progress and the same request should be sent again later.
func IsRetryLater(err error) bool {
	return errors.Is(err, ErrConcurrencyError)
}

// newBrokerError builds the error for a non-2xx answer from what core.BaseService.Request
// returned: a JSON body decoded into response.Result, any other body in response.RawResult.
// It never fails: fields the broker sent with the wrong type are left empty.
func newBrokerError(op string, requestIdentity string, response *core.DetailedResponse, cause error) *BrokerError {
	brokerErr := &BrokerError{Operation: op, RequestIdentity: requestIdentity, cause: cause}
	if response == nil {
		return brokerErr
	}
	brokerErr.StatusCode = response.StatusCode
	body, raw := errorBody(response)
	brokerErr.fillFromBody(body)
	if brokerErr.ErrorCode == "" && brokerErr.Description == "" {
		brokerErr.Body = bodyPrefix(body, raw)
	}
	return brokerErr
}

// errorBody returns the answer's JSON object, or the raw bytes when the body is not one.
// A body with a wrong content type is still read as JSON when it is small and looks like an object.
func errorBody(response *core.DetailedResponse) (map[string]any, []byte) {
	if decoded, ok := response.Result.(map[string]any); ok {
		return decoded, nil
	}
	raw := response.RawResult
	if len(raw) > 0 && len(raw) <= maxSniffedJSON && strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		var decoded map[string]any
		if json.Unmarshal(raw, &decoded) == nil {
			return decoded, nil
		}
	}
	return nil, raw
}

func (e *BrokerError) fillFromBody(body map[string]any) {
	e.ErrorCode, _ = body["error"].(string)
	e.Description, _ = body["description"].(string)
	e.InstanceUsable = boolField(body, "instance_usable")
	e.UpdateRepeatable = boolField(body, "update_repeatable")
}

func boolField(body map[string]any, name string) *bool {
	value, ok := body[name].(bool)
	if !ok {
		return nil
	}
	return &value
}

// bodyPrefix is the printable start of the answer: the raw bytes, or the JSON object
// re-encoded (keys sorted) when it has fields but no OSB error or description.
func bodyPrefix(body map[string]any, raw []byte) string {
	if len(body) > 0 {
		encoded, err := json.Marshal(body)
		if err == nil {
			raw = encoded
		}
	}
	return printablePrefix(raw, maxMessageText)
}

// printablePrefix returns at most limit bytes of text as one printable line: invalid UTF-8
// and control characters become spaces, runs of spaces collapse, and a cut ends with "...".
func printablePrefix(text []byte, limit int) string {
	// Look at a bounded window only: a huge body must not cost a huge copy.
	window := text[:min(len(text), 4*limit)]
	fields := strings.FieldsFunc(strings.ToValidUTF8(string(window), " "), func(r rune) bool {
		return unicode.IsSpace(r) || !unicode.IsPrint(r)
	})
	line := strings.Join(fields, " ")
	if line == "" || (len(line) <= limit && len(window) == len(text)) {
		return line
	}
	return cutAtRune(line, limit) + "..."
}

// cutAtRune shortens s to at most limit bytes without splitting a character.
func cutAtRune(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	return s[:limit]
}

// statusLine is "422 Unprocessable Entity", or the bare number for a status without a name.
func statusLine(status int) string {
	if text := http.StatusText(status); text != "" {
		return fmt.Sprintf("%d %s", status, text)
	}
	return strconv.Itoa(status)
}

// authenticateErrorPrefix starts the summary go-sdk-core gives every authenticator failure.
var authenticateErrorPrefix, _, _ = strings.Cut(core.ERRORMSG_AUTHENTICATE_ERROR, "%")

// isAuthenticationFailure reports whether err comes from the authenticator (for example an
// IAM token request) rather than from the broker: core returns the token server's answer as
// the DetailedResponse then, which must not be read as the broker's.
func isAuthenticationFailure(err error) bool {
	var problem *core.SDKProblem
	return errors.As(err, &problem) && strings.HasPrefix(problem.Summary, authenticateErrorPrefix)
}
