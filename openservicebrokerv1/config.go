package openservicebrokerv1

// Applying external configuration (environment, credentials file, VCAP_SERVICES) to a new client.

import (
	"fmt"

	"github.com/osbkit/osb-go-sdk/common"
)

// newFromExternalConfig builds the client of NewOpenServiceBrokerV1UsingExternalConfig: options
// carry the service name and take precedence over external settings.
func newFromExternalConfig(options *OpenServiceBrokerV1Options) (*OpenServiceBrokerV1, error) {
	if options.Authenticator == nil {
		authenticator, err := common.GetAuthenticatorFromEnvironment(options.ServiceName)
		if err != nil {
			return nil, err
		}
		options.Authenticator = authenticator
	}
	client, err := NewOpenServiceBrokerV1(options)
	if err != nil {
		return nil, err
	}
	if err = client.configureFromEnvironment(options.ServiceName); err != nil {
		return nil, err
	}
	if options.URL != "" {
		if err = client.Service.SetServiceURL(options.URL); err != nil {
			return nil, err
		}
	}
	return client, nil
}

// configureFromEnvironment applies go-sdk-core's settings (URL, DISABLE_SSL, ENABLE_GZIP) and
// this SDK's own (API version, originating identity, timeout, mutual TLS, retries).
func (openServiceBroker *OpenServiceBrokerV1) configureFromEnvironment(serviceName string) error {
	config, err := common.LoadConfig(serviceName)
	if err != nil {
		return err
	}
	if err := openServiceBroker.Service.ConfigureService(serviceName); err != nil {
		return err
	}
	// ConfigureService wraps the HTTP client in core's own retrying client when
	// ENABLE_RETRIES is set; retries are this client's transport stack's job, configured below.
	openServiceBroker.Service.DisableRetries()
	if err := checkServiceURL(openServiceBroker.GetServiceURL()); err != nil {
		return fmt.Errorf("%s: %w", common.EnvVarName(serviceName, "URL"), err)
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
		openServiceBroker.disableRetries()
	} else {
		openServiceBroker.enableRetries(maxRetries, maxInterval)
	}
	return nil
}
