package main

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/common"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// osb reads its configuration as an operator expects, not in go-sdk-core's order (where a
// credentials file in the working directory silently wins over exported variables):
//
//  1. flags;
//  2. the OPEN_SERVICE_BROKER_* variables;
//  3. the named target of --target, else the current one (osb target use);
//  4. go-sdk-core's credentials file (IBM_CREDENTIALS_FILE, else ibm-credentials.env in the
//     working directory, else in the home directory);
//  5. VCAP_SERVICES.
//
// The broker and its credentials (the URL, the authentication and TLS properties) come whole
// from the first source below the flags that names a URL or an authentication type, so that
// one source's credentials never go to another source's broker; the other settings (timeout,
// retries, API version, ...) are taken one by one in the same order. Flags override single
// settings on top.

// sharedProperties are the settings taken one by one from every source, not with the broker.
var sharedProperties = []string{
	common.PropertyTimeout, common.PropertyMaxRetries, common.PropertyRetryInterval,
	common.PropertyEnableRetries, common.PropertyEnableGzip, common.PropertyMaxResponseBytes,
	common.PropertyAPIVersion, common.PropertyOriginatingIdentity,
}

// brokerProperties say that a source names a broker (and so provides its credentials).
var brokerProperties = []string{common.PropertyURL, common.PropertyAuthType, common.PropertyAuthTypeAlternate}

// source is one place configuration is read from.
type source struct {
	// name says where a setting came from, as `osb target` shows it.
	name string
	// file is the file read, said on stderr when the broker comes from it.
	file  string
	props map[string]string
	// curlAuth is how --dry-run passes the credentials to curl: shell words naming them.
	curlAuth []string
	// target is the named target the source is, "" for others.
	target string
}

// configuration is the client's configuration as osb resolves it.
type configuration struct {
	props map[string]string
	// origin says where each property came from.
	origin map[string]string
	// broker is the source of the broker and its credentials (nil when none has one).
	broker *source
	// curlAuth is how --dry-run passes the credentials (see source.curlAuth).
	curlAuth []string
}

// serviceName is the SDK's service name, which prefixes every variable.
const serviceName = openservicebrokerv1.DefaultServiceName

// variable is the environment variable of a property.
func variable(property string) string {
	return common.EnvVarName(serviceName, property)
}

// loadConfiguration reads every source below the flags and picks the broker's.
func (a *app) loadConfiguration() (*configuration, error) {
	sources, err := a.sources()
	if err != nil {
		return nil, err
	}
	c := &configuration{props: map[string]string{}, origin: map[string]string{}}
	for _, s := range sources {
		if c.broker == nil && hasAny(s.props, brokerProperties) {
			c.broker = s
			c.curlAuth = s.curlAuth
			for property, value := range s.props {
				c.set(property, value, s.name)
			}
		}
		for _, property := range sharedProperties {
			if _, taken := c.origin[property]; !taken && s.props[property] != "" {
				c.set(property, s.props[property], s.name)
			}
		}
	}
	return c, nil
}

func (c *configuration) set(property, value, origin string) {
	c.props[property] = value
	c.origin[property] = origin
}

func hasAny(props map[string]string, properties []string) bool {
	for _, property := range properties {
		if props[property] != "" {
			return true
		}
	}
	return false
}

// sources are the sources below the flags, in order of precedence.
func (a *app) sources() ([]*source, error) {
	var sources []*source
	if props := serviceProperties(os.Environ()); props != nil {
		sources = append(sources, &source{name: "environment", props: props, curlAuth: variableAuth(props)})
	}
	named, err := a.namedTarget()
	if err != nil {
		return nil, err
	}
	if named != nil {
		sources = append(sources, named)
	}
	file, err := credentialsFileSource()
	if err != nil {
		return nil, err
	}
	if file != nil {
		sources = append(sources, file)
	}
	if props, err := core.GetServiceProperties(serviceName); err == nil && props != nil && len(sources) == 0 {
		// With no file and no variables, what go-sdk-core finds is VCAP_SERVICES.
		sources = append(sources, &source{name: "VCAP_SERVICES", props: props, curlAuth: variableAuth(props)})
	}
	return sources, nil
}

// serviceProperties picks the service's NAME=value pairs out of lines, as go-sdk-core reads
// the environment and its credentials file; nil when there are none.
func serviceProperties(lines []string) map[string]string {
	prefix := variable("")
	props := map[string]string{}
	for _, line := range lines {
		line = strings.TrimSpace(line)
		name, value, found := strings.Cut(line, "=")
		if !found || strings.HasPrefix(line, "#") || !strings.HasPrefix(name, prefix) || len(name) == len(prefix) {
			continue
		}
		props[name[len(prefix):]] = strings.TrimSpace(value)
	}
	if len(props) == 0 {
		return nil
	}
	return props
}

// credentialsFilePath is the credentials file go-sdk-core would read, "" when there is none.
func credentialsFilePath() string {
	candidates := []string{os.Getenv(core.IBM_CREDENTIAL_FILE_ENVVAR)}
	if dir, err := os.Getwd(); err == nil {
		candidates = append(candidates, filepath.Join(dir, core.DEFAULT_CREDENTIAL_FILE_NAME))
	}
	candidates = append(candidates, filepath.Join(core.UserHomeDir(), core.DEFAULT_CREDENTIAL_FILE_NAME))
	for _, path := range candidates {
		if path == "" {
			continue
		}
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	return ""
}

// credentialsFileSource reads go-sdk-core's credentials file; nil when there is none or it
// has nothing for the service.
func credentialsFileSource() (*source, error) {
	path := credentialsFilePath()
	if path == "" {
		return nil, nil
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("credentials file %s: %w", path, err)
	}
	defer file.Close()
	var lines []string
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("credentials file %s: %w", path, err)
	}
	props := serviceProperties(lines)
	if props == nil {
		return nil, nil
	}
	return &source{name: "credentials file " + path, file: path, props: props, curlAuth: variableAuth(props)}, nil
}

// variableAuth passes to curl the credentials of a source read as variables, by their names.
func variableAuth(props map[string]string) []string {
	switch authType(props) {
	case core.AUTHTYPE_NOAUTH, "":
		return nil
	case core.AUTHTYPE_BASIC:
		return []string{"-u", fmt.Sprintf(`"$%s:$%s"`, variable(core.PROPNAME_USERNAME), variable(core.PROPNAME_PASSWORD))}
	case common.AuthTypeBearerTokenFile:
		return bearerAuth(fmt.Sprintf(`$(cat "$%s")`, variable(common.PropertyBearerTokenFile)))
	}
	return bearerAuth("$" + variable(core.PROPNAME_BEARER_TOKEN))
}

// bearerAuth passes a bearer token to curl.
func bearerAuth(token string) []string {
	return []string{"-H", `"Authorization: Bearer ` + token + `"`}
}

// authType is the authentication type props ask for, as go-sdk-core infers it; "" when they
// name none and give nothing to infer it from.
func authType(props map[string]string) string {
	for _, property := range []string{common.PropertyAuthType, common.PropertyAuthTypeAlternate} {
		if value := props[property]; value != "" {
			for _, known := range knownAuthTypes {
				if strings.EqualFold(value, known) {
					return known
				}
			}
			return value
		}
	}
	switch {
	case props[common.PropertyBearerTokenFile] != "":
		return common.AuthTypeBearerTokenFile
	case props[core.PROPNAME_APIKEY] != "":
		return core.AUTHTYPE_IAM
	case props[core.PROPNAME_CRTOKEN_FILENAME] != "", props[core.PROPNAME_IAM_PROFILE_NAME] != "", props[core.PROPNAME_IAM_PROFILE_ID] != "":
		return core.AUTHTYPE_CONTAINER
	}
	return ""
}

// knownAuthTypes are the authentication types in their canonical spelling.
var knownAuthTypes = []string{
	core.AUTHTYPE_BASIC, core.AUTHTYPE_BEARER_TOKEN, common.AuthTypeBearerTokenFile, core.AUTHTYPE_NOAUTH,
	core.AUTHTYPE_IAM, core.AUTHTYPE_IAM_ASSUME, core.AUTHTYPE_CONTAINER, core.AUTHTYPE_CP4D,
	core.AUTHTYPE_MCSP, core.AUTHTYPE_MCSPV2, core.AUTHTYPE_VPC,
}

// builtFromProperties are the types the SDK builds from the properties osb hands it; go-sdk-core
// builds the others from its own sources.
var builtFromProperties = []string{core.AUTHTYPE_BASIC, core.AUTHTYPE_BEARER_TOKEN, common.AuthTypeBearerTokenFile, core.AUTHTYPE_NOAUTH}

// checkConfiguration says in osb's words what is missing before the SDK is asked: a URL and a
// way to authenticate.
func (c *configuration) check() error {
	if c.props[common.PropertyURL] == "" {
		return errors.New("no broker: give --url, set " + variable(common.PropertyURL) + ", or add a target (osb target add NAME --url URL ...)")
	}
	kind := authType(c.props)
	if kind == "" {
		return fmt.Errorf("no credentials for the broker at %s (%s): give --user (the password at the prompt or with --password-stdin) or --token-file, set %s (basic, bearerToken, bearerTokenFile, iam, ...; noAuth for a broker without authentication), or add a target with them",
			redactedURL(c.props[common.PropertyURL]), c.origin[common.PropertyURL], variable(common.PropertyAuthType))
	}
	if !containsFold(builtFromProperties, kind) && c.broker != nil && c.broker.file == "" && credentialsFilePath() != "" {
		return fmt.Errorf("authentication type %s from %s is built by go-sdk-core, which would read it from the credentials file %s instead: move or remove that file, or point %s at another one",
			kind, c.origin[common.PropertyURL], credentialsFilePath(), core.IBM_CREDENTIAL_FILE_ENVVAR)
	}
	return nil
}

func containsFold(values []string, value string) bool {
	for _, v := range values {
		if strings.EqualFold(v, value) {
			return true
		}
	}
	return false
}

// explain rewrites the SDK's configuration errors to name the flag, target or file a
// property came from instead of its variable alone.
func (c *configuration) explain(err error) error {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		var explained []error
		for _, inner := range joined.Unwrap() {
			explained = append(explained, c.explain(inner))
		}
		return errors.Join(explained...)
	}
	var configErr *common.ConfigError
	if !errors.As(err, &configErr) {
		return err
	}
	origin := c.origin[strings.TrimPrefix(configErr.Variable, variable(""))]
	switch {
	case origin == "" || origin == "environment":
		return err
	case strings.HasPrefix(origin, "--"):
		return fmt.Errorf("%s: %w; expected %s", origin, configErr.Err, configErr.Expected)
	}
	return fmt.Errorf("%s of %s: %w; expected %s", configErr.Variable, origin, configErr.Err, configErr.Expected)
}

// redactedURL is a URL without the password it may hold, for messages.
func redactedURL(raw string) string {
	parsed, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return parsed.Redacted()
}
