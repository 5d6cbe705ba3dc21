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

// newClient builds the client from osb's configuration sources (see sources.go), the flags on
// top. The result is a usage error when the configuration is incomplete or wrong: nothing was
// sent.
func (a *app) newClient() (*openservicebrokerv1.OpenServiceBrokerV1, error) {
	c, err := a.effectiveConfiguration(true)
	if err != nil {
		return nil, err
	}
	if err := c.check(); err != nil {
		return nil, usageError{err}
	}
	config, err := common.ConfigFromProperties(serviceName, c.props)
	if err != nil {
		return nil, usageError{c.explain(err)}
	}
	client, err := openservicebrokerv1.NewOpenServiceBrokerV1FromConfig(&openservicebrokerv1.OpenServiceBrokerV1Options{ServiceName: serviceName}, config)
	if err != nil {
		return nil, usageError{c.explain(err)}
	}
	a.sayConfigurationFile(c)
	a.watchExchanges(client)
	a.broker = redactedURL(client.GetServiceURL())
	if c.broker != nil && c.origin[common.PropertyURL] == c.broker.name {
		a.targetName = c.broker.target
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
	if a.flags.verbose {
		a.traceHTTP(client.GetHTTPClient())
	}
	if a.flags.dryRun {
		a.captureInsteadOfSending(client, c.curlAuth)
	}
	return client, nil
}

// effectiveConfiguration is the configuration of the sources with the flags on top. Without
// readSecrets, a password the flags ask for is not read, only said to come from them.
func (a *app) effectiveConfiguration(readSecrets bool) (*configuration, error) {
	c, err := a.loadConfiguration()
	if err != nil {
		return nil, err
	}
	f := a.flags
	if f.url != "" {
		c.set(common.PropertyURL, f.url, "--url")
	}
	if f.apiVersion != "" {
		c.set(common.PropertyAPIVersion, f.apiVersion, "--api-version")
	}
	if f.insecure {
		c.set(common.PropertyDisableSSL, "true", "--insecure")
	}
	if f.timeout > 0 {
		c.origin[common.PropertyTimeout] = "--timeout"
	}
	switch {
	case f.tokenFile != "":
		c.set(common.PropertyAuthType, common.AuthTypeBearerTokenFile, "--token-file")
		c.set(common.PropertyBearerTokenFile, f.tokenFile, "--token-file")
		c.curlAuth = bearerAuth("$(cat " + shellQuote(f.tokenFile) + ")")
	case f.user != "":
		password, origin, err := a.flagPassword(readSecrets)
		if err != nil {
			return nil, usageError{err}
		}
		c.set(common.PropertyAuthType, core.AUTHTYPE_BASIC, "--user")
		c.set(core.PROPNAME_USERNAME, f.user, "--user")
		c.set(core.PROPNAME_PASSWORD, password, origin)
		// curl asks for the password, as osb did or read it from stdin.
		c.curlAuth = []string{"-u", shellQuote(f.user)}
	}
	return c, nil
}

// flagPassword is the password of --user: read from stdin with --password-stdin, at a prompt
// with echo off when stdin is a terminal; never from the command line.
func (a *app) flagPassword(read bool) (password, origin string, err error) {
	origin = "--password-stdin"
	if !a.flags.passwordStdin || a.stdinTerminal {
		origin = "prompt"
	}
	if !a.flags.passwordStdin && !a.interactive() {
		return "", "", errors.New("--user needs the password: on stdin with --password-stdin, or at the prompt in a terminal (a password on the command line would be seen by other users and kept in the shell history)")
	}
	if !read || a.password != "" {
		return a.password, origin, nil
	}
	if origin == "prompt" {
		password, err = a.promptPassword(fmt.Sprintf("Password for %s: ", a.flags.user))
	} else {
		password, err = a.readPassword()
	}
	a.password = password
	return password, origin, err
}

// interactive says a person is at the terminal: stdin and stderr are terminals.
func (a *app) interactive() bool {
	return a.stdinTerminal && a.terminal
}

// promptPassword asks for a password on stderr and reads it with echo off.
func (a *app) promptPassword(prompt string) (string, error) {
	if a.completing {
		return "", errors.New("no password prompt while completing")
	}
	fmt.Fprint(a.stderr, prompt)
	password, err := a.readSecret()
	fmt.Fprintln(a.stderr)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	if password == "" {
		return "", errors.New("no password given")
	}
	return password, nil
}

// confirm asks the person at the terminal to confirm a deletion, unless --yes or --dry-run or
// nobody is at a terminal (scripts): anything but y or yes sends nothing.
func (a *app) confirm(yes bool, question string) error {
	if yes || a.flags.dryRun || !a.interactive() {
		return nil
	}
	fmt.Fprintf(a.stderr, "%s [y/N] ", question)
	answer, _ := bufio.NewReaderSize(a.stdin, 64).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	return usageError{errors.New("not confirmed: nothing was sent (--yes confirms without asking)")}
}

// sayConfigurationFile says on stderr, once and only for a person (not under -o json or
// yaml), which file the broker and its credentials were read from.
func (a *app) sayConfigurationFile(c *configuration) {
	if a.saidConfigurationFile || a.completing || c.broker == nil || c.broker.file == "" || c.origin[common.PropertyURL] != c.broker.name || a.flags.output != formatTable {
		return
	}
	a.saidConfigurationFile = true
	a.hint("osb: broker %s from %s (osb target shows the configuration)", redactedURL(c.props[common.PropertyURL]), c.broker.name)
}

// maxPasswordLength bounds what is read from stdin for a password.
const maxPasswordLength = 4096

func (a *app) readPassword() (string, error) {
	if a.completing {
		return "", errors.New("no password from stdin while completing")
	}
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
