package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/osbkit/osb-go-sdk/internal/secret"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

const identityHeader = openservicebrokerv1.HeaderRequestIdentity

// maxEvidenceBody bounds each body kept as evidence; a broker's answer is untrusted input.
const maxEvidenceBody = 16 << 10

// Exchange is one request to the broker and its answer, as kept for evidence: bodies bounded,
// credentials and secret headers masked.
type Exchange struct {
	Method          string            `json:"method"`
	URL             string            `json:"url"`
	RequestHeaders  map[string]string `json:"request_headers,omitempty"`
	RequestBody     string            `json:"request_body,omitempty"`
	Status          int               `json:"status,omitempty"`
	ResponseHeaders map[string]string `json:"response_headers,omitempty"`
	ResponseBody    string            `json:"response_body,omitempty"`
	Duration        time.Duration     `json:"duration_ns"`
	// Error is why no answer arrived.
	Error string `json:"error,omitempty"`

	// rawResponseHeaders are the broker's headers before the SDK added anything (the request
	// identity, when the broker did not echo it).
	rawResponseHeaders http.Header
	// What the answer-wide checks read from the raw exchange (judgeAnswer): the endpoint, the
	// request identity sent, and what is wrong with the status and the body.
	endpoint                                  string
	requestIdentity                           string
	statusProblem, shapeProblem, errorProblem string
	hasBody, jsonContentType                  bool
}

// recorder is an http.RoundTripper that keeps every exchange it carries.
type recorder struct {
	next http.RoundTripper
	// ledger learns from every exchange what exists at the broker.
	ledger *ledger

	mu        sync.Mutex
	exchanges []Exchange
}

func newRecorder(next http.RoundTripper, ledger *ledger) *recorder {
	if next == nil {
		next = http.DefaultTransport
	}
	return &recorder{next: next, ledger: ledger}
}

func (rec *recorder) RoundTrip(request *http.Request) (*http.Response, error) {
	exchange := Exchange{Method: request.Method, URL: request.URL.Redacted(), RequestHeaders: maskedHeaders(request.Header),
		requestIdentity: request.Header.Get(identityHeader)}
	var requestBody []byte
	if request.GetBody != nil {
		if body, err := request.GetBody(); err == nil {
			requestBody = readBounded(body)
			exchange.RequestBody = maskBody(requestBody)
		}
	}
	start := time.Now()
	response, err := rec.next.RoundTrip(request)
	exchange.Duration = time.Since(start)
	if err != nil {
		exchange.Error = err.Error()
		rec.ledger.observe(request, requestBody, 0, nil)
		rec.add(exchange)
		return nil, err
	}
	exchange.Status = response.StatusCode
	exchange.rawResponseHeaders = response.Header.Clone()
	exchange.ResponseHeaders = maskedHeaders(response.Header)
	// The body is read here, bounded, and handed on as read, so the SDK sees the same bytes.
	raw, readErr := io.ReadAll(io.LimitReader(response.Body, maxEvidenceBody+1))
	rest := response.Body
	response.Body = readCloser{Reader: io.MultiReader(bytes.NewReader(raw), rest), Closer: rest}
	if readErr == nil {
		exchange.ResponseBody = maskBody(raw)
	}
	rec.ledger.observe(request, requestBody, response.StatusCode, raw)
	judgeAnswer(&exchange, request, response.StatusCode, response.Header, raw)
	rec.add(exchange)
	return response, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func (rec *recorder) add(exchange Exchange) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.exchanges = append(rec.exchanges, exchange)
}

// last returns the latest exchange, nil before the first.
func (rec *recorder) last() *Exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.exchanges) == 0 {
		return nil
	}
	exchange := rec.exchanges[len(rec.exchanges)-1]
	return &exchange
}

// since returns the exchanges after the first n.
func (rec *recorder) since(n int) []Exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Exchange(nil), rec.exchanges[min(n, len(rec.exchanges)):]...)
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.exchanges)
}

// readBounded reads at most one byte more than maxEvidenceBody, so that maskBody can tell a
// body too large to keep.
func readBounded(body io.ReadCloser) []byte {
	defer body.Close()
	raw, err := io.ReadAll(io.LimitReader(body, maxEvidenceBody+1))
	if err != nil {
		return nil
	}
	return raw
}

// maskedHeaders are headers for evidence, masked as secret.MaskHeader masks them.
func maskedHeaders(header http.Header) map[string]string {
	if len(header) == 0 {
		return nil
	}
	kept := make(map[string]string, len(header))
	for name, values := range secret.MaskHeader(header) {
		kept[name] = strings.Join(values, ", ")
	}
	return kept
}

// maskBody returns a body for evidence: JSON with every secret masked (internal/secret) and
// every credential value too. A body that cannot be masked (larger than maxEvidenceBody, or
// not JSON) is replaced by its size: its text could hold a secret.
func maskBody(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	if len(raw) > maxEvidenceBody {
		return fmt.Sprintf("(more than %d bytes, not kept)", maxEvidenceBody)
	}
	var value any
	if json.Unmarshal(raw, &value) != nil {
		return fmt.Sprintf("(%d bytes, not JSON, not kept)", len(raw))
	}
	// secret.Mask masks every credential value too: the checks read which credentials there
	// are, never their values.
	value = secret.Mask(value)
	encoded, err := json.Marshal(value)
	if err != nil {
		return ""
	}
	return string(encoded)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}
