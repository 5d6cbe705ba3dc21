package openservicebrokerv1

// Applying external configuration (credentials file, environment, VCAP_SERVICES), read once by
// common.LoadConfig, to a new client.

import (
	"fmt"

	"github.com/osbkit/osb-go-sdk/common"
)

// newFromExternalConfig builds the client of NewOpenServiceBrokerV1UsingExternalConfig from one
// load of the configuration; options carry the service name and take precedence over it.
func newFromExternalConfig(options *OpenServiceBrokerV1Options) (*OpenServiceBrokerV1, error) {
	config, err := common.LoadConfig(options.ServiceName)
	if err != nil {
		return nil, err
	}
	return NewOpenServiceBrokerV1FromConfig(options, config)
}

// NewOpenServiceBrokerV1FromConfig builds a client as NewOpenServiceBrokerV1UsingExternalConfig
// does, from a configuration the caller loaded (common.LoadConfig, or common.ConfigFromProperties
// for sources in an order of its own); options.URL and options.Authenticator take precedence
// over it.
func NewOpenServiceBrokerV1FromConfig(options *OpenServiceBrokerV1Options, config *common.Config) (*OpenServiceBrokerV1, error) {
	if options == nil || config == nil {
		return nil, fmt.Errorf("NewOpenServiceBrokerV1FromConfig: options and config must not be nil")
	}
	resolved := *options
	var err error
	if resolved.Authenticator == nil {
		if resolved.Authenticator, err = config.Authenticator(); err != nil {
			return nil, err
		}
	}
	client, err := NewOpenServiceBrokerV1(&resolved)
	if err != nil {
		return nil, err
	}
	if err = client.configure(config); err != nil {
		return nil, err
	}
	if resolved.URL != "" {
		if err = client.Service.SetServiceURL(resolved.URL); err != nil {
			return nil, err
		}
	}
	return client, nil
}

// configure applies the external configuration: URL, DISABLE_SSL, ENABLE_GZIP, API version,
// originating identity, timeout, mutual TLS, retries and the maximum response size.
func (openServiceBroker *OpenServiceBrokerV1) configure(config *common.Config) error {
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
		openServiceBroker.brokerAPIVersion = []string{config.APIVersion}
	}
	if config.OriginatingIdentity != "" {
		openServiceBroker.defaultOriginatingIdentity = config.OriginatingIdentity
	}
	if config.MaxResponseBytes != nil {
		openServiceBroker.transport.maxBytes = *config.MaxResponseBytes
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
		openServiceBroker.disableRetries()
	} else {
		openServiceBroker.enableRetries(maxRetries, maxInterval)
	}
	return nil
}
