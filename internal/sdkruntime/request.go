package sdkruntime

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unsafe"
)

// Operation describes one API operation; the generator writes one per operationId.
type Operation struct {
	ID              string   // operationId, e.g. "get_last_operation"
	Name            string   // Go method name, e.g. "GetLastOperation"
	Method          string   // HTTP method in capitals
	Path            string   // path template, e.g. "/v2/service_instances/{instance_id}"
	Headers         []string // canonical names of the header parameters the operation declares
	SuccessStatuses []int    // non-2xx statuses the spec marks as success
	Accept          bool     // the operation expects a JSON answer
	// SDKHeaders are the headers common.GetSdkHeaders gives for the operation (User-Agent),
	// canonical and ready to send.
	SDKHeaders []HeaderValues
}

// HeaderValues is one header: its canonical name and its values.
type HeaderValues struct {
	Name   string
	Values []string
}

// SDKHeaders turns what common.GetSdkHeaders returns into canonical headers, sorted by name,
// once per operation: a slice, since every request walks them. A name given in two spellings
// keeps the lesser of its values, so that the result never depends on the map's order.
func SDKHeaders(headers map[string]string) []HeaderValues {
	canonical := make([]HeaderValues, 0, len(headers))
	for name, value := range headers {
		canonical = append(canonical, HeaderValues{Name: http.CanonicalHeaderKey(name), Values: []string{value}})
	}
	slices.SortFunc(canonical, func(a, b HeaderValues) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Values[0], b.Values[0]))
	})
	return slices.CompactFunc(canonical, func(a, b HeaderValues) bool { return a.Name == b.Name })
}

// Declares reports whether the operation declares the header parameter named canonical.
func (op *Operation) Declares(canonical string) bool {
	for _, name := range op.Headers {
		if name == canonical {
			return true
		}
	}
	return false
}

// IsSuccess reports whether status is a success of the operation: 2xx or one the spec marks.
func (op *Operation) IsSuccess(status int) bool {
	if status >= 200 && status <= 299 {
		return true
	}
	for _, s := range op.SuccessStatuses {
		if s == status {
			return true
		}
	}
	return false
}

// QueryParam is one query parameter, in the order the operation declares it.
type QueryParam struct {
	Name, Value string
}

// Request is what a generated operation hands to the send function: every value of the call,
// nothing encoded yet except the header names, which are canonical.
type Request struct {
	Op *Operation
	// PathValues are the values of the path template's parameters, in template order.
	PathValues []string
	Query      []QueryParam
	// Header holds the caller's extra headers and the operation's header parameters, under
	// canonical names.
	Header http.Header
	// Body is the JSON request body, nil when the operation has none.
	Body any
	// Options points to the caller's Options struct, for checks written by hand.
	Options any

	// pathArray and headerArray hold the path values and the first header values set, so that
	// setting them costs no allocation of its own: every request has a few.
	pathArray   [2]string
	headerArray [4]string
	headersSet  int
	// identityText holds the text of the identity SetIdentity made, written once: identity
	// is a string over it.
	identityText [IdentityLength]byte
	identity     string
}

// SetPathValues sets PathValues, in template order.
func (r *Request) SetPathValues(values ...string) {
	r.PathValues = append(r.pathArray[:0], values...)
}

// SetHeader sets the header of canonical name to the one value.
func (r *Request) SetHeader(name, value string) {
	if r.headersSet == len(r.headerArray) {
		r.Header[name] = []string{value}
		return
	}
	i := r.headersSet
	r.headerArray[i] = value
	r.Header[name] = r.headerArray[i : i+1 : i+1]
	r.headersSet++
}

// IdentityLength is the length of the text of a request identity (a UUID).
const IdentityLength = 36

// SetIdentity sets the header of canonical name to the identity that write puts into the
// request's own storage, so that it costs no allocation of its own, and returns it. A request
// has one identity: write is called the first time only, later calls set the same one.
func (r *Request) SetIdentity(name string, write func(text *[IdentityLength]byte)) string {
	if r.identity == "" {
		write(&r.identityText)
		r.identity = unsafe.String(&r.identityText[0], len(r.identityText)) // never written again
	}
	r.SetHeader(name, r.identity)
	return r.identity
}

// headersAdded is how many headers a send function adds at most to the operation's header
// parameters: Accept, Content-Type, Content-Encoding, User-Agent and Authorization.
const headersAdded = 5

// NewRequest starts the request of op with the caller's extra headers, canonicalised, and room
// for every header the send function adds.
func NewRequest(op *Operation, options any, extra map[string]string) *Request {
	header := make(http.Header, len(extra)+len(op.Headers)+headersAdded)
	for name, value := range extra {
		header.Set(name, value)
	}
	return &Request{Op: op, Options: options, Header: header}
}

// AddQuery appends a query parameter.
func (r *Request) AddQuery(name, value string) {
	r.Query = append(r.Query, QueryParam{Name: name, Value: value})
}

// URL joins the service URL with the escaped path and the query. Each path value is escaped
// once as one segment ("/" travels as %2F); a value that is "." or ".." is refused, since URL
// normalisation would remove that segment and the request would reach another resource.
func (r *Request) URL(serviceURL string) (string, error) {
	var b strings.Builder
	b.Grow(len(serviceURL) + len(r.Op.Path) + 64)
	b.WriteString(strings.TrimSuffix(serviceURL, "/"))
	rest, values := r.Op.Path, r.PathValues
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		closing := strings.IndexByte(rest[open:], '}')
		if closing < 0 || len(values) == 0 {
			return "", fmt.Errorf("%s: path template %q does not match its %d values", r.Op.Name, r.Op.Path, len(r.PathValues))
		}
		name := rest[open+1 : open+closing]
		value := values[0]
		if value == "." || value == ".." {
			return "", &ParameterError{Operation: r.Op.Name, Parameter: name,
				Problem: fmt.Sprintf("must not be %q: URL normalisation removes such a path segment, so the request would reach another resource", value)}
		}
		b.WriteString(rest[:open])
		b.WriteString(url.PathEscape(value))
		rest, values = rest[open+closing+1:], values[1:]
	}
	for i, q := range r.Query {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(q.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(q.Value))
	}
	return b.String(), nil
}
