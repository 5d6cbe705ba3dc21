package openservicebrokerv1

// The client's own settings and their defaults: what every request carries and how it is bounded.

import (
	"fmt"
	"net/http"
	"time"
)

// DefaultBrokerAPIVersion is the X-Broker-API-Version sent unless SetBrokerAPIVersion or
// OPEN_SERVICE_BROKER_API_VERSION says otherwise.
const DefaultBrokerAPIVersion = "2.17"

// DefaultMaxIdleConnsPerHost is how many idle keep-alive connections to the broker the client keeps.
const DefaultMaxIdleConnsPerHost = 64

// DefaultMaxResponseBytes bounds the body of one answer, counted after decompression: large
// enough for a catalog of thousands of plans with their schemas, small enough that a broker
// streaming without end cannot exhaust the platform's memory.
const DefaultMaxResponseBytes = 64 << 20

// clientSettings are the settings of the hand-written request path, embedded in the client
// (x-sdkgen-hooks); a Clone copies them and shares the retry budget.
type clientSettings struct {
	// brokerAPIVersion is the X-Broker-API-Version header value, kept as sent: one slice for all requests.
	brokerAPIVersion           []string
	defaultOriginatingIdentity string
	// transport is the transport stack under every call: its size limit, retry policy and budget,
	// set here when a setting changes; each call adds its HTTP client's transport and timeout.
	transport transportStack
	catalog   heldCatalog
	// skipCatalogMaintenanceInfo turns off SetSendCatalogMaintenanceInfo (on by default).
	skipCatalogMaintenanceInfo bool
}

// init applies the defaults a platform needs without asking: API version, a bounded request
// duration and answer size, and retries of transient failures on a budget.
func (openServiceBroker *OpenServiceBrokerV1) init() error {
	if err := checkServiceURL(openServiceBroker.GetServiceURL()); err != nil {
		return fmt.Errorf("NewOpenServiceBrokerV1: %w", err)
	}
	openServiceBroker.brokerAPIVersion = []string{DefaultBrokerAPIVersion}
	openServiceBroker.transport.maxBytes = DefaultMaxResponseBytes
	openServiceBroker.transport.budget = newRetryBudget()
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

// SetBrokerAPIVersion sets the X-Broker-API-Version sent with every request, such as "2.17".
func (openServiceBroker *OpenServiceBrokerV1) SetBrokerAPIVersion(version string) error {
	if _, ok := parseAPIVersion(version); !ok {
		return fmt.Errorf("SetBrokerAPIVersion: %q is not an API version; use major.minor such as %q", version, DefaultBrokerAPIVersion)
	}
	openServiceBroker.brokerAPIVersion = []string{version}
	return nil
}

// GetBrokerAPIVersion returns the X-Broker-API-Version sent with every request.
func (openServiceBroker *OpenServiceBrokerV1) GetBrokerAPIVersion() string {
	return openServiceBroker.brokerAPIVersion[0]
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

// SetMaxResponseBytes bounds the body of one answer, counted after decompression
// (DefaultMaxResponseBytes unless set; also OPEN_SERVICE_BROKER_MAX_RESPONSE_BYTES). Reading
// stops as soon as a body exceeds it, with an error matching ErrResponseTooLarge.
func (openServiceBroker *OpenServiceBrokerV1) SetMaxResponseBytes(limit int64) error {
	if limit <= 0 {
		return fmt.Errorf("SetMaxResponseBytes: the limit must be a positive number of bytes, got %d", limit)
	}
	openServiceBroker.transport.maxBytes = limit
	return nil
}

// GetMaxResponseBytes returns the bound on the body of one answer.
func (openServiceBroker *OpenServiceBrokerV1) GetMaxResponseBytes() int64 {
	return openServiceBroker.transport.maxBytes
}

// enableRetries is EnableRetries: zero values select the defaults.
func (openServiceBroker *OpenServiceBrokerV1) enableRetries(maxRetries int, maxRetryInterval time.Duration) {
	if maxRetries <= 0 {
		maxRetries = DefaultMaxRetries
	}
	if maxRetryInterval <= 0 {
		maxRetryInterval = DefaultMaxRetryInterval
	}
	openServiceBroker.transport.policy = retryPolicy{maxRetries: maxRetries, minWait: min(DefaultMinRetryInterval, maxRetryInterval), maxWait: maxRetryInterval}
}

// disableRetries is DisableRetries: every request is sent once.
func (openServiceBroker *OpenServiceBrokerV1) disableRetries() {
	openServiceBroker.transport.policy = retryPolicy{}
}
