// Package engine runs Open Service Broker operations (provision, update, deprovision, bind,
// unbind) for a platform that has many of them in flight, across restarts and replicas. It
// keeps no scheduler of its own: each operation is a job of River (github.com/riverqueue/river),
// and each run of the job is one Step of the SDK's operation record
// (openservicebrokerv1.OperationRecord): at most one exchange with the broker, after which the
// job snoozes until the record's NextAt. No goroutine waits for an operation between steps.
//
// Two stores: OpenSQLite, River's SQLite driver on modernc.org/sqlite (pure Go, no cgo), for a
// platform on one machine; OpenPostgres, River's pgx driver, for several replicas on one
// database, where River locks each job to one worker at a time. The module is separate from the
// SDK's, so that a program importing only the SDK does not inherit River, pgx or SQLite.
//
// # What River decides
//
// Where the record lives. A River job's arguments cannot change after insert, so the job
// carries only the operation's id. The record is a row of the engine's table osb_operation,
// inserted in the same transaction as the job (an operation is never stored without its job, nor
// the reverse), rewritten after every step before the job snoozes, and guarded by a revision so
// that a run that lost its job to a rescue cannot write back an older record. The table is what
// Get, Unfinished and Stats read, from any replica.
//
// Killed processes. A job left running by a killed process stays "running" until River's rescuer
// hands it to another worker after RescueStuckJobsAfter, an hour by default. The engine sets it
// to Config.RescueAfter (2 minutes by default) and bounds each step by Config.JobTimeout (30s),
// which must be shorter, so that a step still running is never rescued. Rescues, like failures of
// the store, use attempts; snoozes do not. The engine sets max attempts to River's largest
// (32767) and retries failures after 1s, 2s, 4s ... capped at a minute, so a store unreachable
// for days is waited for and no operation is dropped.
//
// Lateness. A job snoozed for up to River's scheduler interval (5s, not configurable) is made
// available at once and fetched when due, within the fetch interval (Config.FetchInterval,
// 200ms by default; River's default is 1s). A longer snooze leaves the job scheduled until the
// scheduler's next pass, up to 5s late: the engine therefore snoozes long waits one interval
// short and snoozes the rest when the job wakes, at the cost of one job run that sends nothing.
// A step so starts at most about one fetch interval after its time, plus the time a busy queue
// takes to reach it; Stats reports the lateness measured.
//
// SQLite. River's SQLite driver is young ("currently in early testing", its documentation says)
// and asks for a single connection, since SQLite runs one writer at a time: every step's read
// and write and River's own queries share it. It suits one process; the package's soak runs
// it killed and restarted under faults.
//
// # Secrets
//
// A record holds no broker credential (the ClientFactory builds each broker's client from the
// platform's configuration) and no binding credential (a bind's answer goes to
// Config.OnCredentials, which must store it before the record advances). The request's
// parameters, context and headers are sealed with Config.Key (AES-GCM).
//
// # Limits
//
// Config.Limits bounds the concurrent requests and the requests per second to each broker, per
// process: with n replicas a broker sees up to n times as many. A step over the limit snoozes
// instead of holding a River worker.
package engine
