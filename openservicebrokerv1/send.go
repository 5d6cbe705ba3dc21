package openservicebrokerv1

// The one request path: every generated operation hands its request value to send.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/common"
	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
	"github.com/osbkit/osb-go-sdk/internal/secret"
)

// Canonical spellings of the OSB headers, as net/http keys them.
var (
	canonicalAPIVersion          = http.CanonicalHeaderKey(HeaderAPIVersion)
	canonicalRequestIdentity     = http.CanonicalHeaderKey(HeaderRequestIdentity)
	canonicalOriginatingIdentity = http.CanonicalHeaderKey(HeaderOriginatingIdentity)
)

// headerValue is the first value of the header of canonical name: http.Header.Get would
// canonicalise the name again on every call.
func headerValue(header http.Header, canonical string) string {
	if values := header[canonical]; len(values) > 0 {
		return values[0]
	}
	return ""
}

var (
	jsonMediaType = []string{"application/json"}
	gzipEncoding  = []string{"gzip"}
)

// problemComponent names this SDK in the go-sdk-core problems it creates.
var problemComponent = core.NewProblemComponent(DefaultServiceName, common.Version)

// send adds the OSB headers, checks the request once, encodes its body once, authenticates it,
// sends it through the transport stack and decodes the answer (see decode).
func (openServiceBroker *OpenServiceBrokerV1) send(ctx context.Context, request *sdkruntime.Request, result any) (*core.DetailedResponse, error) {
	op := request.Op
	identity := openServiceBroker.addHeaders(request)
	version, err := openServiceBroker.checkRequest(request)
	if err != nil {
		return nil, err
	}
	if err := openServiceBroker.prepareRequest(request, version); err != nil {
		return nil, err
	}
	httpRequest, err := openServiceBroker.newHTTPRequest(ctx, request)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, requestNotSent(fmt.Errorf("%s: not sent (request identity %s): %w", op.Name, identity, err))
	}
	if err := openServiceBroker.Service.Options.Authenticator.Authenticate(httpRequest); err != nil {
		problem := core.SDKErrorf(err, fmt.Sprintf(core.ERRORMSG_AUTHENTICATE_ERROR, err.Error()), "authentication-failed", problemComponent)
		return nil, fmt.Errorf("%s: cannot authenticate the request: %w", op.Name, problem)
	}
	logRequest(httpRequest)
	stack := openServiceBroker.stack(ctx)
	httpResponse, withheld, err := stack.roundTrip(httpRequest)
	if err != nil {
		return nil, noAnswer(op.Name, identity, withheld, err)
	}
	response, err := decode(op, identity, httpRequest, httpResponse, withheld, result)
	if err == nil {
		err = openServiceBroker.checkAnswerAgainstCatalog(request, response, result)
	}
	return response, openServiceBroker.refreshOnMaintenanceConflict(ctx, request, err)
}

// addHeaders completes the request's headers: the request identity (a new one unless the
// caller set it), the API version, the client's originating identity, the default headers
// (which replace the operation's, as in go-sdk-core), the SDK's headers and the media types.
// It returns the request identity.
func (openServiceBroker *OpenServiceBrokerV1) addHeaders(request *sdkruntime.Request) string {
	header, op := request.Header, request.Op
	for name, values := range openServiceBroker.Service.DefaultHeaders {
		header[http.CanonicalHeaderKey(name)] = values
	}
	identity := headerValue(header, canonicalRequestIdentity)
	if identity == "" {
		identity = request.SetIdentity(canonicalRequestIdentity, writeRequestIdentity)
	}
	if _, set := header[canonicalAPIVersion]; !set {
		header[canonicalAPIVersion] = openServiceBroker.brokerAPIVersion
	}
	if _, set := header[canonicalOriginatingIdentity]; !set && openServiceBroker.defaultOriginatingIdentity != "" && op.Declares(canonicalOriginatingIdentity) {
		request.SetHeader(canonicalOriginatingIdentity, openServiceBroker.defaultOriginatingIdentity)
	}
	for _, sdkHeader := range op.SDKHeaders {
		if _, set := header[sdkHeader.Name]; !set {
			header[sdkHeader.Name] = sdkHeader.Values
		}
	}
	if op.Accept {
		header["Accept"] = jsonMediaType
	}
	return identity
}

// checkRequest rejects, before anything is sent, a request that could not reach the broker,
// or that the catalog the client holds does not allow. It returns the API version the request
// announces.
func (openServiceBroker *OpenServiceBrokerV1) checkRequest(request *sdkruntime.Request) (apiVersion, error) {
	if core.IsNil(openServiceBroker.Service.Options.Authenticator) {
		return apiVersion{}, fmt.Errorf("%s: the client has no authenticator; set OpenServiceBrokerV1Options.Authenticator "+
			"(core.NoAuthAuthenticator for a broker without authentication)", request.Op.Name)
	}
	text := headerValue(request.Header, canonicalAPIVersion)
	version, ok := parseAPIVersion(text)
	if !ok {
		return apiVersion{}, &ParameterError{Operation: request.Op.Name, Parameter: HeaderAPIVersion,
			Problem: fmt.Sprintf("%q is not an API version; use major.minor such as %q", text, DefaultBrokerAPIVersion)}
	}
	return version, openServiceBroker.checkAgainstCatalog(request.Options, headerValue(request.Header, canonicalOriginatingIdentity))
}

// newHTTPRequest builds the HTTP request: the URL with its path and query, the body encoded
// once (compressed when the client says so) and replayable for retries.
func (openServiceBroker *OpenServiceBrokerV1) newHTTPRequest(ctx context.Context, request *sdkruntime.Request) (*http.Request, error) {
	op := request.Op
	serviceURL := openServiceBroker.GetServiceURL()
	if !looksAbsolute(serviceURL) {
		return nil, fmt.Errorf("%s: %w", op.Name, checkServiceURL(serviceURL))
	}
	address, err := request.URL(serviceURL)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	if request.Body != nil {
		encoded, err := openServiceBroker.encodeBody(request)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(encoded)
	}
	httpRequest, err := http.NewRequestWithContext(ctx, op.Method, address, body)
	if err != nil || (httpRequest.URL.Scheme != "http" && httpRequest.URL.Scheme != "https") || httpRequest.URL.Host == "" {
		return nil, fmt.Errorf("%s: %w", op.Name, checkServiceURL(serviceURL))
	}
	httpRequest.Header = request.Header
	return httpRequest, nil
}

// encodeBody encodes the request body as JSON, and compresses it when gzip is on.
func (openServiceBroker *OpenServiceBrokerV1) encodeBody(request *sdkruntime.Request) ([]byte, error) {
	encoded, err := json.Marshal(request.Body)
	if err != nil {
		return nil, &ParameterError{Operation: request.Op.Name, Parameter: "request body", Problem: "cannot be encoded as JSON", Err: err}
	}
	request.Header["Content-Type"] = jsonMediaType
	if !openServiceBroker.GetEnableGzipCompression() {
		return encoded, nil
	}
	var compressed bytes.Buffer
	writer := gzip.NewWriter(&compressed)
	if _, err := writer.Write(encoded); err != nil {
		return nil, err
	}
	if err := writer.Close(); err != nil {
		return nil, err
	}
	request.Header["Content-Encoding"] = gzipEncoding
	return compressed.Bytes(), nil
}

// looksAbsolute is the cheap test, on every request, that the service URL starts with an http
// or https scheme and a host; http.NewRequest parses the rest.
func looksAbsolute(serviceURL string) bool {
	rest, found := strings.CutPrefix(serviceURL, "https://")
	if !found {
		rest, found = strings.CutPrefix(serviceURL, "http://")
	}
	return found && rest != "" && rest[0] != '/'
}

// noAnswer is the error of a call that got no answer from the broker.
func noAnswer(op, identity string, withheld bool, err error) error {
	if isCertificateError(err) {
		return fmt.Errorf("%s: no answer from the broker (request identity %s): its TLS certificate is not trusted; "+
			"set OPEN_SERVICE_BROKER_CA_CERT_FILE to the CA that signed it, or for a test server only call DisableSSLVerification: %w", op, identity, err)
	}
	if withheld {
		return fmt.Errorf("%s: no answer from the broker (request identity %s): %w: %w", op, identity, ErrBrokerUnavailable, err)
	}
	return fmt.Errorf("%s: no answer from the broker (request identity %s): %w", op, identity, err)
}

// checkServiceURL accepts an absolute http or https URL. Its errors never show a password
// the URL may hold.
func checkServiceURL(serviceURL string) error {
	if serviceURL == "" {
		return fmt.Errorf("the service URL is empty; set an absolute http or https URL such as %s", DefaultServiceURL)
	}
	parsed, err := url.Parse(serviceURL)
	if err != nil {
		var parseErr *url.Error
		if errors.As(err, &parseErr) {
			err = parseErr.Err // the reason alone: the whole error quotes the URL
		}
		return fmt.Errorf("the service URL is not a URL (%v); set an absolute http or https URL such as %s", err, DefaultServiceURL)
	}
	if (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return fmt.Errorf("the service URL %q is not an absolute http or https URL; set one such as %s", parsed.Redacted(), DefaultServiceURL)
	}
	return nil
}

// logRequest writes the request to go-sdk-core's debug log, secrets hidden as core hides
// them and passwords in URLs as well.
func logRequest(request *http.Request) {
	logger := core.GetLogger()
	if !logger.IsLogLevelEnabled(core.LevelDebug) {
		return
	}
	if dump, err := httputil.DumpRequestOut(request, request.Body != nil); err == nil {
		logger.Debug("Request:\n%s\n", secret.MaskText(core.RedactSecrets(string(dump))))
	}
}

// logResponse writes the answer, with the body as read less secrets, to go-sdk-core's debug log.
func logResponse(response *http.Response, body []byte, secrets []string) {
	logger := core.GetLogger()
	if !logger.IsLogLevelEnabled(core.LevelDebug) {
		return
	}
	body = scrub(body, secrets)
	if dump, err := httputil.DumpResponse(response, false); err == nil {
		logger.Debug("Response:\n%s\n", secret.MaskText(core.RedactSecrets(string(dump)+string(body))))
	}
}
