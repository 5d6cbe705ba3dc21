package openservicebrokerv1

// The operation record: what a platform stores to run an operation on a broker one exchange at
// a time, across processes and crashes. Step (step.go) moves it from phase to phase.

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// OperationRecordVersion is the Version of the records this package writes and reads.
const OperationRecordVersion = 1

// DefaultPlatformMaxPollingDuration is the platform's maximum polling duration a record uses
// unless RecordConfig says otherwise: 7 days, the default of Cloud Controller and of Kubernetes
// service-catalog. The plan's maximum_polling_duration shortens it ("Polling Interval and
// Duration"). The blocking helpers keep their own default, DefaultMaxWait (1 hour).
const DefaultPlatformMaxPollingDuration = 7 * 24 * time.Hour

// OperationPhase is where an operation record stands.
type OperationPhase string

// The phases of an operation record. Succeeded, failed, timed out and removed end it (Done).
const (
	// PhaseToSend: the request is to be sent, for the first time or again (a replay).
	PhaseToSend OperationPhase = "to_send"
	// PhaseInProgress: the broker answered 202 Accepted; its last_operation is polled. A bind
	// whose credentials were not handed over yet stays here too (see CredentialsPending).
	PhaseInProgress OperationPhase = "in_progress"
	// PhaseSucceeded: the broker completed the operation.
	PhaseSucceeded OperationPhase = "succeeded"
	// PhaseFailed: the operation failed; Failure says why, Leftover whether a resource remains.
	PhaseFailed OperationPhase = "failed"
	// PhaseTimedOut: the maximum polling duration passed: the operation is considered failed.
	PhaseTimedOut OperationPhase = "timed_out"
	// PhaseNeedsMitigation: a create may have left a resource; its deletion is to be sent.
	PhaseNeedsMitigation OperationPhase = "needs_mitigation"
	// PhaseMitigating: the broker accepted the deletion of the orphan; its operation is polled.
	PhaseMitigating OperationPhase = "mitigating"
	// PhaseRemoved: orphan mitigation deleted what the failed create may have left.
	PhaseRemoved OperationPhase = "removed"
)

// OperationRecord is an operation on a broker as data: everything needed to resume it in
// another process. It is JSON with a version field, small (about 600 bytes for a provision
// without parameters), and holds no credential: the request's parameters, context, originating
// identity and headers travel only sealed with the caller's key (AES-GCM), or not at all when the
// record was created with NoReplay. Create it with a New...Record constructor, store it, then call
// Step when NextAt has come and store what Step returns.
type OperationRecord struct {
	Version    int           `json:"v"`
	Kind       OperationKind `json:"kind"`
	InstanceID string        `json:"instance_id"`
	BindingID  string        `json:"binding_id,omitempty"`
	ServiceID  string        `json:"service_id"`
	PlanID     string        `json:"plan_id,omitempty"`
	// PreviousPlanID is the plan before an update, which its polls send ("Polling Last
	// Operation for Service Instances").
	PreviousPlanID string `json:"previous_plan_id,omitempty"`
	// Operation is the broker's operation token of the 202 Accepted being polled.
	Operation string         `json:"operation,omitempty"`
	Phase     OperationPhase `json:"phase"`
	// Attempts counts the exchanges of the current phase; the backoff grows with it.
	Attempts int `json:"attempts"`
	// Retries counts the deletions sent again after the broker reported them failed.
	Retries int       `json:"retries,omitempty"`
	Started time.Time `json:"started"`
	// Deadline is when the operation is considered failed if it has not ended.
	Deadline time.Time `json:"deadline"`
	// NextAt is when Step is to be called next.
	NextAt time.Time `json:"next_at"`
	// MitigationDeadline is when orphan mitigation gives up; set when it starts.
	MitigationDeadline *time.Time `json:"mitigation_deadline,omitempty"`
	// OutcomeUnknown says a send got no answer that tells whether the broker acted on it.
	OutcomeUnknown bool `json:"outcome_unknown,omitempty"`
	// NoReplay says the request is not kept: an unknown outcome is resolved by orphan mitigation.
	NoReplay bool `json:"no_replay,omitempty"`
	// InFlight says orphan mitigation met ConcurrencyError: the operation still running on the
	// resource is polled until it ends, then the deletion is sent again.
	InFlight bool `json:"in_flight,omitempty"`
	// CredentialsPending says a bind completed but its credentials were not handed over yet.
	CredentialsPending bool `json:"credentials_pending,omitempty"`
	// Rebinding says the binding is being removed, to be created again: its credentials could
	// not be handed over and it cannot be fetched (not bindings_retrievable).
	Rebinding bool `json:"rebinding,omitempty"`
	// Rebound says the binding was removed and created again to recover its credentials.
	Rebound bool `json:"rebound,omitempty"`
	// Leftover says the operation failed and the broker may still hold the resource: delete it.
	Leftover bool `json:"leftover,omitempty"`
	// Description is the broker's latest description of the operation's progress.
	Description string `json:"description,omitempty"`
	// Failure is why the operation failed, kept through orphan mitigation.
	Failure *RecordedError `json:"failure,omitempty"`
	// LastError is the failure of the latest exchange, when it failed.
	LastError *RecordedError `json:"last_error,omitempty"`
	// Sealed is the request's options, AES-GCM sealed with the caller's key.
	Sealed []byte `json:"sealed,omitempty"`

	// unsent holds a NoReplay record's request in memory: it never reaches the JSON, so a record
	// read back from a store cannot send it. After an unknown outcome it is not sent again either
	// (NoReplay); its headers still go with the polls and deletions of the same process.
	unsent []byte
}

// RecordedError is a failure as data: what the broker answered, or why there was no answer.
type RecordedError struct {
	// Status is the HTTP status of the answer; 0 when there was none.
	Status int `json:"status,omitempty"`
	// ErrorCode is the OSB error code of the answer, such as "ConcurrencyError".
	ErrorCode string `json:"error,omitempty"`
	// Description is the broker's description, or the client's account of the failure.
	Description string `json:"description,omitempty"`
	// RequestIdentity is the X-Broker-API-Request-Identity of the exchange.
	RequestIdentity string `json:"request_id,omitempty"`
	// InstanceUsable and UpdateRepeatable are the broker's fields after a failed update or deprovision.
	InstanceUsable   *bool `json:"instance_usable,omitempty"`
	UpdateRepeatable *bool `json:"update_repeatable,omitempty"`
}

// Done reports whether the record reached an end: nothing more to do.
func (r OperationRecord) Done() bool {
	switch r.Phase {
	case PhaseSucceeded, PhaseFailed, PhaseTimedOut, PhaseRemoved:
		return true
	}
	return false
}

// RecordConfig is how a record is created. The zero value is invalid: give a Key, or set
// NoReplay.
type RecordConfig struct {
	// Key seals the request's options (AES-128, -192 or -256: 16, 24 or 32 bytes) so that Step
	// can send the very same request again after an unknown outcome or a crash. Step needs the
	// same key.
	Key []byte
	// NoReplay keeps no request in the record. The first Step must then be given the record the
	// constructor returned (the request stays in memory only), and an unknown outcome of a
	// provision or bind is resolved by orphan mitigation, of an update by failing. Platforms that
	// step records on several replicas give a Key: a NoReplay record stepped by another replica
	// while its first send is under way goes to orphan mitigation, whose deletion races the send.
	NoReplay bool
	// MaxPollingDuration is the platform's maximum polling duration;
	// DefaultPlatformMaxPollingDuration when zero.
	MaxPollingDuration time.Duration
	// PlanMaximumPollingDuration is the plan's maximum_polling_duration in seconds, when known;
	// the client's catalog supplies it otherwise.
	PlanMaximumPollingDuration *int64
	// Now tells the time; time.Now when nil.
	Now func() time.Time
}

func (c RecordConfig) validate(op string) error {
	switch {
	case c.NoReplay && c.Key != nil:
		return &ParameterError{Operation: op, Parameter: "RecordConfig", Problem: "sets both Key and NoReplay; choose one"}
	case !c.NoReplay && c.Key == nil:
		return &ParameterError{Operation: op, Parameter: "RecordConfig.Key", Problem: "is missing; give a 16, 24 or 32-byte key to keep the request sealed, or set NoReplay"}
	case c.MaxPollingDuration < 0:
		return &ParameterError{Operation: op, Parameter: "RecordConfig.MaxPollingDuration", Problem: fmt.Sprintf("must not be negative, got %s", c.MaxPollingDuration)}
	case c.PlanMaximumPollingDuration != nil && *c.PlanMaximumPollingDuration <= 0:
		return &ParameterError{Operation: op, Parameter: "RecordConfig.PlanMaximumPollingDuration", Problem: fmt.Sprintf("must be a positive number of seconds, got %d", *c.PlanMaximumPollingDuration)}
	}
	return checkKey(op, c.Key)
}

func (c RecordConfig) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// pollingLimit is the smaller of the platform's and the plan's maximum polling durations
// ("Polling Interval and Duration": polling ends when either is reached).
func (c RecordConfig) pollingLimit() time.Duration {
	limit := c.MaxPollingDuration
	if limit == 0 {
		limit = DefaultPlatformMaxPollingDuration
	}
	if c.PlanMaximumPollingDuration != nil {
		limit = min(limit, secondsToDuration(*c.PlanMaximumPollingDuration))
	}
	return limit
}

// NewProvisionRecord returns the record of a provision, in phase to_send: store it, then Step
// sends it (with accepts_incomplete=true).
func (openServiceBroker *OpenServiceBrokerV1) NewProvisionRecord(options *ReplaceServiceInstanceOptions, config RecordConfig) (OperationRecord, error) {
	return newRecordFrom(openServiceBroker, "NewProvisionRecord", options, config, provisionIDs)
}

// provisionIDs, updateIDs, deprovisionIDs, bindIDs and unbindIDs read a record's kind and ids
// from its options, and name the options' fields that hold them.
func provisionIDs(o *ReplaceServiceInstanceOptions) (OperationRecord, []**string) {
	return OperationRecord{Kind: OperationProvision, InstanceID: *o.InstanceID, ServiceID: *o.ServiceID, PlanID: *o.PlanID},
		[]**string{&o.InstanceID, &o.ServiceID, &o.PlanID}
}

// NewUpdateRecord returns the record of an update, in phase to_send. Its polls send
// previous_values.plan_id when set, as the specification asks, else the plan_id.
func (openServiceBroker *OpenServiceBrokerV1) NewUpdateRecord(options *UpdateServiceInstanceOptions, config RecordConfig) (OperationRecord, error) {
	return newRecordFrom(openServiceBroker, "NewUpdateRecord", options, config, updateIDs)
}

func updateIDs(o *UpdateServiceInstanceOptions) (OperationRecord, []**string) {
	return OperationRecord{Kind: OperationUpdate, InstanceID: *o.InstanceID, ServiceID: *o.ServiceID,
		PlanID: stringOrEmpty(o.PlanID), PreviousPlanID: stringOrEmpty(planBeforeUpdate(o))}, []**string{&o.InstanceID, &o.ServiceID, &o.PlanID}
}

// NewDeprovisionRecord returns the record of a deprovision, in phase to_send.
func (openServiceBroker *OpenServiceBrokerV1) NewDeprovisionRecord(options *DeleteServiceInstanceOptions, config RecordConfig) (OperationRecord, error) {
	return newRecordFrom(openServiceBroker, "NewDeprovisionRecord", options, config, deprovisionIDs)
}

func deprovisionIDs(o *DeleteServiceInstanceOptions) (OperationRecord, []**string) {
	return OperationRecord{Kind: OperationDeprovision, InstanceID: *o.InstanceID, ServiceID: *o.ServiceID, PlanID: *o.PlanID},
		[]**string{&o.InstanceID, &o.ServiceID, &o.PlanID}
}

// NewBindRecord returns the record of a bind, in phase to_send. Step hands the binding's
// credentials to StepOptions.OnCredentials and never stores them.
func (openServiceBroker *OpenServiceBrokerV1) NewBindRecord(options *ReplaceServiceBindingOptions, config RecordConfig) (OperationRecord, error) {
	return newRecordFrom(openServiceBroker, "NewBindRecord", options, config, bindIDs)
}

func bindIDs(o *ReplaceServiceBindingOptions) (OperationRecord, []**string) {
	return OperationRecord{Kind: OperationBind, InstanceID: *o.InstanceID, BindingID: *o.BindingID, ServiceID: *o.ServiceID, PlanID: *o.PlanID},
		[]**string{&o.InstanceID, &o.BindingID, &o.ServiceID, &o.PlanID}
}

// NewUnbindRecord returns the record of an unbind, in phase to_send.
func (openServiceBroker *OpenServiceBrokerV1) NewUnbindRecord(options *DeleteServiceBindingOptions, config RecordConfig) (OperationRecord, error) {
	return newRecordFrom(openServiceBroker, "NewUnbindRecord", options, config, unbindIDs)
}

func unbindIDs(o *DeleteServiceBindingOptions) (OperationRecord, []**string) {
	return OperationRecord{Kind: OperationUnbind, InstanceID: *o.InstanceID, BindingID: *o.BindingID, ServiceID: *o.ServiceID, PlanID: *o.PlanID},
		[]**string{&o.InstanceID, &o.BindingID, &o.ServiceID, &o.PlanID}
}

// newRecordFrom checks options and makes their record: split reads the record's ids from a
// copy of the options and names the copy's id fields, which are blanked, since the record holds
// the ids and the kept request does not.
func newRecordFrom[T any, P interface {
	*T
	request() (*sdkruntime.Request, error)
}](openServiceBroker *OpenServiceBrokerV1, op string, options P, config RecordConfig, split func(P) (OperationRecord, []**string)) (OperationRecord, error) {
	if _, err := options.request(); err != nil {
		return OperationRecord{}, fmt.Errorf("%s: %w", op, err)
	}
	keep := P(new(T))
	*keep = *options
	record, ids := split(keep)
	for _, id := range ids {
		*id = nil
	}
	return openServiceBroker.newRecord(op, record, keep, config)
}

// newRecord completes a record whose ids are set: phase, times, and the request (options less
// the ids) sealed or held in memory.
func (openServiceBroker *OpenServiceBrokerV1) newRecord(op string, record OperationRecord, options any, config RecordConfig) (OperationRecord, error) {
	if err := config.validate(op); err != nil {
		return OperationRecord{}, err
	}
	if config.PlanMaximumPollingDuration == nil {
		config.PlanMaximumPollingDuration = openServiceBroker.planPollingLimit(record.ServiceID, record.PlanID)
	}
	now := config.now()
	record.Version, record.Phase = OperationRecordVersion, PhaseToSend
	record.Started, record.NextAt, record.Deadline = now, now, now.Add(config.pollingLimit())
	record.NoReplay = config.NoReplay
	if config.NoReplay {
		unsent, err := json.Marshal(options)
		if err != nil {
			return OperationRecord{}, &ParameterError{Operation: op, Parameter: "options", Problem: "cannot be encoded as JSON", Err: err}
		}
		record.unsent = unsent
		return record, nil
	}
	sealed, err := sealOptions(config.Key, record, options)
	if err != nil {
		return OperationRecord{}, fmt.Errorf("%s: %w", op, err)
	}
	record.Sealed = sealed
	return record, nil
}

// planPollingLimit is the plan's maximum_polling_duration from the client's catalog, if it has one.
func (openServiceBroker *OpenServiceBrokerV1) planPollingLimit(serviceID, planID string) *int64 {
	limited := openServiceBroker.withCatalogPollingLimit(WaitOptions{}, &serviceID, &planID)
	return limited.MaximumPollingDuration
}

func stringOrEmpty(value *string) string {
	if value == nil {
		return ""
	}
	return *value
}
