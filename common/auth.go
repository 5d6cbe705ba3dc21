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
// without an AUTH_TYPE, gives a BearerTokenFileAuthenticator; any other type is built from the
// properties go-sdk-core defines for it, as core.GetAuthenticatorFromEnvironment does, which
// also guesses the type when none is given. Like that function, it returns a nil authenticator
// and no error when the service has no configuration at all. An unknown type is a *ConfigError
// that lists the supported ones.
func GetAuthenticatorFromEnvironment(serviceName string) (core.Authenticator, error) {
	props, err := serviceProperties(serviceName)
	if err != nil {
		return nil, err
	}
	authType, err := resolveAuthType(serviceName, props)
	if err != nil {
		return nil, err
	}
	return authenticatorFor(serviceName, authType, props)
}

// authenticatorFor builds the authenticator of a resolved type from the service's properties.
// The types that need a token service are built by go-sdk-core, which reads the properties
// again: it offers no constructor from properties already read.
func authenticatorFor(serviceName, authType string, props map[string]string) (core.Authenticator, error) {
	switch authType {
	case AuthTypeBearerTokenFile:
		authenticator, err := NewBearerTokenFileAuthenticator(props[PropertyBearerTokenFile])
		return authenticatorOrError(authenticator, fileConfigError(serviceName, err))
	// core.GetAuthenticatorFromEnvironment (v5.25.3) panics when these two fail to build: it
	// calls AuthenticationType on the nil pointer it got, and their method has a value receiver.
	case core.AUTHTYPE_BASIC:
		authenticator, err := core.NewBasicAuthenticator(props[core.PROPNAME_USERNAME], props[core.PROPNAME_PASSWORD])
		return authenticatorOrError(authenticator, coreAuthError(serviceName, err))
	case core.AUTHTYPE_BEARER_TOKEN:
		authenticator, err := core.NewBearerTokenAuthenticator(props[core.PROPNAME_BEARER_TOKEN])
		return authenticatorOrError(authenticator, coreAuthError(serviceName, err))
	case core.AUTHTYPE_NOAUTH:
		return core.NewNoAuthAuthenticator()
	default:
		authenticator, err := core.GetAuthenticatorFromEnvironment(serviceName)
		return authenticatorOrError(authenticator, coreAuthError(serviceName, err))
	}
}

// authenticatorOrError returns a nil interface, not an interface holding a nil pointer, with
// an error.
func authenticatorOrError[A core.Authenticator](authenticator A, err error) (core.Authenticator, error) {
	if err != nil {
		return nil, err
	}
	return authenticator, nil
}

// coreAuthError says which variables configured the authenticator go-sdk-core refused; its
// errors name the property (e.g. "Password"), never the value.
func coreAuthError(serviceName string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: authentication configured by the %s variables: %w",
		ErrInvalidConfiguration, EnvVarName(serviceName, "*"), err)
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
