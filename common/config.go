package common

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
)

// Configuration properties this package reads, besides those go-sdk-core reads itself. The
// variable of a property is the upper-case service name, with '-' replaced by '_', then '_'
// and the property; see EnvVarName.
const (
	PropertyAuthType            = core.PROPNAME_AUTH_TYPE // AUTH_TYPE, as in go-sdk-core
	PropertyAuthTypeAlternate   = "AUTHTYPE"              // read when AUTH_TYPE is not set, as in go-sdk-core
	PropertyBearerTokenFile     = "BEARER_TOKEN_FILE"
	PropertyClientCertFile      = "CLIENT_CERT_FILE"
	PropertyClientKeyFile       = "CLIENT_KEY_FILE"
	PropertyCACertFile          = "CA_CERT_FILE"
	PropertyAPIVersion          = "API_VERSION"
	PropertyOriginatingIdentity = "ORIGINATING_IDENTITY"
	PropertyTimeout             = "TIMEOUT"
	PropertyMaxRetries          = core.PROPNAME_SVC_MAX_RETRIES
	PropertyRetryInterval       = core.PROPNAME_SVC_RETRY_INTERVAL
	PropertyEnableRetries       = core.PROPNAME_SVC_ENABLE_RETRIES
	PropertyDisableSSL          = core.PROPNAME_SVC_DISABLE_SSL
	PropertyEnableGzip          = core.PROPNAME_SVC_ENABLE_GZIP
	PropertyURL                 = core.PROPNAME_SVC_URL
	PropertyMaxResponseBytes    = "MAX_RESPONSE_BYTES"
)

// What valid values look like, for error text.
const (
	expectedAPIVersion = "the OSB API version the broker implements, such as 2.17"
	expectedIdentity   = `"<platform> <base64 of a JSON object>", such as "cloudfoundry eyJ1c2VyX2lkIjoiNjgzZWE3NDgifQ=="`
	expectedDuration   = "a Go duration greater than zero, such as 30s or 1m30s, or a whole number of seconds, such as 30"
	expectedRetries    = "a whole number of retries, 0 or more; 0 switches retries off"
	expectedBool       = "true or false"
	expectedByteCount  = "a number of bytes greater than zero, optionally with the suffix KiB, MiB or GiB, such as 1048576 or 64MiB"
)

// fileProperties gives, for each kind of credential file, the property naming it and what a
// valid file holds.
var fileProperties = map[FileKind]struct{ property, expected string }{
	FileKindBearerToken:       {PropertyBearerTokenFile, "the path of a readable file holding the bearer token"},
	FileKindClientCertificate: {PropertyClientCertFile, "the path of a PEM file holding the client certificate"},
	FileKindClientKey:         {PropertyClientKeyFile, "the path of a PEM file holding the unencrypted private key of the client certificate"},
	FileKindCACertificate:     {PropertyCACertFile, "the path of a PEM file holding the CA certificates that sign the broker's certificate"},
}

// Config is the whole external configuration of a client, read once by LoadConfig: the client
// settings, the TLS configuration and what the authenticator is built from (see Authenticator).
// A setting that is not configured keeps its zero value (an empty string or a nil pointer), so
// that the caller applies its own default.
type Config struct {
	// ServiceName is the name the configuration was loaded for; it prefixes every variable.
	ServiceName string
	// URL is the broker's base URL.
	URL string
	// AuthType is the authentication type in its canonical spelling (e.g. "bearerTokenFile"),
	// AuthTypeBearerTokenFile when only BEARER_TOKEN_FILE is set, or empty when go-sdk-core
	// chooses the type.
	AuthType string
	// BearerTokenFile is the path of the token file of AuthTypeBearerTokenFile.
	BearerTokenFile string
	// ClientCertFile and ClientKeyFile are the PEM files of the client certificate for mutual TLS.
	ClientCertFile, ClientKeyFile string
	// CACertFile is a PEM file of the CA certificates trusted instead of the system's roots.
	CACertFile string
	// APIVersion is the value of the X-Broker-API-Version header, e.g. "2.17".
	APIVersion string
	// OriginatingIdentity is the value of the X-Broker-API-Originating-Identity header.
	OriginatingIdentity string
	// Timeout bounds each HTTP request.
	Timeout *time.Duration
	// MaxRetries is how often a failed request is retried; 0 switches retries off.
	MaxRetries *int
	// RetryInterval is the longest wait between two attempts.
	RetryInterval *time.Duration
	// EnableRetries, when false, switches retries off.
	EnableRetries *bool
	// DisableSSL switches off the verification of the broker's certificate.
	DisableSSL *bool
	// EnableGzip compresses request bodies.
	EnableGzip *bool
	// MaxResponseBytes bounds the size of an answer the client reads, counted after decompression.
	MaxResponseBytes *int64
	// TLS is the TLS client configuration of ClientCertFile, ClientKeyFile and CACertFile (see
	// NewTLSConfig), built from the files when the configuration is loaded; nil when none of
	// them is set.
	TLS *tls.Config

	// properties are the service's properties as read, for the authenticator.
	properties map[string]string
}

// LoadConfig reads the configuration of the service once, from the sources go-sdk-core reads,
// in its order of precedence: the credentials file, the environment, VCAP_SERVICES (the first
// that has the service wins). Every value is checked, and the TLS files are read; all
// misconfigurations are returned together, each a *ConfigError naming its variable, never
// quoting its value (errors.Is(err, ErrInvalidConfiguration) holds). The authenticator is built
// on demand by Config.Authenticator, so that a caller with its own authenticator is not held to
// the configured credentials. A service without any configuration gets an empty Config.
func LoadConfig(serviceName string) (*Config, error) {
	props, err := serviceProperties(serviceName)
	if err != nil {
		return nil, err
	}
	return ConfigFromProperties(serviceName, props)
}

// ConfigFromProperties checks and reads the service's properties as LoadConfig does, from props
// that the caller gathered from sources of its own choosing (a command line tool's own order of
// precedence, say): each key is a property without the service's prefix, such as "URL" or
// "AUTH_TYPE". The authenticators this package builds itself (basic, bearerToken,
// bearerTokenFile, noAuth) are built from props; go-sdk-core builds the others from its own
// sources, as GetAuthenticatorFromEnvironment does.
func ConfigFromProperties(serviceName string, props map[string]string) (*Config, error) {
	r := &propertyReader{serviceName: serviceName, props: props}
	config := &Config{
		ServiceName:         serviceName,
		URL:                 props[PropertyURL],
		AuthType:            r.authType(),
		BearerTokenFile:     props[PropertyBearerTokenFile],
		ClientCertFile:      props[PropertyClientCertFile],
		ClientKeyFile:       props[PropertyClientKeyFile],
		CACertFile:          props[PropertyCACertFile],
		APIVersion:          r.checked(PropertyAPIVersion, expectedAPIVersion, ValidateBrokerAPIVersion),
		OriginatingIdentity: r.checked(PropertyOriginatingIdentity, expectedIdentity, ValidateOriginatingIdentity),
		Timeout:             parsed(r, PropertyTimeout, expectedDuration, parseDuration),
		MaxRetries:          parsed(r, PropertyMaxRetries, expectedRetries, parseRetryCount),
		RetryInterval:       parsed(r, PropertyRetryInterval, expectedDuration, parseDuration),
		EnableRetries:       parsed(r, PropertyEnableRetries, expectedBool, parseBool),
		DisableSSL:          parsed(r, PropertyDisableSSL, expectedBool, parseBool),
		EnableGzip:          parsed(r, PropertyEnableGzip, expectedBool, parseBool),
		MaxResponseBytes:    parsed(r, PropertyMaxResponseBytes, expectedByteCount, parseByteCount),
		properties:          props,
	}
	config.TLS = r.tlsConfig(config.ClientCertFile, config.ClientKeyFile, config.CACertFile)
	if err := errors.Join(r.errs...); err != nil {
		return nil, err
	}
	return config, nil
}

// Authenticator returns the authenticator the configuration describes, as
// GetAuthenticatorFromEnvironment does, built from the properties LoadConfig read.
func (c *Config) Authenticator() (core.Authenticator, error) {
	return authenticatorFor(c.ServiceName, c.AuthType, c.properties)
}

// ApplyTransport installs the TLS configuration (see Config.TLS) on client, which must be the
// client that sends the requests (with go-sdk-core, BaseService.GetHTTPClient). The transport is
// cloned, never modified in place, since it may be shared, and the settings of its TLS
// configuration that the files do not concern, such as InsecureSkipVerify, are kept. Without
// TLS files it does nothing.
func (c *Config) ApplyTransport(client *http.Client) error {
	if c.TLS == nil {
		return nil
	}
	transport, err := cloneTransport(client.Transport)
	if err != nil {
		return err
	}
	transport.TLSClientConfig = mergeTLSConfig(transport.TLSClientConfig, c.TLS)
	client.Transport = transport
	return nil
}

// RetrySettings resolves the retry policy from MaxRetries, RetryInterval and EnableRetries,
// using the given defaults for what is not configured. A maxRetries of 0 means retries are off.
func (c *Config) RetrySettings(defaultMaxRetries int, defaultInterval time.Duration) (maxRetries int, maxInterval time.Duration) {
	maxRetries, maxInterval = defaultMaxRetries, defaultInterval
	if c.MaxRetries != nil {
		maxRetries = *c.MaxRetries
	}
	if c.RetryInterval != nil {
		maxInterval = *c.RetryInterval
	}
	if c.EnableRetries != nil && !*c.EnableRetries {
		maxRetries = 0
	}
	return maxRetries, maxInterval
}

// EnvVarName returns the variable of a property for the service, derived as go-sdk-core does:
// EnvVarName("open-service-broker", "TIMEOUT") is "OPEN_SERVICE_BROKER_TIMEOUT".
func EnvVarName(serviceName, property string) string {
	return strings.ReplaceAll(strings.ToUpper(serviceName), "-", "_") + "_" + property
}

// ValidateBrokerAPIVersion checks that version has the form major.minor, such as "2.17".
func ValidateBrokerAPIVersion(version string) error {
	if _, _, ok := ParseBrokerAPIVersion(version); !ok {
		return errors.New("broker API version is not of the form major.minor")
	}
	return nil
}

// ParseBrokerAPIVersion reads an X-Broker-API-Version of the form major.minor, two runs of ASCII
// digits such as "2.17"; ok is false for anything else (a sign, a space, a third part, a number
// too large for an int).
func ParseBrokerAPIVersion(version string) (major, minor int, ok bool) {
	majorText, minorText, found := strings.Cut(version, ".")
	major, majorOK := parseDigits(majorText)
	minor, minorOK := parseDigits(minorText)
	return major, minor, found && majorOK && minorOK
}

// parseDigits reads a non-empty run of ASCII digits that fits an int.
func parseDigits(text string) (int, bool) {
	if text == "" {
		return 0, false
	}
	for i := 0; i < len(text); i++ {
		if text[i] < '0' || text[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(text)
	return n, err == nil
}

// ValidateOriginatingIdentity checks that value has the form of an
// X-Broker-API-Originating-Identity header: a platform (one word of visible ASCII), a space, and
// the base64 (padded or not) of a JSON object. The error never quotes the value.
func ValidateOriginatingIdentity(value string) error {
	platform, encoded, found := strings.Cut(strings.TrimSpace(value), " ")
	if !found {
		return errors.New("originating identity has no space between the platform and the encoded value")
	}
	if platform == "" || strings.IndexFunc(platform, isNotVisibleASCII) >= 0 {
		return errors.New("originating identity's platform is not one word of visible ASCII characters")
	}
	decoded, err := decodeBase64(strings.TrimSpace(encoded))
	if err != nil {
		return errors.New("originating identity's value is not base64")
	}
	var object map[string]json.RawMessage
	if err := json.Unmarshal(decoded, &object); err != nil || object == nil {
		return errors.New("originating identity's value is not the base64 of a JSON object")
	}
	return nil
}

// decodeBase64 accepts padded and unpadded standard base64, since senders differ.
func decodeBase64(encoded string) ([]byte, error) {
	decoded, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return base64.RawStdEncoding.DecodeString(encoded)
	}
	return decoded, nil
}

// isNotVisibleASCII reports a character that cannot be part of a one-word header token.
func isNotVisibleASCII(r rune) bool {
	return r <= ' ' || r > '~'
}

// serviceProperties reads the service's properties through go-sdk-core.
func serviceProperties(serviceName string) (map[string]string, error) {
	props, err := core.GetServiceProperties(serviceName)
	if err != nil {
		return nil, fmt.Errorf("reading the external configuration of service %q: %w", serviceName, err)
	}
	return props, nil
}

// propertyReader reads properties and collects what is wrong with them.
type propertyReader struct {
	serviceName string
	props       map[string]string
	errs        []error
}

// fail records a misconfigured property.
func (r *propertyReader) fail(property, expected string, err error) {
	r.errs = append(r.errs, &ConfigError{Variable: EnvVarName(r.serviceName, property), Expected: expected, Err: err})
}

// authType returns the resolved authentication type (see resolveAuthType).
func (r *propertyReader) authType() string {
	authType, err := resolveAuthType(r.serviceName, r.props)
	if err != nil {
		r.errs = append(r.errs, err)
	}
	return authType
}

// tlsConfig reads the TLS files (see NewTLSConfig); nil when none is named or one is unusable.
func (r *propertyReader) tlsConfig(certFile, keyFile, caFile string) *tls.Config {
	if certFile == "" && keyFile == "" && caFile == "" {
		return nil
	}
	tlsConfig, err := NewTLSConfig(certFile, keyFile, caFile)
	if err != nil {
		r.errs = append(r.errs, fileConfigError(r.serviceName, err))
		return nil
	}
	return tlsConfig
}

// checked returns the property's value if validate accepts it, and "" otherwise.
func (r *propertyReader) checked(property, expected string, validate func(string) error) string {
	value := r.props[property]
	if value == "" {
		return ""
	}
	if err := validate(value); err != nil {
		r.fail(property, expected, err)
		return ""
	}
	return value
}

// parsed returns the parsed value of the property, or nil when it is not set or invalid. parse
// must not quote the value in its error.
func parsed[T any](r *propertyReader, property, expected string, parse func(string) (T, error)) *T {
	value := r.props[property]
	if value == "" {
		return nil
	}
	result, err := parse(value)
	if err != nil {
		r.fail(property, expected, err)
		return nil
	}
	return &result
}

// maxSeconds is the largest whole number of seconds a time.Duration holds.
const maxSeconds = math.MaxInt64 / int64(time.Second)

// parseDuration reads a duration greater than zero (see durationOrSeconds).
func parseDuration(value string) (time.Duration, error) {
	duration, err := durationOrSeconds(value)
	if err != nil {
		return 0, err
	}
	if duration <= 0 {
		return 0, errors.New("value is not greater than zero")
	}
	return duration, nil
}

// durationOrSeconds reads a Go duration such as "1m30s", or a whole number of seconds as
// go-sdk-core reads RETRY_INTERVAL.
func durationOrSeconds(value string) (time.Duration, error) {
	seconds, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		duration, err := time.ParseDuration(value)
		if err != nil {
			return 0, errors.New("value is not a duration")
		}
		return duration, nil
	}
	if seconds > maxSeconds {
		return 0, errors.New("value is too large")
	}
	return time.Duration(seconds) * time.Second, nil
}

// parseRetryCount reads a whole number, 0 or more.
func parseRetryCount(value string) (int, error) {
	count, err := strconv.Atoi(value)
	if err != nil {
		return 0, errors.New("value is not a whole number")
	}
	if count < 0 {
		return 0, errors.New("value is negative")
	}
	return count, nil
}

// byteUnits are the suffixes parseByteCount accepts, by their multiple.
var byteUnits = []struct {
	suffix     string
	multiplier int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}, {"", 1}}

// parseByteCount reads a number of bytes greater than zero, such as 1048576 or 64MiB.
func parseByteCount(value string) (int64, error) {
	for _, unit := range byteUnits {
		digits, found := strings.CutSuffix(value, unit.suffix)
		if !found {
			continue
		}
		count, err := strconv.ParseInt(strings.TrimSpace(digits), 10, 64)
		if err != nil {
			return 0, errors.New("value is not a whole number of bytes with an optional KiB, MiB or GiB suffix")
		}
		if count <= 0 {
			return 0, errors.New("value is not greater than zero")
		}
		if count > math.MaxInt64/unit.multiplier {
			return 0, errors.New("value is too large")
		}
		return count * unit.multiplier, nil
	}
	return 0, errors.New("value is not a number of bytes")
}

// parseBool reads a boolean the way strconv.ParseBool does, without quoting the value in the error.
func parseBool(value string) (bool, error) {
	b, err := strconv.ParseBool(value)
	if err != nil {
		return false, errors.New("value is not a boolean")
	}
	return b, nil
}

// fileConfigError names the variable of the file a *FileError is about; other errors, and nil,
// are returned as they are.
func fileConfigError(serviceName string, err error) error {
	var fileErr *FileError
	if !errors.As(err, &fileErr) {
		return err
	}
	setting := fileProperties[fileErr.Kind]
	return &ConfigError{Variable: EnvVarName(serviceName, setting.property), Expected: setting.expected, Err: err}
}

// cloneTransport returns a copy of an http.Client's transport that can take TLS settings.
func cloneTransport(roundTripper http.RoundTripper) (*http.Transport, error) {
	switch transport := roundTripper.(type) {
	case nil:
		return defaultTransport(), nil
	case *http.Transport:
		return transport.Clone(), nil
	default:
		return nil, fmt.Errorf("cannot install TLS settings on an HTTP transport of type %T; "+
			"build its TLS configuration with NewTLSConfig instead", roundTripper)
	}
}

// mergeTLSConfig returns a copy of base with the client certificate, roots and minimum version
// of files.
func mergeTLSConfig(base, files *tls.Config) *tls.Config {
	merged := base.Clone()
	if merged == nil {
		merged = &tls.Config{}
	}
	if files.GetClientCertificate != nil {
		merged.Certificates = nil
		merged.GetClientCertificate = files.GetClientCertificate
	}
	if files.RootCAs != nil {
		merged.RootCAs = files.RootCAs
	}
	merged.MinVersion = max(merged.MinVersion, files.MinVersion)
	return merged
}
