// Package brokertest runs a real Open Service Broker (OSB API v2.17) on loopback for tests, in
// the spirit of net/http/httptest.
//
// The OSB protocol is served by github.com/pivotal-cf/brokerapi/v12, the broker library Cloud
// Foundry brokers are built on, in front of an in-memory broker that follows the specification's
// rules: idempotent replays (200 for an identical PUT, 202 with the same operation while it runs),
// 409 for a conflicting PUT, 410 for deleting what does not exist, 422 AsyncRequired and
// ConcurrencyError, asynchronous operations polled through last_operation (with a Retry-After
// header), instance and binding GET, and bind answers with credentials. IBM Cloud's instance state
// endpoints (GET and PUT /bluemix_v1/service_instances/{instance_id}) are served too. Every
// answer echoes the request's X-Broker-API-Request-Identity ("Request Identity": SHOULD).
//
// # Strict by default
//
// The broker rejects what a careful broker rejects, with a description that names the section of
// OSB v2.17 deciding it, and changes nothing:
//
//   - 400 for a provision without service_id, plan_id, organization_guid or space_guid (each a
//     non-empty string; "Provisioning", Body), an update without service_id ("Updating a Service
//     Instance", Body), a bind without service_id or plan_id, or with an empty app_guid ("Binding",
//     Request (Creating a Service Binding), Body);
//   - 400 for parameters that are not a JSON object, and for a context that is not an object with
//     a non-empty string platform (profile, "Context Object");
//   - 400 for a body that is not JSON of the operation's fields (brokerapi answers 422);
//   - 400 for a deprovision or unbind without the service_id and plan_id query parameters
//     ("Deprovisioning", "Unbinding": Parameters);
//   - 400 for a request without X-Broker-API-Version, the answer "API Version Header" names for
//     it (brokerapi answers 412), and 412 for a version that is not 2.x in the form MAJOR.MINOR;
//   - 412 for a request that asks for what its X-Broker-API-Version does not have yet: an
//     endpoint, maintenance_info or predecessor_binding_id newer than that version (the Refused
//     rows of the SDK's version table, openservicebrokerv1.APIVersionRules), naming the version
//     that introduced it. Other newer elements (context properties, headers, hints) are served,
//     since a broker of the announced version ignores what it does not know.
//
// Null parameters or context count as absent; unknown fields are ignored ("Vendor Extension
// Fields"). WithLenient leaves these checks to brokerapi, for platforms that need its leniency.
//
// # The catalog's rules
//
// In both modes the broker applies what its catalog declares:
//
//   - parameters are validated against the plan's JSON schemas
//     (schemas.service_instance.create and update, schemas.service_binding.create), read as the
//     SDK's client reads them: JSON Schema draft 4 unless $schema names another version, formats
//     asserted, so that the broker refuses exactly the parameters the client refuses; a violation
//     gets 400 listing each one as a JSON pointer and a message. Schemas are compiled when the
//     Server starts: one that does not compile, is over 64 kB or refers outside itself, is an
//     error of Start;
//   - binding rotation ("Binding Rotation"): on a plan given to WithRotatableBindings (the catalog
//     says binding_rotatable), a bind with predecessor_binding_id creates a binding with fresh
//     credentials that keeps the predecessor's parameters and app, and both stay valid; on other
//     plans, or with a predecessor that is not a binding of the instance, 400. With
//     WithBindingLifetime, bindings carry expires_at and renew_before ("Binding Metadata
//     Object") and an expired one cannot be rotated;
//   - maintenance_info: a provision or update whose maintenance_info.version is not the one the
//     catalog offers for the plan gets 422 MaintenanceInfoConflict; an update to the offered
//     version upgrades the instance, and GET of the instance reports its maintenance_info.
//     SetPlanMaintenanceInfo offers a new version, as a broker does for a maintenance update;
//   - the catalog is answered with ETag and Last-Modified, and 304 Not Modified to a matching
//     If-None-Match or If-Modified-Since ("Catalog Management").
//
// The default catalog (DefaultCatalog) declares such schemas, maintenance_info and a rotatable
// plan.
//
// # Faults and misbehaviours
//
// For tests of what a platform does when things go wrong, a Server injects faults (a status and
// body, a delay, or a dropped connection before or after the broker acted), optionally at random;
// records every request (with the elements it carries that are newer than the version it
// announces, RecordedRequest.NewerThanAPIVersion); and shows the instances and bindings it holds, so a test can prove that
// nothing was orphaned. WithMisbehaviour makes it break one rule of the specification the way
// real brokers do (see Misbehaviours), so that conformance checks can be shown to catch each.
//
// The command brokertest/cmd/testbroker serves the same broker as a separate process; its flags
// -lenient, -misbehave, -rotatable-plans and -binding-lifetime match the options.
package brokertest
