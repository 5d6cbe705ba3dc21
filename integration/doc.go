//go:build integration

// Package integration holds the SDK's integration tests: the whole Open Service Broker lifecycle
// and the error scenarios of the OSB v2.17 specification, written once and run against any broker.
//
// Without OPEN_SERVICE_BROKER_URL they start an embedded brokertest broker on loopback:
//
//	go test -tags integration ./integration/...
//
// With it they talk to that broker, configured as the SDK's external configuration reads it
// (OPEN_SERVICE_BROKER_AUTH_TYPE, _USERNAME, _PASSWORD, _APIKEY, ...), about the service and
// plans named by OPEN_SERVICE_BROKER_SERVICE_ID, OPEN_SERVICE_BROKER_PLAN_ID (a plan that may
// complete synchronously) and OPEN_SERVICE_BROKER_ASYNC_PLAN_ID (a plan whose instance
// operations are asynchronous). Scenarios that need an id that is not given are skipped.
// Every instance a scenario creates is deprovisioned when it ends.
package integration
