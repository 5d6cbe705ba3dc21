package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/osbkit/osb-go-sdk/internal/secret"
)

// traceBodyLimit is how much of a body -v keeps to show: a longer one is named by its size.
const traceBodyLimit = 64 << 10

// traceHTTP makes the client write each request and its answer to stderr (-v): method, URL,
// headers, status and bodies, with Authorization, credentials and every other secret masked
// and the broker's text shown through termtext. The trace follows each attempt of a retry.
func (a *app) traceHTTP(httpClient *http.Client) {
	next := httpClient.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	httpClient.Transport = &traceTransport{next: next, w: a.stderr}
}

type traceTransport struct {
	next http.RoundTripper
	w    io.Writer
}

func (t *traceTransport) RoundTrip(request *http.Request) (*http.Response, error) {
	printf(t.w, "> %s %s\n", request.Method, secret.MaskText(request.URL.Redacted()))
	t.headers(">", request.Header)
	if request.GetBody != nil {
		if body, err := request.GetBody(); err == nil {
			raw, _ := io.ReadAll(io.LimitReader(body, traceBodyLimit+1))
			body.Close()
			t.body(">", raw, len(raw) <= traceBodyLimit)
		}
	}
	start := time.Now()
	response, err := t.next.RoundTrip(request)
	if err != nil {
		printf(t.w, "< no answer after %s: %s\n", time.Since(start).Round(time.Millisecond), err)
		return nil, err
	}
	printf(t.w, "< %s after %s\n", response.Status, time.Since(start).Round(time.Millisecond))
	t.headers("<", response.Header)
	response.Body = &tracedBody{ReadCloser: response.Body, done: func(raw []byte, complete bool) { t.body("<", raw, complete) }}
	return response, nil
}

// headers writes headers one a line, sorted, their secrets masked.
func (t *traceTransport) headers(direction string, header http.Header) {
	masked := secret.MaskHeader(header)
	for _, name := range slices.Sorted(maps.Keys(masked)) {
		printf(t.w, "%s %s: %s\n", direction, name, strings.Join(masked[name], ", "))
	}
}

// body writes a JSON body with its secrets masked (every credential value among them); a body
// that is not JSON, or was not read whole, could hold secrets that cannot be found, so only
// its size is shown.
func (t *traceTransport) body(direction string, raw []byte, complete bool) {
	if len(raw) == 0 {
		return
	}
	if !complete {
		printf(t.w, "%s (body not read whole, %s bytes seen, not shown)\n", direction, fmt.Sprint(len(raw)))
		return
	}
	var value any
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	if decoder.Decode(&value) != nil {
		printf(t.w, "%s (body of %s bytes, not JSON, not shown)\n", direction, fmt.Sprint(len(raw)))
		return
	}
	masked, err := json.Marshal(secret.Mask(value))
	if err != nil {
		return
	}
	printf(t.w, "%s %s\n", direction, string(masked))
}

// tracedBody keeps the first traceBodyLimit bytes of an answer's body as the client reads it,
// and hands them to done at the end of the body or when it is closed, whichever comes first.
type tracedBody struct {
	io.ReadCloser
	kept     bytes.Buffer
	overflow bool
	once     sync.Once
	done     func(raw []byte, complete bool)
}

func (b *tracedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := traceBodyLimit - b.kept.Len(); n > room {
		b.kept.Write(p[:room])
		b.overflow = true
	} else {
		b.kept.Write(p[:n])
	}
	if err == io.EOF {
		b.finish(true)
	}
	return n, err
}

func (b *tracedBody) Close() error {
	b.finish(false)
	return b.ReadCloser.Close()
}

func (b *tracedBody) finish(atEOF bool) {
	b.once.Do(func() { b.done(b.kept.Bytes(), atEOF && !b.overflow) })
}
