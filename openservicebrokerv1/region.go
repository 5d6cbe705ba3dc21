package openservicebrokerv1

import "fmt"

// GetServiceURLForRegion is kept from IBM's SDK, whose other services have regional endpoints.
// A service broker has none: it always returns an error; give the broker's own URL to
// SetServiceURL, OpenServiceBrokerV1Options.URL or OPEN_SERVICE_BROKER_URL instead.
func GetServiceURLForRegion(region string) (string, error) {
	return "", fmt.Errorf("GetServiceURLForRegion(%q): a service broker has no regional URLs; "+
		"set the broker's own URL with SetServiceURL, OpenServiceBrokerV1Options.URL or OPEN_SERVICE_BROKER_URL", region)
}
