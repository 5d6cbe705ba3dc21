package openservicebrokerv1

// The client hooks (see internal/sdkgen/README.md), maintained by hand: they carry the Open
// Service Broker semantics that every generated operation shares.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/common"
)

// DefaultBrokerAPIVersion is the X-Broker-API-Version sent unless SetBrokerAPIVersion or
// OPEN_SERVICE_BROKER_API_VERSION says otherwise.
const DefaultBrokerAPIVersion = "2.17"

// DefaultMinRetryInterval is the first wait between attempts when the broker gives no Retry-After.
const DefaultMinRetryInterval = 200 * time.Millisecond

// DefaultMaxIdleConnsPerHost is how many idle keep-alive connections to the broker the client keeps.
const DefaultMaxIdleConnsPerHost = 64

// clientSettings holds what the hooks add to every request.
type clientSettings struct {
	brokerAPIVersion           string
	defaultOriginatingIdentity string
}

var apiVersionPattern = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// SetBrokerAPIVersion sets the X-Broker-API-Version sent with every request, such as "2.17".
func (openServiceBroker *OpenServiceBrokerV1) SetBrokerAPIVersion(version string) error {
	if !apiVersionPattern.MatchString(version) {
		return fmt.Errorf("SetBrokerAPIVersion: %q is not an API version; use major.minor such as %q", version, DefaultBrokerAPIVersion)
	}
	openServiceBroker.brokerAPIVersion = version
	return nil
}

// GetBrokerAPIVersion returns the X-Broker-API-Version sent with every request.
func (openServiceBroker *OpenServiceBrokerV1) GetBrokerAPIVersion() string {
	return openServiceBroker.brokerAPIVersion
}

// SetDefaultOriginatingIdentity sets the X-Broker-API-Originating-Identity sent with every
// operation that takes one, unless its Options set their own. Build the value with
// NewOriginatingIdentity; an empty string sends none.
func (openServiceBroker *OpenServiceBrokerV1) SetDefaultOriginatingIdentity(identity string) error {
	if identity != "" {
		if _, _, err := ParseOriginatingIdentity(identity); err != nil {
			return fmt.Errorf("SetDefaultOriginatingIdentity: %w", err)
		}
	}
	openServiceBroker.defaultOriginatingIdentity = identity
	return nil
}

// GetDefaultOriginatingIdentity returns the client-wide X-Broker-API-Originating-Identity.
func (openServiceBroker *OpenServiceBrokerV1) GetDefaultOriginatingIdentity() string {
	return openServiceBroker.defaultOriginatingIdentity
}

// externalConfig is the external configuration, read once by loadExternalConfig.
type externalConfig = *common.Config

func loadExternalConfig(serviceName string) (externalConfig, error) {
	return common.LoadConfig(serviceName)
}

func authenticatorFromEnvironment(config externalConfig) (core.Authenticator, error) {
	return config.Authenticator()
}

// init applies the defaults a platform needs without asking: API version, a bounded request
// duration, and retries of transient failures.
func (openServiceBroker *OpenServiceBrokerV1) init() error {
	if err := checkServiceURL(openServiceBroker.GetServiceURL()); err != nil {
		return fmt.Errorf("NewOpenServiceBrokerV1: %w", err)
	}
	openServiceBroker.brokerAPIVersion = DefaultBrokerAPIVersion
	httpClient := openServiceBroker.GetHTTPClient()
	httpClient.Timeout = DefaultTimeout
	// go-sdk-core's pooled transport keeps GOMAXPROCS+1 idle connections per host; a platform
	// sharing one client between many goroutines would open a new connection for most calls.
	if transport, ok := httpClient.Transport.(*http.Transport); ok {
		transport.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	}
	openServiceBroker.enableRetries(DefaultMaxRetries, DefaultMaxRetryInterval)
	return nil
}

// configureFromEnvironment applies the external configuration: URL, DISABLE_SSL, ENABLE_GZIP,
// API version, originating identity, timeout, mutual TLS and retries.
func (openServiceBroker *OpenServiceBrokerV1) configureFromEnvironment(config externalConfig) error {
	if config.URL != "" {
		urlVariable := common.EnvVarName(config.ServiceName, common.PropertyURL)
		if err := checkServiceURL(config.URL); err != nil {
			return fmt.Errorf("%s: %w", urlVariable, err)
		}
		if err := openServiceBroker.Service.SetServiceURL(config.URL); err != nil {
			return fmt.Errorf("%s: %w", urlVariable, err)
		}
	}
	if config.DisableSSL != nil && *config.DisableSSL {
		openServiceBroker.Service.DisableSSLVerification()
	}
	if config.EnableGzip != nil {
		openServiceBroker.Service.SetEnableGzipCompression(*config.EnableGzip)
	}
	if config.APIVersion != "" {
		openServiceBroker.brokerAPIVersion = config.APIVersion
	}
	if config.OriginatingIdentity != "" {
		openServiceBroker.defaultOriginatingIdentity = config.OriginatingIdentity
	}
	httpClient := openServiceBroker.GetHTTPClient()
	if config.Timeout != nil {
		httpClient.Timeout = *config.Timeout
	}
	if err := config.ApplyTransport(httpClient); err != nil {
		return err
	}
	maxRetries, maxInterval := config.RetrySettings(DefaultMaxRetries, DefaultMaxRetryInterval)
	if maxRetries == 0 {
		openServiceBroker.DisableRetries()
	} else {
		openServiceBroker.enableRetries(maxRetries, maxInterval)
	}
	return nil
}

func (openServiceBroker *OpenServiceBrokerV1) enableRetries(maxRetries int, maxRetryInterval time.Duration) {
	if maxRetries <= 0 {
		maxRetries = DefaultMaxRetries
	}
	if maxRetryInterval <= 0 {
		maxRetryInterval = DefaultMaxRetryInterval
	}
	openServiceBroker.Service.EnableRetries(maxRetries, maxRetryInterval)
	installRetryPolicy(openServiceBroker.Service.Client, min(DefaultMinRetryInterval, maxRetryInterval))
}

// send adds the OSB headers, sends the request and reads the answer the way the
// specification defines it.
func (openServiceBroker *OpenServiceBrokerV1) send(ctx context.Context, op *operation, builder *core.RequestBuilder, result any) (*core.DetailedResponse, error) {
	identity := headerValue(builder.Header, HeaderRequestIdentity)
	if identity == "" {
		identity = newRequestIdentity()
		builder.AddHeader(HeaderRequestIdentity, identity)
	}
	if headerValue(builder.Header, HeaderAPIVersion) == "" {
		builder.AddHeader(HeaderAPIVersion, openServiceBroker.brokerAPIVersion)
	}
	if openServiceBroker.defaultOriginatingIdentity != "" && slices.Contains(op.Headers, HeaderOriginatingIdentity) &&
		headerValue(builder.Header, HeaderOriginatingIdentity) == "" {
		builder.AddHeader(HeaderOriginatingIdentity, openServiceBroker.defaultOriginatingIdentity)
	}
	if err := openServiceBroker.checkRequest(op, builder); err != nil {
		return nil, err
	}
	request, err := builder.WithContext(ctx).Build()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot build the request: %w", op.Name, err)
	}
	request.Header = canonicalHeader(request.Header)
	if err := ctx.Err(); err != nil {
		return nil, requestNotSent(fmt.Errorf("%s: not sent (request identity %s): %w", op.Name, identity, err))
	}
	// go-sdk-core hands a successful body back unread when asked for an io.ReadCloser; decoding
	// it here skips core's copy of the body and its content-type check on every answer.
	var body io.ReadCloser
	target := any(nil)
	if result != nil {
		target = &body
	}
	response, err := openServiceBroker.Service.Request(request, target)
	if response != nil && response.Headers != nil && response.Headers.Get(HeaderRequestIdentity) == "" {
		response.Headers.Set(HeaderRequestIdentity, identity)
	}
	if err != nil {
		return interpretFailure(op, identity, response, err, result)
	}
	if body != nil {
		if err := decodeBody(response, body, result); err != nil {
			return response, fmt.Errorf("%s: broker answered %d with a body that is not the expected JSON (request identity %s): %w",
				op.Name, response.StatusCode, identity, boundedError{err})
		}
	}
	return response, nil
}

// checkRequest rejects, before anything is sent, a request that could not reach the broker
// or would reach another resource than the caller names.
func (openServiceBroker *OpenServiceBrokerV1) checkRequest(op *operation, builder *core.RequestBuilder) error {
	if core.IsNil(openServiceBroker.Service.Options.Authenticator) {
		return fmt.Errorf("%s: the client has no authenticator; set OpenServiceBrokerV1Options.Authenticator "+
			"(core.NoAuthAuthenticator for a broker without authentication)", op.Name)
	}
	if err := checkServiceURL(openServiceBroker.GetServiceURL()); err != nil {
		return fmt.Errorf("%s: %w", op.Name, err)
	}
	// go-sdk-core applies the default headers last, so one there replaces the operation's.
	for _, header := range []http.Header{builder.Header, openServiceBroker.Service.DefaultHeaders} {
		if version := headerValue(header, HeaderAPIVersion); version != "" && !apiVersionPattern.MatchString(version) {
			return &ParameterError{Operation: op.Name, Parameter: HeaderAPIVersion,
				Problem: fmt.Sprintf("%q is not an API version; use major.minor such as %q", version, DefaultBrokerAPIVersion)}
		}
	}
	return checkDotSegments(op, builder.URL.EscapedPath())
}

// checkServiceURL accepts an absolute http or https URL. Its errors never show a password
// the URL may hold.
func checkServiceURL(serviceURL string) error {
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

// checkDotSegments rejects a path parameter that is "." or "..": URL normalisation (by the
// broker's router or a proxy) removes such a path segment, so the request would act on
// another resource. The sent path ends with the segments of op.Path; the service URL's own
// path may come before them.
func checkDotSegments(op *operation, escapedPath string) error {
	if !strings.Contains(escapedPath, "/.") {
		return nil
	}
	sent := strings.Split(escapedPath, "/")
	template := strings.Split(op.Path, "/")
	offset := len(sent) - len(template)
	for i, segment := range template {
		if offset+i < 0 || !strings.HasPrefix(segment, "{") {
			continue
		}
		if value := sent[offset+i]; value == "." || value == ".." {
			return &ParameterError{Operation: op.Name, Parameter: strings.Trim(segment, "{}"),
				Problem: fmt.Sprintf("must not be %q: URL normalisation removes such a path segment, so the request would reach another resource", value)}
		}
	}
	return nil
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

// maxPresizedBody bounds the buffer allocated up front from a Content-Length header.
const maxPresizedBody = 64 << 20

// decodeBody reads a successful answer and decodes it into result in one pass. An empty body
// gives an empty result; a body that does not decode is kept in response.RawResult.
func decodeBody(response *core.DetailedResponse, body io.ReadCloser, result any) error {
	defer body.Close()
	response.Result = nil
	size, _ := strconv.Atoi(response.Headers.Get("Content-Length"))
	buf := bytes.NewBuffer(make([]byte, 0, min(max(size, 0), maxPresizedBody)+bytes.MinRead))
	if _, err := buf.ReadFrom(body); err != nil {
		return err
	}
	data := buf.Bytes()
	if len(bytes.TrimSpace(data)) == 0 {
		// An empty body reads as "{}": the caller gets a result with nothing set, never nil.
		data = []byte("{}")
	}
	if err := json.Unmarshal(data, result); err != nil {
		response.RawResult = data
		return err
	}
	response.Result = reflect.ValueOf(result).Elem().Interface()
	return nil
}

// interpretFailure turns what go-sdk-core reports as a failure into the OSB meaning: statuses
// the operation defines as success (410 Gone on a deletion), typed broker errors for other
// answers, and wrapped transport errors.
func interpretFailure(op *operation, identity string, response *core.DetailedResponse, err error, result any) (*core.DetailedResponse, error) {
	// An answer from a token service (IAM) comes back as a response too: it is not the broker's.
	if isAuthenticationFailure(err) {
		return response, fmt.Errorf("%s: cannot authenticate the request: %w", op.Name, err)
	}
	if response == nil || response.StatusCode == 0 {
		return response, fmt.Errorf("%s: no answer from the broker (request identity %s): %w", op.Name, identity, err)
	}
	if slices.Contains(op.SuccessStatuses, response.StatusCode) {
		decodeSuccessBody(response, result)
		return response, nil
	}
	return response, newBrokerError(op.Name, identity, response, err)
}

// decodeSuccessBody fills result from an answer go-sdk-core treated as an error but the
// operation defines as success. Such bodies are usually "{}"; one that does not decode is
// left in the response and result stays at its zero value.
func decodeSuccessBody(response *core.DetailedResponse, result any) {
	body, ok := response.Result.(map[string]any)
	if result == nil || !ok {
		return
	}
	encoded, err := json.Marshal(body)
	if err != nil || json.Unmarshal(encoded, result) != nil {
		return
	}
	response.Result = reflect.ValueOf(result).Elem().Interface()
}

// canonicalHeader returns header with canonical names. go-sdk-core's request builder keeps names
// as spelled ("X-Broker-API-Version"), while its default headers and net/http use canonical ones
// ("X-Broker-Api-Version"): left mixed, a default header would go out next to the operation's own.
func canonicalHeader(header http.Header) http.Header {
	canonical := make(http.Header, len(header))
	for name, values := range header {
		key := http.CanonicalHeaderKey(name)
		canonical[key] = append(canonical[key], values...)
	}
	return canonical
}

// headerValue looks a header up whatever the case of its name, since go-sdk-core's request
// builder stores names as given.
func headerValue(header http.Header, name string) string {
	for key, values := range header {
		if strings.EqualFold(key, name) && len(values) > 0 {
			return values[0]
		}
	}
	return ""
}
