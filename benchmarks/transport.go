package benchmarks

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
)

// memoryTransport answers every request from memory with one fixed JSON body, without sockets,
// so that a case measures what a client does around the transport: building the request, its
// middleware and decoding the answer.
type memoryTransport struct {
	body []byte
}

// RoundTrip answers 200 with the fixed body, as a keep-alive HTTP/1.1 server would.
func (t memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		Status:     "200 OK",
		StatusCode: http.StatusOK,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header: http.Header{
			"Content-Type":   {"application/json"},
			"Content-Length": {strconv.Itoa(len(t.body))},
		},
		Body:          io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)),
		Request:       req,
	}, nil
}

// withTransport returns a copy of client that sends through transport, keeping the client's
// other settings (timeout, redirect policy); a nil transport returns client itself.
func withTransport(client *http.Client, transport http.RoundTripper) *http.Client {
	if transport == nil {
		return client
	}
	replaced := *client
	replaced.Transport = transport
	return &replaced
}
