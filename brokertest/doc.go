// Package brokertest runs a real Open Service Broker (OSB API v2.17) on loopback for tests, in
// the spirit of net/http/httptest.
//
// The OSB protocol is served by github.com/pivotal-cf/brokerapi/v12, the broker library Cloud
// Foundry brokers are built on, in front of an in-memory broker that follows the specification's
// rules: idempotent replays (200 for an identical PUT, 202 with the same operation while it runs),
// 409 for a conflicting PUT, 410 for deleting what does not exist, 422 AsyncRequired and
// ConcurrencyError, asynchronous operations polled through last_operation (with a Retry-After
// header), instance and binding GET, and bind answers with credentials. IBM Cloud's instance state
// endpoints (GET and PUT /bluemix_v1/service_instances/{instance_id}) are served too.
//
// For tests of what a platform does when things go wrong, a Server injects faults (a status and
// body, a delay, or a dropped connection before or after the broker acted), optionally at random;
// records every request; and shows the instances and bindings it holds, so a test can prove that
// nothing was orphaned.
//
// The command brokertest/cmd/testbroker serves the same broker as a separate process.
package brokertest
