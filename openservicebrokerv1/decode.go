package openservicebrokerv1

// Reading an answer, once: a success straight into the typed model, an error body into
// ErrorResp and a *BrokerError.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// maxPresizedBody bounds the buffer allocated up front from a Content-Length header.
const maxPresizedBody = DefaultMaxResponseBytes

// maxErrorBody bounds what is read of an error answer: its OSB fields are short texts.
const maxErrorBody = 1 << 20

// decode reads the answer to request. A success of the operation (ClassifyStatus) is decoded
// into result (an empty body gives an empty result) and validated (ValidateAnswer); a body that
// does not decode gives a nil result, the body kept in RawResult, and an *InvalidAnswerError, and
// one with a malformed finding gives the result together with an *InvalidAnswerError. Any other
// answer becomes a *BrokerError, one that matches ErrUndefinedStatus when the specification does
// not define the status for the operation. withheld tells that
// the retry budget refused a retry the answer called for.
func decode(op *sdkruntime.Operation, identity string, request *http.Request, answer *http.Response, withheld bool, result any) (*core.DetailedResponse, error) {
	defer answer.Body.Close()
	response := &core.DetailedResponse{StatusCode: answer.StatusCode, Headers: answer.Header}
	_, echoed := answer.Header[canonicalRequestIdentity]
	if !echoed {
		answer.Header[canonicalRequestIdentity] = request.Header[canonicalRequestIdentity] // the identity sent
	}
	// The broker may quote the request, Authorization header included: what this client keeps of
	// a body beyond the decoded result (RawResult, error text, the debug log) is scrubbed of the
	// credentials it sent. The result itself is the broker's data and stays as sent.
	secrets := credentialsOf(request)
	rule := classifyAnswer(op.ID, request, answer.StatusCode)
	if rule.Class != StatusSuccess {
		body, _ := readBody(io.LimitReader(answer.Body, maxErrorBody), min(answer.ContentLength, maxErrorBody))
		body = scrub(body, secrets)
		logResponse(answer, body, nil)
		response.RawResult = body
		brokerErr := newBrokerError(op, identity, response, body)
		// A secret the broker JSON-escaped differently from how it was sent is scrubbed once decoded.
		brokerErr.ErrorCode, brokerErr.Description, brokerErr.Body =
			scrubText(brokerErr.ErrorCode, secrets), scrubText(brokerErr.Description, secrets), scrubText(brokerErr.Body, secrets)
		correlation := correlationHeaders
		if !echoed {
			correlation = correlationHeaders[1:] // the identity this client filled in is no broker's id
		}
		brokerErr.BrokerCorrelationHeader, brokerErr.BrokerCorrelationID = brokerCorrelation(answer.Header, correlation)
		brokerErr.retriesWithheld = withheld
		brokerErr.undefined, brokerErr.undefinedIn = rule.Class == StatusUndefined, rule.Section
		return response, brokerErr
	}
	if result == nil {
		return response, nil
	}
	return response, decodeSuccess(op, identity, answer, response, secrets, result)
}

// decodeSuccess reads the body of a success into result and validates it (ValidateAnswer). A
// body that does not decode leaves result nil; the body of an answer that does not decode or is
// malformed is kept in RawResult, scrubbed of secrets.
func decodeSuccess(op *sdkruntime.Operation, identity string, answer *http.Response, response *core.DetailedResponse, secrets []string, result any) error {
	raw, err := readBody(answer.Body, answer.ContentLength)
	logResponse(answer, raw, secrets)
	if err != nil {
		return fmt.Errorf("%s: broker answered %d but its body could not be read (request identity %s): %w",
			op.Name, answer.StatusCode, identity, err)
	}
	body := raw
	if len(bytes.TrimSpace(body)) == 0 {
		// An empty body reads as "{}": the caller gets a result with nothing set, never nil.
		body = []byte("{}")
	}
	target := reflect.ValueOf(result).Elem()
	if err := unmarshalResult(body, target); err != nil {
		target.SetZero() // never a partly filled result
		response.RawResult = scrub(raw, secrets)
		if answer.StatusCode < 200 || answer.StatusCode > 299 {
			return nil // a non-2xx success (410 Gone on a deletion) needs no body
		}
		invalid := &InvalidAnswerError{Operation: op.Name, StatusCode: answer.StatusCode, RequestIdentity: identity}
		invalid.cause = boundedError{err}
		invalid.Findings = []Finding{{ID: FindingAnswerUndecodable, Section: ClassifyStatus(op.ID, answer.StatusCode).Section,
			Level: LevelMust, Message: scrubText(invalid.cause.Error(), secrets)}}
		return invalid
	}
	response.Result = target.Interface()
	findings := ValidateAnswer(response.Result, answer.StatusCode)
	if !slices.ContainsFunc(findings, IsMalformed) {
		return nil
	}
	response.RawResult = scrub(raw, secrets)
	for i := range findings {
		findings[i].Message = scrubText(findings[i].Message, secrets)
	}
	return &InvalidAnswerError{Operation: op.Name, StatusCode: answer.StatusCode, RequestIdentity: identity, Findings: findings}
}

// unmarshalerType is the type of the models that decode themselves.
var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// unmarshalResult decodes body into target, the operation's *T. A T that decodes itself (a
// one-pass catalog) is handed body directly: json.Unmarshal would first validate the whole body,
// then scan it again to find its end, before calling UnmarshalJSON, which validates it once more.
// A null body leaves target nil, as json.Unmarshal does.
func unmarshalResult(body []byte, target reflect.Value) error {
	if target.Kind() != reflect.Pointer || !target.Type().Implements(unmarshalerType) || bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return json.Unmarshal(body, target.Addr().Interface())
	}
	value := reflect.New(target.Type().Elem())
	if err := value.Interface().(json.Unmarshaler).UnmarshalJSON(body); err != nil {
		return err
	}
	target.Set(value)
	return nil
}

// readBody reads body whole, into a buffer of the declared length (bounded) and one byte more, so
// that the read which meets the end needs no larger buffer: bytes.Buffer and io.ReadAll keep
// 512 bytes free for every read, more than most answers. A body of undeclared length, or longer
// than declared, grows the buffer as io.ReadAll does.
func readBody(body io.Reader, declared int64) ([]byte, error) {
	size := int64(bytes.MinRead)
	if declared >= 0 {
		size = min(declared, maxPresizedBody) + 1
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(len(buf), bytes.MinRead))
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// Correlation headers a broker may send, in the order they are looked for. The request
// identity counts only when the broker echoes it.
var correlationHeaders = []string{
	canonicalRequestIdentity,
	http.CanonicalHeaderKey("X-Request-Id"),
	http.CanonicalHeaderKey("X-Correlation-ID"),
	http.CanonicalHeaderKey("X-Vcap-Request-Id"),
}

// brokerCorrelation returns the first of names that header carries, and its value.
func brokerCorrelation(header http.Header, names []string) (name, value string) {
	for _, name := range names {
		if values := header[name]; len(values) > 0 && values[0] != "" {
			return name, values[0]
		}
	}
	return "", ""
}

// BrokerCorrelationID returns the id under which the broker may have logged the exchange of
// response, and the header that carried it: the broker's own X-Request-Id, X-Correlation-ID
// or X-Vcap-Request-Id when it sent one, else the X-Broker-API-Request-Identity (the broker's
// echo, or the value this client sent). A *BrokerError tells the two apart.
func BrokerCorrelationID(response *core.DetailedResponse) (header, id string) {
	if response == nil {
		return "", ""
	}
	if header, id = brokerCorrelation(response.Headers, correlationHeaders[1:]); id != "" {
		return header, id
	}
	return brokerCorrelation(response.Headers, correlationHeaders[:1])
}

// boundedError shows its cause's text as one line of at most maxMessageText bytes and unwraps
// to the cause: the JSON decoder quotes a broker's number literals whole, whatever their length.
type boundedError struct {
	cause error
}

func (e boundedError) Error() string {
	return printablePrefix([]byte(e.cause.Error()), maxMessageText)
}

func (e boundedError) Unwrap() error {
	return e.cause
}
