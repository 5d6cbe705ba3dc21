package main

import (
	"bufio"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/common"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The output formats of -o.
const (
	formatTable = "table"
	formatJSON  = "json"
	formatYAML  = "yaml"
)

// platforms are the platform profiles the context and originating identity flags know.
var platforms = []string{openservicebrokerv1.PlatformCloudFoundry, openservicebrokerv1.PlatformKubernetes, openservicebrokerv1.PlatformIBMCloud}

// checkGlobalFlags validates the flags every command shares, before anything is sent.
func (a *app) checkGlobalFlags() error {
	if err := a.checkOutput(); err != nil {
		return err
	}
	f := a.flags
	if f.passwordStdin && f.user == "" {
		return usageError{errors.New("--password-stdin needs --user")}
	}
	if f.user != "" && f.tokenFile != "" {
		return usageError{errors.New("--user and --token-file both set credentials; choose one")}
	}
	if f.platform != "" && !slices.Contains(platforms, f.platform) {
		return usageError{fmt.Errorf("--platform %q: want one of %s", f.platform, strings.Join(platforms, ", "))}
	}
	if f.originatingIdentity != "" && f.platform == "" {
		return usageError{errors.New("--originating-identity needs --platform to say whose profile it follows")}
	}
	if f.timeout < 0 {
		return usageError{fmt.Errorf("--timeout %s: want a positive duration", f.timeout)}
	}
	return nil
}

// checkOutput reads -o, whatever its case (json, JSON, yml), and compiles --jq, which selects
// from the JSON output.
func (a *app) checkOutput() error {
	output := strings.ToLower(a.flags.output)
	if output == "yml" {
		output = formatYAML
	}
	if !slices.Contains([]string{formatTable, formatJSON, formatYAML}, output) {
		return usageError{fmt.Errorf("-o %q: want table, json or yaml", a.flags.output)}
	}
	a.flags.output = output
	if a.flags.jq == "" {
		return nil
	}
	if output == formatYAML {
		return usageError{errors.New("--jq selects from the JSON output; leave -o yaml out")}
	}
	a.flags.output = formatJSON
	var err error
	a.query, err = compileQuery(a.flags.jq)
	return err
}

// newClient builds the client from the SDK's external configuration with the flags on top.
// The result is a usage error when the configuration is incomplete or wrong: nothing was sent.
func (a *app) newClient() (*openservicebrokerv1.OpenServiceBrokerV1, error) {
	authenticator, err := a.flagAuthenticator()
	if err != nil {
		return nil, usageError{err}
	}
	client, err := openservicebrokerv1.NewOpenServiceBrokerV1UsingExternalConfig(&openservicebrokerv1.OpenServiceBrokerV1Options{
		URL: a.flags.url, Authenticator: authenticator,
	})
	if err != nil {
		return nil, usageError{fmt.Errorf("configuring the client (flags, OPEN_SERVICE_BROKER_* variables, credentials file): %w", err)}
	}
	if a.flags.url == "" && client.GetServiceURL() == openservicebrokerv1.DefaultServiceURL {
		return nil, usageError{errors.New("no broker URL: set --url or OPEN_SERVICE_BROKER_URL")}
	}
	if a.flags.apiVersion != "" {
		if err := client.SetBrokerAPIVersion(a.flags.apiVersion); err != nil {
			return nil, usageError{fmt.Errorf("--api-version: %w", err)}
		}
	}
	if a.flags.insecure {
		client.DisableSSLVerification()
	}
	if a.flags.timeout > 0 {
		httpClient := client.GetHTTPClient()
		httpClient.Timeout = min(httpClient.Timeout, a.flags.timeout)
	}
	if identity, err := a.originatingIdentity(); err != nil {
		return nil, usageError{err}
	} else if identity != "" {
		if err := client.SetDefaultOriginatingIdentity(identity); err != nil {
			return nil, usageError{fmt.Errorf("--originating-identity: %w", err)}
		}
	}
	if a.flags.dryRun {
		a.captureInsteadOfSending(client)
	}
	return client, nil
}

// flagAuthenticator is the authenticator the flags ask for, or nil to take the configured one.
func (a *app) flagAuthenticator() (core.Authenticator, error) {
	switch {
	case a.flags.tokenFile != "":
		authenticator, err := common.NewBearerTokenFileAuthenticator(a.flags.tokenFile)
		if err != nil {
			return nil, fmt.Errorf("--token-file: %w", err)
		}
		return authenticator, nil
	case a.flags.user != "":
		if !a.flags.passwordStdin {
			return nil, errors.New("--user needs --password-stdin: a password on the command line would be seen by other users and kept in the shell history")
		}
		password, err := a.readPassword()
		if err != nil {
			return nil, err
		}
		return core.NewBasicAuthenticator(a.flags.user, password)
	}
	return nil, nil
}

// maxPasswordLength bounds what is read from stdin for a password.
const maxPasswordLength = 4096

func (a *app) readPassword() (string, error) {
	line, err := bufio.NewReaderSize(a.stdin, maxPasswordLength).ReadString('\n')
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		if err != nil {
			return "", fmt.Errorf("--password-stdin: no password on stdin: %w", err)
		}
		return "", errors.New("--password-stdin: the first line of stdin is empty")
	}
	return password, nil
}

// originatingIdentity builds the X-Broker-API-Originating-Identity value of the identity flags
// (Originating Identity Header in the platform profiles), or "" when none is asked for.
func (a *app) originatingIdentity() (string, error) {
	value := strings.TrimSpace(a.flags.originatingIdentity)
	if value == "" {
		return "", nil
	}
	var object any
	if strings.HasPrefix(value, "{") {
		decoded, err := decodeJSONObject([]byte(value))
		if err != nil {
			return "", fmt.Errorf("--originating-identity: %w", err)
		}
		object = decoded
	} else if key, ok := identityUserKeys[a.flags.platform]; ok {
		object = map[string]any{key: value}
	} else {
		return "", fmt.Errorf("--originating-identity: the %s profile requires username, uid, groups and extra (Originating Identity Header); give them as a JSON object", a.flags.platform)
	}
	return openservicebrokerv1.NewOriginatingIdentity(a.flags.platform, object)
}

// identityUserKeys name the user in each platform's originating identity value.
var identityUserKeys = map[string]string{
	openservicebrokerv1.PlatformCloudFoundry: "user_id",
	openservicebrokerv1.PlatformIBMCloud:     "iam_id",
}
