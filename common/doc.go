// Package common holds what every service package of osb-go-sdk shares: the SDK version, the
// SDK request headers, and the external configuration of a client.
//
// External configuration extends what github.com/IBM/go-sdk-core/v5/core reads for a service
// name (environment variables, the credentials file and VCAP_SERVICES) with the settings an Open
// Service Broker client needs on platforms other than IBM Cloud:
//
//   - LoadConfig reads the whole configuration once into a Config: URL, broker API version,
//     originating identity, timeout, retry policy, maximum response size, the core's switches,
//     the TLS configuration (files read at load) and what Config.Authenticator builds from.
//   - GetAuthenticatorFromEnvironment adds the bearerTokenFile authentication type to the ones
//     go-sdk-core knows.
//   - BearerTokenFileAuthenticator sends a bearer token read from a file and re-read when the
//     file is rotated, as Kubernetes does with projected service-account tokens.
//   - NewTLSConfig, NewMutualTLSTransport and Config.ApplyTransport present a client certificate
//     that is re-read when its files are rotated, and trust a private CA bundle.
//
// Errors never contain a credential: they name the variable or the file that is wrong and say
// what is expected. CONFIGURATION.md in this directory lists every variable.
package common
