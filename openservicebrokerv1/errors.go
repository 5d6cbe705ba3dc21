package openservicebrokerv1

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
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

// ErrBrokerUnavailable matches the error of a call that failed while the broker kept failing:
// a retry was due, but the client's retry budget was spent by earlier failures, so the client
// withheld it rather than add to the load on a failing broker. Calls are sent again as soon as
// they are made; the budget refills as calls are made.
var ErrBrokerUnavailable = errors.New("the broker is failing and the client withheld further retries (retry budget spent)")

// ErrRedirectNotFollowed matches the *BrokerError of a redirect the client refused to follow:
// to another host or scheme, or of a request other than GET and HEAD.
var ErrRedirectNotFollowed = errors.New("broker redirected the request and the client did not follow")

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
)

// BrokerError is the error for a broker answer the operation does not define as success (see
// ClassifyStatus: a failure the specification defines, or a status it does not define for the
// operation, such as a 204 to a provision or a refused redirect). Find it with errors.As;
// compare it with the package's sentinels (ErrAsyncRequired, ErrNotFound, ErrUndefinedStatus, ...)
// with errors.Is.
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
	// BrokerCorrelationID is the broker's own id of the exchange, when it sent one: the echoed
	// X-Broker-API-Request-Identity, else X-Request-Id, X-Correlation-ID or X-Vcap-Request-Id.
	BrokerCorrelationID string
	// BrokerCorrelationHeader is the header that carried BrokerCorrelationID, canonically spelled.
	BrokerCorrelationHeader string
	// Operation is the name of the client method, e.g. "ReplaceServiceInstance".
	Operation string
	// Body holds the first bytes of the answer, made printable, when it carries neither
	// an OSB error code nor a description (text, HTML, JSON without those fields).
	Body string

	cause error
	// retriesWithheld tells that the retry budget refused a retry the answer called for.
	retriesWithheld bool
	// redirectHost is the host a refused redirect pointed to.
	redirectHost string
	// undefined tells that the specification does not define the status for the operation
	// (ErrUndefinedStatus); undefinedIn is the section whose Response table leaves it out.
	undefined   bool
	undefinedIn string
	// operationID is the operationId of the operation answered, and answer the error object as
	// the broker sent it, for ValidateErrorAnswer.
	operationID string
	answer      ErrorResp
}

// Error says which operation failed, the status, and what the broker said.
func (e *BrokerError) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	b.WriteString("broker answered ")
	b.WriteString(statusLine(e.StatusCode))
	for _, part := range e.details() {
		b.WriteString(": ")
		b.WriteString(part)
	}
	if hint := e.hint(); hint != "" {
		b.WriteString("; ")
		b.WriteString(hint)
	}
	if e.retriesWithheld {
		b.WriteString("; ")
		b.WriteString(ErrBrokerUnavailable.Error())
	}
	if e.RequestIdentity != "" {
		b.WriteString(" (request identity ")
		b.WriteString(printablePrefix([]byte(e.RequestIdentity), maxMessageText))
		if e.BrokerCorrelationID != "" && e.BrokerCorrelationID != e.RequestIdentity {
			b.WriteString("; broker's ")
			b.WriteString(e.BrokerCorrelationHeader)
			b.WriteString(" ")
			b.WriteString(printablePrefix([]byte(e.BrokerCorrelationID), maxMessageText))
		}
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
	return parts
}

func (e *BrokerError) hint() string {
	if hint, ok := hintByErrorCode[e.ErrorCode]; ok {
		return hint
	}
	if e.undefined && !isRedirect(e.StatusCode) {
		return "the specification does not define this status for the operation (" + e.undefinedIn + "), so it is a failure"
	}
	if isRedirect(e.StatusCode) {
		return "redirect to " + printablePrefix([]byte(e.redirectHost), maxMessageText) +
			" not followed: the client follows redirects only of GET and HEAD requests and only to the same host; set the broker's final URL"
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
	switch target {
	case ErrBrokerUnavailable:
		return e.retriesWithheld
	case ErrRedirectNotFollowed:
		return isRedirect(e.StatusCode)
	case ErrUndefinedStatus:
		return e.undefined
	}
	return sentinelByErrorCode[e.ErrorCode] == target || sentinelByStatus[e.StatusCode] == target
}

func isRedirect(status int) bool {
	return status >= 300 && status <= 399 && status != http.StatusNotModified // 304 points nowhere: the cached copy stands
}

// IsRetryLater reports whether err is the broker's ConcurrencyError (sent with 422):
// another operation on the resource is in progress and the same request should be sent again later.
func IsRetryLater(err error) bool {
	return errors.Is(err, ErrConcurrencyError)
}

// newBrokerError builds the error for an answer outside the operation's successes from its
// body, decoded once into ErrorResp when it is a JSON object; fields the broker sent with the
// wrong type are left empty. The body has been scrubbed of the client's credentials.
func newBrokerError(op *sdkruntime.Operation, identity string, response *core.DetailedResponse, body []byte) *BrokerError {
	brokerErr := &BrokerError{Operation: op.Name, RequestIdentity: identity, StatusCode: response.StatusCode, operationID: op.ID}
	if isRedirect(response.StatusCode) {
		brokerErr.redirectHost = redirectHost(response.Headers)
	}
	decoded, empty := decodeErrorBody(body)
	brokerErr.answer = decoded
	brokerErr.ErrorCode = core.StringNilMapper(decoded.Error)
	brokerErr.Description = core.StringNilMapper(decoded.Description)
	brokerErr.InstanceUsable, brokerErr.UpdateRepeatable = decoded.InstanceUsable, decoded.UpdateRepeatable
	if brokerErr.ErrorCode == "" && brokerErr.Description == "" && !empty {
		brokerErr.Body = printablePrefix(body, maxMessageText)
	}
	summary := brokerErr.Description
	if summary == "" {
		summary = http.StatusText(response.StatusCode)
	}
	problem := &core.HTTPProblem{IBMProblem: core.IBMErrorf(nil, problemComponent, printablePrefix([]byte(summary), maxMessageText), ""),
		OperationID: op.ID, Response: response}
	brokerErr.cause = core.SDKErrorf(problem, "", "broker-error", problemComponent)
	return brokerErr
}

// decodeErrorBody decodes an OSB error object. A body that is not one (text, HTML, a JSON
// array, an object whose fields have the wrong types) gives an empty ErrorResp; empty tells
// that the body says nothing at all: no bytes, an empty object or null.
func decodeErrorBody(body []byte) (decoded ErrorResp, empty bool) {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0, string(trimmed) == "null":
		return ErrorResp{}, true
	case trimmed[0] != '{':
		return ErrorResp{}, false
	}
	if json.Unmarshal(trimmed, &decoded) != nil {
		return ErrorResp{}, false
	}
	return decoded, decoded == ErrorResp{} && len(bytes.TrimSpace(trimmed[1:len(trimmed)-1])) == 0
}

// redirectHost is the host a redirect's Location names, or the Location itself when it has none.
func redirectHost(header http.Header) string {
	location := header.Get("Location")
	if parsed, err := url.Parse(location); err == nil && parsed.Host != "" {
		return parsed.Host
	}
	return "a location on the same host"
}

// credentialsOf returns the credentials request carried in its Authorization header: the
// whole value, its token or encoded pair, and for basic authentication the password.
func credentialsOf(request *http.Request) []string {
	value := headerValue(request.Header, "Authorization")
	if value == "" {
		return nil
	}
	secrets := []string{value}
	scheme, credentials, found := strings.Cut(value, " ")
	if !found {
		return secrets
	}
	secrets = append(secrets, credentials)
	if strings.EqualFold(scheme, "Basic") {
		if pair, err := base64.StdEncoding.DecodeString(credentials); err == nil {
			if _, password, ok := strings.Cut(string(pair), ":"); ok {
				secrets = append(secrets, password)
			}
		}
	}
	return secrets
}

// minScrubbed is the shortest secret scrubbed: a shorter one would blank ordinary words.
const minScrubbed = 4

// scrub replaces every secret in text with "[redacted]", longest first.
func scrub(text []byte, secrets []string) []byte {
	for _, secret := range secrets {
		if len(secret) >= minScrubbed && bytes.Contains(text, []byte(secret)) {
			text = bytes.ReplaceAll(text, []byte(secret), []byte("[redacted]"))
		}
	}
	return text
}

// scrubText is scrub for a string.
func scrubText(text string, secrets []string) string {
	return string(scrub([]byte(text), secrets))
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
