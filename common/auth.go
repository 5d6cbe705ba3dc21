package common

import (
	"errors"
	"fmt"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
)

// supportedAuthTypes lists the values AUTH_TYPE accepts: go-sdk-core's types and ours.
var supportedAuthTypes = []string{
	core.AUTHTYPE_BASIC, core.AUTHTYPE_BEARER_TOKEN, AuthTypeBearerTokenFile, core.AUTHTYPE_CONTAINER,
	core.AUTHTYPE_CP4D, core.AUTHTYPE_IAM, core.AUTHTYPE_IAM_ASSUME, core.AUTHTYPE_MCSP,
	core.AUTHTYPE_MCSPV2, core.AUTHTYPE_NOAUTH, core.AUTHTYPE_VPC,
}

// GetAuthenticatorFromEnvironment returns the authenticator the service's external
// configuration describes. AUTH_TYPE (or AUTHTYPE) bearerTokenFile, or BEARER_TOKEN_FILE set
// without an AUTH_TYPE, gives a BearerTokenFileAuthenticator; any other type is built by
// core.GetAuthenticatorFromEnvironment, which also guesses the type when none is given. Like
// that function, it returns a nil authenticator and no error when the service has no
// configuration at all. An unknown type is a *ConfigError that lists the supported ones.
func GetAuthenticatorFromEnvironment(serviceName string) (core.Authenticator, error) {
	props, err := serviceProperties(serviceName)
	if err != nil {
		return nil, err
	}
	authType, err := resolveAuthType(serviceName, props)
	if err != nil {
		return nil, err
	}
	if authType == AuthTypeBearerTokenFile {
		return bearerTokenFileAuthenticator(serviceName, props[PropertyBearerTokenFile])
	}
	authenticator, err := core.GetAuthenticatorFromEnvironment(serviceName)
	if err != nil {
		return nil, fmt.Errorf("%w: authentication configured by the %s variables: %w",
			ErrInvalidConfiguration, EnvVarName(serviceName, "*"), err)
	}
	return authenticator, nil
}

// bearerTokenFileAuthenticator builds the file authenticator, naming BEARER_TOKEN_FILE in errors.
func bearerTokenFileAuthenticator(serviceName, path string) (core.Authenticator, error) {
	authenticator, err := NewBearerTokenFileAuthenticator(path)
	if err != nil {
		return nil, fileConfigError(serviceName, err)
	}
	return authenticator, nil
}

// resolveAuthType returns the canonical spelling of the configured authentication type, read as
// go-sdk-core reads it (AUTH_TYPE, else AUTHTYPE, compared without regard to case). Without a
// type, BEARER_TOKEN_FILE implies AuthTypeBearerTokenFile; otherwise "" is returned and
// go-sdk-core chooses.
func resolveAuthType(serviceName string, props map[string]string) (string, error) {
	property := PropertyAuthType
	if props[property] == "" {
		property = PropertyAuthTypeAlternate
	}
	value := props[property]
	if value == "" {
		if props[PropertyBearerTokenFile] != "" {
			return AuthTypeBearerTokenFile, nil
		}
		return "", nil
	}
	for _, known := range supportedAuthTypes {
		if strings.EqualFold(value, known) {
			return known, nil
		}
	}
	return "", &ConfigError{
		Variable: EnvVarName(serviceName, property),
		Expected: "one of " + strings.Join(supportedAuthTypes, ", "),
		Err:      errors.New("value is not a known authentication type"),
	}
}
