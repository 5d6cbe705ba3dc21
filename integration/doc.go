//go:build integration

// Package integration holds the SDK's integration tests: the whole Open Service Broker lifecycle
// and the error scenarios of the OSB v2.17 specification, written once and run against any broker.
//
// Without OPEN_SERVICE_BROKER_URL they start an embedded brokertest broker on loopback:
//
//	go test -tags integration ./integration/...
//
// With it they talk to that broker, configured as the SDK's external configuration reads it
// (OPEN_SERVICE_BROKER_AUTH_TYPE, _USERNAME, _PASSWORD, _APIKEY, ...).
//
// TestConformance runs the checks of package conformance, the engine of `osb check`, so the
// suite and the checker cannot drift apart: on every plan of the catalog, or on the plans named
// by OPEN_SERVICE_BROKER_PLAN_ID and OPEN_SERVICE_BROKER_ASYNC_PLAN_ID. It grades by the
// specification's level: a MUST the SDK depends on fails the test; a broken SHOULD, or a MUST
// the SDK copes with, is logged with its section. The seed snippets and IBM's state endpoints
// run on OPEN_SERVICE_BROKER_SERVICE_ID and _PLAN_ID, else on the first bindable plan of the
// catalog. Everything a test creates is removed when it ends.
package integration
