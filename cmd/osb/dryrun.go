package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/osbkit/osb-go-sdk/internal/secret"
	"github.com/osbkit/osb-go-sdk/internal/termtext"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// errDryRun stops a request at the transport under --dry-run: it was printed, not sent.
var errDryRun = errors.New("not sent (--dry-run)")

// maxDryRunBody bounds the request body a dry run reads to print it.
const maxDryRunBody = 1 << 20

// captureInsteadOfSending makes the client hand its requests to a.printCurl instead of the
// network, all but the catalog's: reading it is harmless, and it resolves names to the ids the
// request would carry. curlAuth passes the credentials to curl as they were given (variables,
// files, curl's own prompt), never their values.
func (a *app) captureInsteadOfSending(client *openservicebrokerv1.OpenServiceBrokerV1, curlAuth []string) {
	current := client.GetHTTPClient()
	next := current.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	client.DisableRetries()
	client.SetHTTPClient(&http.Client{Timeout: current.Timeout, Transport: &dryRunTransport{next: next, print: func(request *http.Request) error {
		return a.printCurl(request, curlAuth)
	}}})
}

// dryRunTransport passes catalog reads on and each other request to print, answering none.
type dryRunTransport struct {
	next  http.RoundTripper
	print func(*http.Request) error
}

func (t *dryRunTransport) RoundTrip(request *http.Request) (*http.Response, error) {
	if request.Method == http.MethodGet && strings.HasSuffix(request.URL.Path, "/v2/catalog") {
		return t.next.RoundTrip(request)
	}
	if err := t.print(request); err != nil {
		return nil, err
	}
	return nil, errDryRun
}

// printCurl writes request as a curl command line on stdout, with the credentials as curlAuth
// passes them.
func (a *app) printCurl(request *http.Request, curlAuth []string) error {
	parts := append([]string{"curl", "-X", request.Method, shellQuote(request.URL.Redacted())}, curlAuth...)
	for _, name := range slices.Sorted(maps.Keys(request.Header)) {
		if name == "Authorization" || name == "User-Agent" {
			continue
		}
		for _, value := range request.Header[name] {
			parts = append(parts, "-H", shellQuote(name+": "+value))
		}
	}
	if request.Body != nil {
		body, err := io.ReadAll(io.LimitReader(request.Body, maxDryRunBody))
		if err != nil {
			return fmt.Errorf("reading the request body to print it: %w", err)
		}
		if len(body) > 0 {
			parts = append(parts, "--data-binary", shellQuote(string(a.maskBody(body))))
		}
	}
	a.printedDryRun = true
	_, err := fmt.Fprintln(a.stdout, strings.Join(parts, " "))
	return err
}

// maskBody masks the secrets among the parameters of a request body (a password given with
// --param, say) unless --show-secrets, and says so on stderr when it did.
func (a *app) maskBody(body []byte) []byte {
	if a.flags.showSecrets {
		return body
	}
	fields, err := decodeJSONObject(body)
	if err != nil || fields["parameters"] == nil {
		return body
	}
	masked := secret.Mask(fields["parameters"])
	if reflect.DeepEqual(masked, fields["parameters"]) {
		return body
	}
	fields["parameters"] = masked
	encoded, err := json.Marshal(fields)
	if err != nil {
		return body
	}
	a.hint("secrets among the parameters are masked; --show-secrets prints them")
	return encoded
}

// shellQuote quotes s for a POSIX shell. Text holding a control, format or bidi character is
// written in ANSI-C quotes ($'...', bash, zsh, ksh and POSIX.1-2024 sh) with those characters
// as \xHH escapes of their bytes: the line stays safe to print and means the same when pasted.
func shellQuote(s string) string {
	if !termtext.NeedsEscape(s) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'':
			b.WriteString(`\` + string(r))
		case termtext.Unsafe(r):
			for _, octet := range []byte(string(r)) {
				fmt.Fprintf(&b, `\x%02x`, octet)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString("'")
	return b.String()
}
