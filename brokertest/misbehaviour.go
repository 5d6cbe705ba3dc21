package brokertest

import "slices"

// Misbehaviour is a way real brokers break the specification that a Server can be told to
// copy, so that a platform or a conformance checker can be tested against it.
type Misbehaviour string

// The misbehaviours of WithMisbehaviour. Each breaks one rule of OSB v2.17 and nothing else.
const (
	// MisbehaveCreateAnswers200 answers 200 instead of 201 for a new instance or binding created
	// synchronously ("Provisioning", "Binding": Response).
	MisbehaveCreateAnswers200 Misbehaviour = "create-answers-200"
	// MisbehaveDeleteMissingAnswers200 answers 200 instead of 410 when deleting an instance or
	// binding that does not exist ("Deprovisioning", "Unbinding": Response).
	MisbehaveDeleteMissingAnswers200 Misbehaviour = "delete-missing-answers-200"
	// MisbehaveDeleteMissingAnswers404 answers 404 instead of 410 when deleting an instance or
	// binding that does not exist.
	MisbehaveDeleteMissingAnswers404 Misbehaviour = "delete-missing-answers-404"
	// MisbehaveIgnoreAcceptsIncomplete lets operations on asynchronous-only plans answer 202
	// even without accepts_incomplete=true, instead of 422 AsyncRequired.
	MisbehaveIgnoreAcceptsIncomplete Misbehaviour = "ignore-accepts-incomplete"
	// MisbehaveStateSpelling reports "in_progress" instead of "in progress" from last_operation
	// ("Polling Last Operation for Service Instances", Body).
	MisbehaveStateSpelling Misbehaviour = "state-spelling"
	// MisbehaveNoOperation leaves the operation field out of 202 answers; last_operation then
	// reports the latest operation.
	MisbehaveNoOperation Misbehaviour = "no-operation"
	// MisbehaveNoConcurrencyError accepts an update, deprovision, bind or unbind while another
	// operation on the instance or binding is in progress, instead of 422 ConcurrencyError: the
	// operation in progress is taken as finished and the new one starts.
	MisbehaveNoConcurrencyError Misbehaviour = "no-concurrency-error"
	// MisbehaveNoCredentialsOnSyncBind answers a synchronous bind without credentials (GET of
	// the binding still has them).
	MisbehaveNoCredentialsOnSyncBind Misbehaviour = "no-credentials-on-sync-bind"
	// MisbehaveDuplicatePlanID lists, in the catalog, a copy of the first plan under another
	// name but with the same id ("Service Plan Object": id MUST be globally unique).
	MisbehaveDuplicatePlanID Misbehaviour = "duplicate-plan-id"
	// MisbehaveNoIdentityEcho leaves X-Broker-API-Request-Identity out of the answers; by
	// default the Server echoes it, as "Request Identity" says a broker SHOULD.
	MisbehaveNoIdentityEcho Misbehaviour = "no-identity-echo"
	// MisbehaveEmptyDeleteBody answers a deprovision or unbind that completed (200) with an
	// empty body instead of {} ("Deprovisioning", "Unbinding": Body).
	MisbehaveEmptyDeleteBody Misbehaviour = "empty-delete-body"
	// MisbehaveGoneAsText sends 410 Gone answers with Content-Type text/plain although their
	// body is JSON ("Content Type").
	MisbehaveGoneAsText Misbehaviour = "gone-as-text"
	// MisbehaveEmptyErrorDescription answers 404 with {"description": ""}; a description, when
	// present, is a non-empty string ("Service Broker Errors").
	MisbehaveEmptyErrorDescription Misbehaviour = "empty-error-description"
	// MisbehaveFetchMissingAnswers410 answers 410 Gone instead of 404 when an instance or
	// binding that does not exist is fetched ("Fetching a Service Instance", "... Binding").
	MisbehaveFetchMissingAnswers410 Misbehaviour = "fetch-missing-answers-410"
	// MisbehavePollMissingAnswers410 answers 410 Gone instead of 404 when the last operation of
	// an instance or binding that does not exist is polled ("Polling Last Operation ...").
	MisbehavePollMissingAnswers410 Misbehaviour = "poll-missing-answers-410"
	// MisbehaveInstanceUsableOnEveryPoll adds "instance_usable": true to every answer of an
	// instance's last_operation, a provision's included; the field belongs to the last operation
	// of an update or a deprovision only ("Polling Last Operation for Service Instances", Body).
	MisbehaveInstanceUsableOnEveryPoll Misbehaviour = "instance-usable-on-every-poll"
	// MisbehaveMalformedAnswers422 answers 422 instead of 400 Bad Request to a create, update
	// or delete that lacks its REQUIRED fields or query parameters (each endpoint's Response);
	// a body that is not JSON still gets 400.
	MisbehaveMalformedAnswers422 Misbehaviour = "malformed-answers-422"
	// MisbehaveDashboardURLLate leaves dashboard_url out of the first answer to a provision and
	// sends it with later answers (a repeated provision, GET), although a broker that returns one
	// MUST return it with the first ("Provisioning", Body).
	MisbehaveDashboardURLLate Misbehaviour = "dashboard-url-late"
	// MisbehaveFetchDuringUpdateAnswers200 serves GET of an instance whose update is in progress
	// instead of 422 ConcurrencyError ("Fetching a Service Instance", Response).
	MisbehaveFetchDuringUpdateAnswers200 Misbehaviour = "fetch-during-update-answers-200"
	// MisbehaveUpdateWithoutPlanChangesPlan moves an instance updated without plan_id to another
	// plan of its service, although its plan MUST then stay as it was ("Updating a Service
	// Instance", Body).
	MisbehaveUpdateWithoutPlanChangesPlan Misbehaviour = "update-without-plan-changes-plan"
	// MisbehaveBindIgnoresAcceptsIncomplete lets binds and rotations on plans that bind
	// asynchronously only (WithAsyncBindings) answer 202 without accepts_incomplete=true,
	// instead of 422 AsyncRequired ("Binding", Parameters).
	MisbehaveBindIgnoresAcceptsIncomplete Misbehaviour = "bind-ignores-accepts-incomplete"
	// MisbehaveBusyUnbindAnswers410 answers 410 Gone to an unbind of a binding whose bind is in
	// progress, instead of 422 ConcurrencyError ("Unbinding", Response).
	MisbehaveBusyUnbindAnswers410 Misbehaviour = "busy-unbind-answers-410"
	// MisbehaveUnprocessableBodyAnswers422 answers 422 instead of 400 Bad Request to a request
	// whose body is not JSON ("Content Type").
	MisbehaveUnprocessableBodyAnswers422 Misbehaviour = "unprocessable-body-answers-422"
	// MisbehaveSnakeCaseMetadata spells the catalog's offering metadata names in snake case
	// (display_name for displayName), not as the profile recommends ("Service Metadata").
	MisbehaveSnakeCaseMetadata Misbehaviour = "snake-case-metadata"
	// MisbehaveUnbindAnswers204 answers an unbind that completed with 204 No Content instead of
	// 200 and {}; "Unbinding", Response, defines 200, 202 and 410 Gone for a success, and any
	// other status MUST be interpreted as a failure.
	MisbehaveUnbindAnswers204 Misbehaviour = "unbind-answers-204"
)

var allMisbehaviours = []Misbehaviour{
	MisbehaveCreateAnswers200,
	MisbehaveDeleteMissingAnswers200,
	MisbehaveDeleteMissingAnswers404,
	MisbehaveIgnoreAcceptsIncomplete,
	MisbehaveStateSpelling,
	MisbehaveNoOperation,
	MisbehaveNoConcurrencyError,
	MisbehaveNoCredentialsOnSyncBind,
	MisbehaveDuplicatePlanID,
	MisbehaveNoIdentityEcho,
	MisbehaveEmptyDeleteBody,
	MisbehaveGoneAsText,
	MisbehaveEmptyErrorDescription,
	MisbehaveFetchMissingAnswers410,
	MisbehavePollMissingAnswers410,
	MisbehaveInstanceUsableOnEveryPoll,
	MisbehaveMalformedAnswers422,
	MisbehaveDashboardURLLate,
	MisbehaveFetchDuringUpdateAnswers200,
	MisbehaveUpdateWithoutPlanChangesPlan,
	MisbehaveBindIgnoresAcceptsIncomplete,
	MisbehaveBusyUnbindAnswers410,
	MisbehaveUnprocessableBodyAnswers422,
	MisbehaveSnakeCaseMetadata,
	MisbehaveUnbindAnswers204,
}

// Misbehaviours returns every Misbehaviour, in the order of their declaration.
func Misbehaviours() []Misbehaviour { return slices.Clone(allMisbehaviours) }

// WithMisbehaviour makes the Server break the specification in the given ways. Combining
// MisbehaveDeleteMissingAnswers200 with MisbehaveDeleteMissingAnswers404 is an error.
func WithMisbehaviour(m ...Misbehaviour) Option {
	return func(c *config) {
		for _, each := range m {
			if !slices.Contains(allMisbehaviours, each) {
				c.fail("WithMisbehaviour: unknown misbehaviour %q; see Misbehaviours()", each)
				return
			}
			c.misbehaviours[each] = true
		}
		if c.misbehaviours[MisbehaveDeleteMissingAnswers200] && c.misbehaviours[MisbehaveDeleteMissingAnswers404] {
			c.fail("WithMisbehaviour: %q and %q contradict each other", MisbehaveDeleteMissingAnswers200, MisbehaveDeleteMissingAnswers404)
		}
	}
}
