// Package conformance checks that a service broker behaves as the Open Service Broker API v2.17
// specifies: it is the engine of `osb check` and of the SDK's integration suite.
//
// Run reads the broker's catalog and runs scenarios derived from it: the catalog's lint
// (cataloglint.Lint), authentication, the version and identity headers, and for
// every plan the life of an instance and its bindings, asynchronous operations polled with the
// SDK's waiters (Retry-After and the plan's maximum_polling_duration honoured). Each Check has a
// stable id, the specification section it comes from and the specification's level: a broken
// MUST fails, a broken SHOULD warns, an answer the specification allows among others (MAY) is
// reported for information. Where the specification allows two answers, both pass.
//
// A run is safe on a shared broker: every id it creates starts with Options.Prefix, and a final
// sweep removes what it created even when the context is cancelled; Report.Leftovers lists what
// could not be removed. The evidence of each result is the deciding request and answer, recorded
// by a transport given to the client, with credentials and secret headers masked.
//
// WriteText, WriteJSON and WriteJUnit render a Report; Describe and WriteDryRun say what a run
// would send without sending anything.
package conformance
