package common_test

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/osbkit/osb-go-sdk/common"
)

// A Kubernetes pod reads its projected service-account token from a file that the kubelet
// rotates; the authenticator picks up each new token without reading the file per request.
func ExampleNewBearerTokenFileAuthenticator() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	tokenFile := filepath.Join(dir, "token")
	_ = os.WriteFile(tokenFile, []byte("example-token\n"), 0o600)

	authenticator, err := common.NewBearerTokenFileAuthenticator(tokenFile)
	if err != nil {
		fmt.Println(err)
		return
	}
	request, _ := http.NewRequest(http.MethodGet, "https://broker.example.com/v2/catalog", nil)
	if err := authenticator.Authenticate(request); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(authenticator.AuthenticationType())
	fmt.Println(request.Header.Get("Authorization"))

	_, err = common.NewBearerTokenFileAuthenticator(filepath.Join(dir, "missing"))
	fmt.Println(errors.Is(err, os.ErrNotExist))
	// Output:
	// bearerTokenFile
	// Bearer example-token
	// true
}

// Settings that are not configured stay nil, so the client applies its defaults; RetrySettings
// resolves the retry policy with them.
func ExampleLoadConfig() {
	os.Setenv("EXAMPLE_BROKER_URL", "https://broker.example.com")
	os.Setenv("EXAMPLE_BROKER_TIMEOUT", "30s")
	os.Setenv("EXAMPLE_BROKER_MAX_RETRIES", "2")
	defer os.Unsetenv("EXAMPLE_BROKER_URL")
	defer os.Unsetenv("EXAMPLE_BROKER_TIMEOUT")
	defer os.Unsetenv("EXAMPLE_BROKER_MAX_RETRIES")

	config, err := common.LoadConfig("example-broker")
	if err != nil {
		fmt.Println(err)
		return
	}
	maxRetries, maxInterval := config.RetrySettings(4, 10*time.Second)
	fmt.Println("timeout:", *config.Timeout)
	fmt.Println("API version set:", config.APIVersion != "")
	fmt.Println("retries:", maxRetries, "at most", maxInterval, "apart")
	// Output:
	// timeout: 30s
	// API version set: false
	// retries: 2 at most 10s apart
}

// A misconfiguration names the variable and what is expected, never the value.
func ExampleLoadConfig_misconfigured() {
	os.Setenv("EXAMPLE_BROKER_API_VERSION", "v2")
	defer os.Unsetenv("EXAMPLE_BROKER_API_VERSION")

	_, err := common.LoadConfig("example-broker")

	fmt.Println(err)
	fmt.Println(errors.Is(err, common.ErrInvalidConfiguration))
	// Output:
	// configuration variable EXAMPLE_BROKER_API_VERSION: broker API version is not of the form major.minor; expected the OSB API version the broker implements, such as 2.17
	// true
}

// A client that authenticates to its broker with a client certificate gives the transport to
// its service with SetHTTPClient; the certificate is re-read when its files are rotated.
func ExampleNewMutualTLSTransport() {
	transport, err := common.NewMutualTLSTransport("/etc/broker-client/tls.crt", "/etc/broker-client/tls.key", "/etc/broker-client/ca.crt")
	if err != nil {
		fmt.Println(err) // names the file and what is wrong with it
		return
	}
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	_ = client // e.g. service.SetHTTPClient(client)
}
