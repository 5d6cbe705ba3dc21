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

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/internal/secret"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// errDryRun stops a request at the transport under --dry-run: it was printed, not sent.
var errDryRun = errors.New("not sent (--dry-run)")

// maxDryRunBody bounds the request body a dry run reads to print it.
const maxDryRunBody = 1 << 20

// captureInsteadOfSending makes the client hand its first request to a.printCurl instead of
// the network. The configured authenticator is swapped for one that adds nothing, so that no
// token is fetched and no credential reaches the printed command: it names variables instead.
func (a *app) captureInsteadOfSending(client *openservicebrokerv1.OpenServiceBrokerV1) {
	authType := core.AUTHTYPE_NOAUTH
	if authenticator := client.Service.Options.Authenticator; !core.IsNil(authenticator) {
		authType = authenticator.AuthenticationType()
	}
	client.Service.Options.Authenticator = &core.NoAuthAuthenticator{}
	client.DisableRetries()
	client.SetHTTPClient(&http.Client{Transport: dryRunTransport(func(request *http.Request) error {
		return a.printCurl(request, authType)
	})})
}

// dryRunTransport passes each request to print and answers none.
type dryRunTransport func(*http.Request) error

func (print dryRunTransport) RoundTrip(request *http.Request) (*http.Response, error) {
	if err := print(request); err != nil {
		return nil, err
	}
	return nil, errDryRun
}

// printCurl writes request as a curl command line on stdout, with the credentials as the
// SDK's variables.
func (a *app) printCurl(request *http.Request, authType string) error {
	parts := []string{"curl", "-X", request.Method, shellQuote(request.URL.Redacted())}
	switch authType {
	case core.AUTHTYPE_NOAUTH:
	case core.AUTHTYPE_BASIC:
		parts = append(parts, "-u", `"$OPEN_SERVICE_BROKER_USERNAME:$OPEN_SERVICE_BROKER_PASSWORD"`)
	default:
		parts = append(parts, "-H", `"Authorization: Bearer $OPEN_SERVICE_BROKER_BEARER_TOKEN"`)
	}
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

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
