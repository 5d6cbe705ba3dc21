package common

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// testService has a '-' so that tests see it turned into '_' in variable names.
const testService = "open-service-broker"

// setConfig isolates the test from any credentials file or VCAP_SERVICES and sets the
// variables of testService's properties.
func setConfig(t *testing.T, props map[string]string) {
	t.Helper()
	t.Setenv(core.IBM_CREDENTIAL_FILE_ENVVAR, filepath.Join(t.TempDir(), "no-credentials.env"))
	t.Setenv("VCAP_SERVICES", "")
	for property, value := range props {
		t.Setenv(EnvVarName(testService, property), value)
	}
}

func TestEnvVarName_DerivesNameAsCoreDoes(t *testing.T) {
	assert.Equal(t, "OPEN_SERVICE_BROKER_TIMEOUT", EnvVarName("open-service-broker", PropertyTimeout))
	assert.Equal(t, "OPEN_SERVICE_BROKER_API_VERSION", EnvVarName("open_service_broker", PropertyAPIVersion))
}

func TestLoadConfig_ReadsEverySetting(t *testing.T) {
	pki := testkit.NewPKI(t)
	dir := t.TempDir()
	certFile, keyFile, caFile := clientFiles(t, pki, dir, "platform")
	tokenFile := writeFile(t, dir, "token", []byte("token"))
	identity := "cloudfoundry " + base64.StdEncoding.EncodeToString([]byte(`{"user_id":"683ea748"}`))
	setConfig(t, map[string]string{
		PropertyAuthTypeAlternate:   "BEARERTOKENFILE",
		PropertyBearerTokenFile:     tokenFile,
		PropertyClientCertFile:      certFile,
		PropertyClientKeyFile:       keyFile,
		PropertyCACertFile:          caFile,
		PropertyAPIVersion:          "2.16",
		PropertyOriginatingIdentity: identity,
		PropertyTimeout:             "45",
		PropertyMaxRetries:          "0",
		PropertyRetryInterval:       "1m30s",
		PropertyEnableRetries:       "true",
		PropertyDisableSSL:          "false",
		PropertyEnableGzip:          "TRUE",
		PropertyMaxResponseBytes:    "64MiB",
		PropertyURL:                 "https://broker.example.com",
	})

	config, err := LoadConfig(testService)

	require.NoError(t, err)
	require.NotNil(t, config.TLS, "the TLS files are read at load")
	assert.NotNil(t, config.TLS.GetClientCertificate)
	assert.NotNil(t, config.TLS.RootCAs)
	config.TLS, config.properties = nil, nil
	assert.Equal(t, &Config{
		ServiceName:         testService,
		URL:                 "https://broker.example.com",
		AuthType:            AuthTypeBearerTokenFile,
		BearerTokenFile:     tokenFile,
		ClientCertFile:      certFile,
		ClientKeyFile:       keyFile,
		CACertFile:          caFile,
		APIVersion:          "2.16",
		OriginatingIdentity: identity,
		Timeout:             pointer(45 * time.Second),
		MaxRetries:          pointer(0),
		RetryInterval:       pointer(90 * time.Second),
		EnableRetries:       pointer(true),
		DisableSSL:          pointer(false),
		EnableGzip:          pointer(true),
		MaxResponseBytes:    pointer(int64(64 << 20)),
	}, config)
}

func TestLoadConfig_ReadsTheMaximumResponseSize(t *testing.T) {
	for value, want := range map[string]int64{"1048576": 1 << 20, "512KiB": 512 << 10, "64 MiB": 64 << 20, "2GiB": 2 << 30, "100B": 100} {
		setConfig(t, map[string]string{PropertyMaxResponseBytes: value})

		config, err := LoadConfig(testService)

		require.NoError(t, err, value)
		assert.Equal(t, pointer(want), config.MaxResponseBytes, value)
	}
	for _, value := range []string{"0", "-1", "64MB", "lots", "9999999999GiB"} {
		setConfig(t, map[string]string{PropertyMaxResponseBytes: value})

		_, err := LoadConfig(testService)

		var configErr *ConfigError
		require.True(t, errors.As(err, &configErr), value)
		assert.Equal(t, "OPEN_SERVICE_BROKER_MAX_RESPONSE_BYTES", configErr.Variable)
		assert.NotContains(t, err.Error(), "="+value, "the error never quotes the value")
		assert.NotContains(t, err.Error(), `"`+value+`"`, "the error never quotes the value")
	}
}

func TestLoadConfig_LeavesUnsetSettingsZero(t *testing.T) {
	setConfig(t, map[string]string{PropertyAuthType: core.AUTHTYPE_NOAUTH, PropertyTimeout: ""})

	config, err := LoadConfig(testService)

	require.NoError(t, err)
	config.properties = nil
	assert.Equal(t, &Config{ServiceName: testService, AuthType: core.AUTHTYPE_NOAUTH}, config)
}

func TestLoadConfig_WithoutAnyConfiguration(t *testing.T) {
	setConfig(t, nil)

	config, err := LoadConfig(testService)

	require.NoError(t, err)
	assert.Equal(t, &Config{ServiceName: testService}, config)
}

func TestLoadConfig_ReadsCredentialsFile(t *testing.T) {
	setConfig(t, nil)
	file := writeFile(t, t.TempDir(), "ibm-credentials.env", []byte(
		"# broker of the test\nOPEN_SERVICE_BROKER_URL=https://broker.example.com\nOPEN_SERVICE_BROKER_TIMEOUT=2m\n"))
	t.Setenv(core.IBM_CREDENTIAL_FILE_ENVVAR, file)

	config, err := LoadConfig(testService)

	require.NoError(t, err)
	assert.Equal(t, pointer(2*time.Minute), config.Timeout)
}

func TestLoadConfig_RejectsMisconfiguration(t *testing.T) {
	files := newTLSFiles(t)
	const (
		expectedCertFile = "expected the path of a PEM file holding the client certificate"
		expectedKeyFile  = "expected the path of a PEM file holding the unencrypted private key of the client certificate"
	)

	tests := []struct {
		name      string
		props     map[string]string
		wantError string
	}{
		{
			name:      "unknown auth type",
			props:     map[string]string{PropertyAuthType: "kerberos"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_AUTH_TYPE: value is not a known authentication type; expected one of basic, bearerToken, bearerTokenFile, container, cp4d, iam, iamAssume, mcsp, mcspv2, noAuth, vpc",
		},
		{
			name:      "unknown auth type in AUTHTYPE",
			props:     map[string]string{PropertyAuthTypeAlternate: "kerberos"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_AUTHTYPE: value is not a known authentication type; expected one of basic, bearerToken, bearerTokenFile, container, cp4d, iam, iamAssume, mcsp, mcspv2, noAuth, vpc",
		},
		{
			name:      "API version without minor",
			props:     map[string]string{PropertyAPIVersion: "2"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_API_VERSION: broker API version is not of the form major.minor; expected the OSB API version the broker implements, such as 2.17",
		},
		{
			name:      "API version with prefix",
			props:     map[string]string{PropertyAPIVersion: "v2.17"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_API_VERSION: broker API version is not of the form major.minor; expected the OSB API version the broker implements, such as 2.17",
		},
		{
			name:      "originating identity without platform",
			props:     map[string]string{PropertyOriginatingIdentity: "eyJ1c2VyX2lkIjoiNjgzZWE3NDgifQ=="},
			wantError: `configuration variable OPEN_SERVICE_BROKER_ORIGINATING_IDENTITY: originating identity has no space between the platform and the encoded value; expected "<platform> <base64 of a JSON object>", such as "cloudfoundry eyJ1c2VyX2lkIjoiNjgzZWE3NDgifQ=="`,
		},
		{
			name:      "originating identity not base64",
			props:     map[string]string{PropertyOriginatingIdentity: "cloudfoundry user!"},
			wantError: `configuration variable OPEN_SERVICE_BROKER_ORIGINATING_IDENTITY: originating identity's value is not base64; expected "<platform> <base64 of a JSON object>", such as "cloudfoundry eyJ1c2VyX2lkIjoiNjgzZWE3NDgifQ=="`,
		},
		{
			name:      "originating identity not a JSON object",
			props:     map[string]string{PropertyOriginatingIdentity: "cloudfoundry " + base64.StdEncoding.EncodeToString([]byte(`["user"]`))},
			wantError: `configuration variable OPEN_SERVICE_BROKER_ORIGINATING_IDENTITY: originating identity's value is not the base64 of a JSON object; expected "<platform> <base64 of a JSON object>", such as "cloudfoundry eyJ1c2VyX2lkIjoiNjgzZWE3NDgifQ=="`,
		},
		{
			name:      "timeout not a duration",
			props:     map[string]string{PropertyTimeout: "soon"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_TIMEOUT: value is not a duration; expected a Go duration greater than zero, such as 30s or 1m30s, or a whole number of seconds, such as 30",
		},
		{
			name:      "timeout zero",
			props:     map[string]string{PropertyTimeout: "0"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_TIMEOUT: value is not greater than zero; expected a Go duration greater than zero, such as 30s or 1m30s, or a whole number of seconds, such as 30",
		},
		{
			name:      "timeout negative",
			props:     map[string]string{PropertyTimeout: "-5s"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_TIMEOUT: value is not greater than zero; expected a Go duration greater than zero, such as 30s or 1m30s, or a whole number of seconds, such as 30",
		},
		{
			name:      "timeout overflowing",
			props:     map[string]string{PropertyTimeout: "9223372037"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_TIMEOUT: value is too large; expected a Go duration greater than zero, such as 30s or 1m30s, or a whole number of seconds, such as 30",
		},
		{
			name:      "retry interval with unknown unit",
			props:     map[string]string{PropertyRetryInterval: "10x"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_RETRY_INTERVAL: value is not a duration; expected a Go duration greater than zero, such as 30s or 1m30s, or a whole number of seconds, such as 30",
		},
		{
			name:      "max retries not a number",
			props:     map[string]string{PropertyMaxRetries: "many"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_MAX_RETRIES: value is not a whole number; expected a whole number of retries, 0 or more; 0 switches retries off",
		},
		{
			name:      "max retries negative",
			props:     map[string]string{PropertyMaxRetries: "-1"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_MAX_RETRIES: value is negative; expected a whole number of retries, 0 or more; 0 switches retries off",
		},
		{
			name:      "enable retries not a boolean",
			props:     map[string]string{PropertyEnableRetries: "maybe"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_ENABLE_RETRIES: value is not a boolean; expected true or false",
		},
		{
			name:      "disable SSL not a boolean",
			props:     map[string]string{PropertyDisableSSL: "yes"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_DISABLE_SSL: value is not a boolean; expected true or false",
		},
		{
			name:      "enable gzip not a boolean",
			props:     map[string]string{PropertyEnableGzip: "2"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_ENABLE_GZIP: value is not a boolean; expected true or false",
		},
		{
			name:      "client certificate missing",
			props:     map[string]string{PropertyClientCertFile: files.missingFile, PropertyClientKeyFile: files.keyFile},
			wantError: fmt.Sprintf("configuration variable OPEN_SERVICE_BROKER_CLIENT_CERT_FILE: client certificate file %q cannot be read: no such file or directory; %s", files.missingFile, expectedCertFile),
		},
		{
			name:      "client certificate without key",
			props:     map[string]string{PropertyClientCertFile: files.certFile},
			wantError: "configuration variable OPEN_SERVICE_BROKER_CLIENT_KEY_FILE: client key file is not set, but a client certificate file is; " + expectedKeyFile,
		},
		{
			name:      "client key of another certificate",
			props:     map[string]string{PropertyClientCertFile: files.certFile, PropertyClientKeyFile: files.otherKeyFile},
			wantError: fmt.Sprintf("configuration variable OPEN_SERVICE_BROKER_CLIENT_KEY_FILE: client key file %q does not hold the private key of the certificate in %q; %s", files.otherKeyFile, files.certFile, expectedKeyFile),
		},
		{
			name:      "CA file not PEM",
			props:     map[string]string{PropertyCACertFile: files.garbageFile},
			wantError: fmt.Sprintf("configuration variable OPEN_SERVICE_BROKER_CA_CERT_FILE: CA certificate file %q holds no PEM CERTIFICATE block that can be parsed; expected the path of a PEM file holding the CA certificates that sign the broker's certificate", files.garbageFile),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setConfig(t, tt.props)

			config, err := LoadConfig(testService)

			assert.Nil(t, config)
			require.EqualError(t, err, tt.wantError)
			assert.ErrorIs(t, err, ErrInvalidConfiguration)
			var configErr *ConfigError
			require.ErrorAs(t, err, &configErr)
			assert.True(t, strings.HasPrefix(configErr.Variable, "OPEN_SERVICE_BROKER_"))
		})
	}
}

func TestLoadConfig_ReportsEveryMisconfigurationAtOnce(t *testing.T) {
	setConfig(t, map[string]string{PropertyTimeout: "soon", PropertyMaxRetries: "-1", PropertyAPIVersion: "2"})

	_, err := LoadConfig(testService)

	require.Error(t, err)
	for _, variable := range []string{"OPEN_SERVICE_BROKER_TIMEOUT", "OPEN_SERVICE_BROKER_MAX_RETRIES", "OPEN_SERVICE_BROKER_API_VERSION"} {
		assert.Contains(t, err.Error(), "configuration variable "+variable+":")
	}
}

func TestLoadConfig_NamesVariableReadFromCredentialsFile(t *testing.T) {
	setConfig(t, nil)
	file := writeFile(t, t.TempDir(), "ibm-credentials.env", []byte("OPEN_SERVICE_BROKER_RETRY_INTERVAL=often\n"))
	t.Setenv(core.IBM_CREDENTIAL_FILE_ENVVAR, file)

	_, err := LoadConfig(testService)

	var configErr *ConfigError
	require.ErrorAs(t, err, &configErr)
	assert.Equal(t, "OPEN_SERVICE_BROKER_RETRY_INTERVAL", configErr.Variable)
}

func TestLoadConfig_RequiresServiceName(t *testing.T) {
	_, err := LoadConfig("")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "serviceName was not specified")
}

func TestConfig_RetrySettings(t *testing.T) {
	tests := []struct {
		name         string
		config       Config
		wantRetries  int
		wantInterval time.Duration
	}{
		{name: "defaults", config: Config{}, wantRetries: 4, wantInterval: 10 * time.Second},
		{name: "configured", config: Config{MaxRetries: pointer(7), RetryInterval: pointer(time.Second)}, wantRetries: 7, wantInterval: time.Second},
		{name: "zero retries", config: Config{MaxRetries: pointer(0)}, wantRetries: 0, wantInterval: 10 * time.Second},
		{name: "switched off", config: Config{MaxRetries: pointer(7), EnableRetries: pointer(false)}, wantRetries: 0, wantInterval: 10 * time.Second},
		{name: "switched on", config: Config{EnableRetries: pointer(true)}, wantRetries: 4, wantInterval: 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retries, interval := tt.config.RetrySettings(4, 10*time.Second)

			assert.Equal(t, tt.wantRetries, retries)
			assert.Equal(t, tt.wantInterval, interval)
		})
	}
}

func TestConfig_ApplyTransport(t *testing.T) {
	pki := testkit.NewPKI(t)
	certFile, keyFile, caFile := clientFiles(t, pki, t.TempDir(), "platform")
	tlsConfig, err := NewTLSConfig(certFile, keyFile, caFile)
	require.NoError(t, err)
	config := &Config{ServiceName: testService, TLS: tlsConfig}

	t.Run("clones the transport and keeps its TLS settings", func(t *testing.T) {
		original := defaultTransport()
		original.TLSClientConfig = &tls.Config{InsecureSkipVerify: true, ServerName: "broker"} // #nosec G402 -- checks the setting is kept
		client := &http.Client{Transport: original}

		require.NoError(t, config.ApplyTransport(client))

		installed := client.Transport.(*http.Transport)
		assert.NotSame(t, original, installed)
		assert.Nil(t, original.TLSClientConfig.GetClientCertificate, "the original transport is left alone")
		assert.NotNil(t, installed.TLSClientConfig.GetClientCertificate)
		assert.NotNil(t, installed.TLSClientConfig.RootCAs)
		assert.True(t, installed.TLSClientConfig.InsecureSkipVerify)
		assert.Equal(t, "broker", installed.TLSClientConfig.ServerName)
		assert.Equal(t, uint16(tls.VersionTLS12), installed.TLSClientConfig.MinVersion)
	})
	t.Run("installs a transport on a client without one", func(t *testing.T) {
		client := &http.Client{}

		require.NoError(t, config.ApplyTransport(client))

		assert.NotNil(t, client.Transport.(*http.Transport).TLSClientConfig.GetClientCertificate)
	})
	t.Run("refuses a transport it cannot configure", func(t *testing.T) {
		client := &http.Client{Transport: testkit.RoundTripperFunc(http.DefaultTransport.RoundTrip)}

		err := config.ApplyTransport(client)

		require.Error(t, err)
		assert.Contains(t, err.Error(), "cannot install TLS settings on an HTTP transport of type testkit.RoundTripperFunc")
	})
	t.Run("does nothing without TLS files", func(t *testing.T) {
		transport := defaultTransport()
		client := &http.Client{Transport: transport}

		require.NoError(t, (&Config{ServiceName: testService}).ApplyTransport(client))

		assert.Same(t, transport, client.Transport)
	})
}

func TestValidateBrokerAPIVersion(t *testing.T) {
	for version, valid := range map[string]bool{
		"2.17": true, "2.13": true, "10.0": true,
		"": false, "2": false, "2.": false, ".17": false, "v2.17": false, "2.17.1": false, "2.x": false, " 2.17": false,
		"+2.17": false, "2.-1": false, "2.17\n": false, "99999999999999999999.1": false,
	} {
		err := ValidateBrokerAPIVersion(version)
		assert.Equal(t, valid, err == nil, "version %q", version)
	}
}

func TestParseBrokerAPIVersion(t *testing.T) {
	major, minor, ok := ParseBrokerAPIVersion("2.17")
	assert.True(t, ok)
	assert.Equal(t, []int{2, 17}, []int{major, minor})

	_, _, ok = ParseBrokerAPIVersion("2.+17")
	assert.False(t, ok, "a sign is not a digit")
}

func TestValidateOriginatingIdentity(t *testing.T) {
	object := base64.StdEncoding.EncodeToString([]byte(`{"user_id":"683ea748"}`))
	for value, valid := range map[string]bool{
		"cloudfoundry " + object:                       true,
		"kubernetes " + strings.TrimRight(object, "="): true,
		"cloudfoundry":                                 false,
		" " + object:                                   false,
		"cloud\x7ffoundry " + object:                   false,
		"cloudfoundry %%%":                             false,
		"cloudfoundry " + base64.StdEncoding.EncodeToString([]byte(`null`)):   false,
		"cloudfoundry " + base64.StdEncoding.EncodeToString([]byte(`"user"`)): false,
	} {
		err := ValidateOriginatingIdentity(value)
		assert.Equal(t, valid, err == nil, "identity %q: %v", value, err)
	}
}

func TestGetAuthenticatorFromEnvironment_BuildsConfiguredType(t *testing.T) {
	tokenFile := writeFile(t, t.TempDir(), "token", []byte("token"))
	tests := []struct {
		name     string
		props    map[string]string
		wantType string
	}{
		{name: "bearer token file", props: map[string]string{PropertyAuthType: "bearerTokenFile", PropertyBearerTokenFile: tokenFile}, wantType: AuthTypeBearerTokenFile},
		{name: "bearer token file in other case via AUTHTYPE", props: map[string]string{PropertyAuthTypeAlternate: "BearerTokenFile", PropertyBearerTokenFile: tokenFile}, wantType: AuthTypeBearerTokenFile},
		{name: "bearer token file implied by its path", props: map[string]string{PropertyBearerTokenFile: tokenFile}, wantType: AuthTypeBearerTokenFile},
		{name: "basic", props: map[string]string{PropertyAuthType: "basic", "USERNAME": "platform", "PASSWORD": "password"}, wantType: core.AUTHTYPE_BASIC},
		{name: "bearer token", props: map[string]string{PropertyAuthType: "bearerToken", "BEARER_TOKEN": "token"}, wantType: core.AUTHTYPE_BEARER_TOKEN},
		{name: "IAM guessed from API key", props: map[string]string{"APIKEY": "key"}, wantType: core.AUTHTYPE_IAM},
		{name: "no auth", props: map[string]string{PropertyAuthType: "noAuth"}, wantType: core.AUTHTYPE_NOAUTH},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setConfig(t, tt.props)

			authenticator, err := GetAuthenticatorFromEnvironment(testService)

			require.NoError(t, err)
			assert.Equal(t, tt.wantType, authenticator.AuthenticationType())
		})
	}
}

func TestGetAuthenticatorFromEnvironment_KeepsVCAPServices(t *testing.T) {
	setConfig(t, nil)
	t.Setenv("VCAP_SERVICES", `{"open-service-broker":[{"name":"open-service-broker","credentials":{"url":"https://broker.example.com","username":"platform","password":"password"}}]}`)

	authenticator, err := GetAuthenticatorFromEnvironment(testService)

	require.NoError(t, err)
	assert.Equal(t, core.AUTHTYPE_BASIC, authenticator.AuthenticationType())
}

func TestGetAuthenticatorFromEnvironment_WithoutConfiguration(t *testing.T) {
	setConfig(t, nil)

	authenticator, err := GetAuthenticatorFromEnvironment(testService)

	require.NoError(t, err)
	assert.Nil(t, authenticator)
}

func TestGetAuthenticatorFromEnvironment_RejectsMisconfiguration(t *testing.T) {
	missingFile := filepath.Join(t.TempDir(), "token")
	const expectedTokenFile = "expected the path of a readable file holding the bearer token"
	tests := []struct {
		name      string
		props     map[string]string
		wantError string
	}{
		{
			name:      "bearer token file not set",
			props:     map[string]string{PropertyAuthType: "bearerTokenFile"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_BEARER_TOKEN_FILE: bearer token file is not set; " + expectedTokenFile,
		},
		{
			name:      "bearer token file missing",
			props:     map[string]string{PropertyBearerTokenFile: missingFile},
			wantError: fmt.Sprintf("configuration variable OPEN_SERVICE_BROKER_BEARER_TOKEN_FILE: bearer token file %q cannot be read: no such file or directory; %s", missingFile, expectedTokenFile),
		},
		{
			name:      "unknown auth type",
			props:     map[string]string{PropertyAuthType: "kerberos"},
			wantError: "configuration variable OPEN_SERVICE_BROKER_AUTH_TYPE: value is not a known authentication type; expected one of basic, bearerToken, bearerTokenFile, container, cp4d, iam, iamAssume, mcsp, mcspv2, noAuth, vpc",
		},
		{
			name:      "basic without password",
			props:     map[string]string{PropertyAuthType: "basic", "USERNAME": "platform"},
			wantError: "invalid external configuration: authentication configured by the OPEN_SERVICE_BROKER_* variables: The Password property is required but was not specified.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setConfig(t, tt.props)

			authenticator, err := GetAuthenticatorFromEnvironment(testService)

			assert.Nil(t, authenticator)
			require.EqualError(t, err, tt.wantError)
			assert.ErrorIs(t, err, ErrInvalidConfiguration)
		})
	}
}

func TestGetAuthenticatorFromEnvironment_MissingTokenFileKeepsCause(t *testing.T) {
	missingFile := filepath.Join(t.TempDir(), "token")
	setConfig(t, map[string]string{PropertyBearerTokenFile: missingFile})

	_, err := GetAuthenticatorFromEnvironment(testService)

	assert.ErrorIs(t, err, fs.ErrNotExist)
	var fileErr *FileError
	require.ErrorAs(t, err, &fileErr)
	assert.Equal(t, missingFile, fileErr.Path)
}

func TestConfigError_WithoutCause(t *testing.T) {
	err := &ConfigError{Variable: "OPEN_SERVICE_BROKER_TIMEOUT", Expected: "a duration"}

	assert.EqualError(t, err, "configuration variable OPEN_SERVICE_BROKER_TIMEOUT: expected a duration")
}

// No configured secret ever reaches error text, whichever part of the configuration is wrong.
func TestExternalConfiguration_ErrorsNeverContainSecrets(t *testing.T) {
	files := newTLSFiles(t)
	tokenFile := writeFile(t, files.dir, "token", []byte("secret-token-1 secret-token-2"))

	tests := []struct {
		name   string
		props  map[string]string
		secret string
	}{
		{name: "IAM API key with braces", props: map[string]string{PropertyAuthType: "iam", "APIKEY": "{secret-apikey}"}, secret: "secret-apikey"},
		{name: "basic password with quotes", props: map[string]string{PropertyAuthType: "basic", "USERNAME": "platform", "PASSWORD": `"secret-password"`}, secret: "secret-password"},
		{name: "token file with two tokens", props: map[string]string{PropertyBearerTokenFile: tokenFile}, secret: "secret-token"},
		{name: "secret given as auth type", props: map[string]string{PropertyAuthType: "secret-in-auth-type"}, secret: "secret-in-auth-type"},
		{name: "secret given as timeout", props: map[string]string{PropertyTimeout: "secret-in-timeout"}, secret: "secret-in-timeout"},
		{name: "secret given as identity", props: map[string]string{PropertyOriginatingIdentity: "platform secret-in-identity!"}, secret: "secret-in-identity"},
		{name: "secret given as API version", props: map[string]string{PropertyAPIVersion: "secret-in-version"}, secret: "secret-in-version"},
		{name: "secret given as boolean", props: map[string]string{PropertyEnableGzip: "secret-in-bool"}, secret: "secret-in-bool"},
		{name: "key of another certificate", props: map[string]string{PropertyClientCertFile: files.certFile, PropertyClientKeyFile: files.otherKeyFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setConfig(t, tt.props)

			_, configErr := LoadConfig(testService)
			_, authErr := GetAuthenticatorFromEnvironment(testService)

			err := errors.Join(configErr, authErr)
			require.Error(t, err, "the misconfiguration is reported")
			text := err.Error()
			if tt.secret != "" {
				assert.NotContains(t, text, tt.secret)
			}
			assertNoKeyMaterial(t, text, files.otherKeyPEM)
		})
	}
}

func pointer[T any](value T) *T { return &value }

func TestConfig_AuthenticatorUsesThePropertiesReadAtLoad(t *testing.T) {
	setConfig(t, map[string]string{PropertyAuthType: core.AUTHTYPE_BASIC, core.PROPNAME_USERNAME: "platform", core.PROPNAME_PASSWORD: "secret"})
	config, err := LoadConfig(testService)
	require.NoError(t, err)
	t.Setenv(EnvVarName(testService, core.PROPNAME_USERNAME), "changed")

	authenticator, err := config.Authenticator()

	require.NoError(t, err)
	require.IsType(t, &core.BasicAuthenticator{}, authenticator)
	assert.Equal(t, "platform", authenticator.(*core.BasicAuthenticator).Username, "the configuration is not read again")
}
