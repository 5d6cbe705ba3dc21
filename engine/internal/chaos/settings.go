// Package chaos is the engine's crash soak: full service lifecycles (provision, bind, unbind,
// deprovision) driven through the engine against brokertest brokers that inject faults, in a
// platform process killed with SIGKILL at random moments and at chosen ones (between a send and
// the store of its answer, between a bind's answer and the hand-over of its credentials), then
// restarted. The brokers run in a process of their own and count, at the end, what they hold and
// what they created; the test (soak_test.go) asserts that nothing was left, created twice, lost,
// and that every set of credentials reached the platform.
//
// One program (cmd/chaosproc) plays both processes: "broker" and "platform".
package chaos

import (
	"fmt"
	"time"
)

// BrokerSettings configure the broker process: one brokertest broker per spec.
type BrokerSettings struct {
	Brokers []BrokerSpec `json:"brokers"`
	Seed    int64        `json:"seed"`
}

// BrokerSpec describes one broker: its fault rate, and whether its binds end failed (each then
// needs orphan mitigation).
type BrokerSpec struct {
	FaultRate float64 `json:"fault_rate"`
	FailBinds bool    `json:"fail_binds"`
	// AsyncDuration is how long asynchronous operations take at least (besides one poll);
	// RetryAfter the seconds of the Retry-After header of last_operation answers.
	AsyncDuration Duration `json:"async_duration,omitempty"`
	RetryAfter    int      `json:"retry_after,omitempty"`
}

// Name names the broker.
func (b BrokerSpec) Name() string {
	name := fmt.Sprintf("faults-%.0f", b.FaultRate*100)
	if b.FailBinds {
		name += "-binds-fail"
	}
	return name
}

// BrokerAddress is where and how to reach one broker.
type BrokerAddress struct {
	URL      string `json:"url"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// BrokerReport is what one broker saw, written by the broker process when its input ends.
type BrokerReport struct {
	Name      string  `json:"name"`
	FaultRate float64 `json:"fault_rate"`
	Requests  int     `json:"requests"`
	Faults    int     `json:"faults"`
	// Polls counts the requests to last_operation.
	Polls        int        `json:"polls"`
	Instances    int        `json:"instances_left"`
	Bindings     int        `json:"bindings_left"`
	Creations    []Creation `json:"creations"`
	CreatedTwice int        `json:"created_twice"`
}

// Creation is brokertest.Creation as JSON.
type Creation struct {
	InstanceID string `json:"instance_id"`
	BindingID  string `json:"binding_id,omitempty"`
	Username   string `json:"username,omitempty"`
}

// KillPoint is where a platform process kills itself.
type KillPoint string

const (
	// KillNever: the process runs until the lifecycles end (or the test kills it).
	KillNever KillPoint = ""
	// KillAfterSend: after the answer to the n-th request that changes something (PUT, PATCH,
	// DELETE) arrived, before the engine stores it.
	KillAfterSend KillPoint = "send"
	// KillAtHandOver: when a bind's credentials reach OnCredentials, before they are stored.
	KillAtHandOver KillPoint = "hand-over"
)

// PlatformSettings configure one run of a platform process.
type PlatformSettings struct {
	Name string `json:"name"`
	// Driver is "sqlite" (Database is a file) or "postgres" (Database is a URL).
	Driver   string `json:"driver"`
	Database string `json:"database"`
	// Brokers maps broker names to addresses; lifecycle n uses the (n mod len)-th name in order.
	Brokers     map[string]BrokerAddress `json:"brokers"`
	BrokerNames []string                 `json:"broker_names"`
	Lifecycles  int                      `json:"lifecycles"`
	// CredentialsFile is where OnCredentials appends what it receives, as the platform's vault.
	CredentialsFile string `json:"credentials_file"`
	// Kill is where this run kills itself; KillSend is which send, counted from 1.
	Kill     KillPoint `json:"kill"`
	KillSend int       `json:"kill_send"`
}

// Summary is what a platform process prints once every lifecycle ended.
type Summary struct {
	Completed int `json:"completed"`
	Removed   int `json:"removed"`
	Unended   int `json:"unended"`
	// Bound lists the bindings whose bind succeeded: their credentials must have been handed over.
	Bound       []string `json:"bound"`
	Mitigations int64    `json:"mitigations"`
	Polls       int64    `json:"polls"`
	Sends       int64    `json:"sends"`
	P99Lateness Duration `json:"p99_lateness"`
}

// Duration is a time.Duration as a JSON string.
type Duration time.Duration

func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

func (d *Duration) UnmarshalText(text []byte) error {
	parsed, err := time.ParseDuration(string(text))
	*d = Duration(parsed)
	return err
}

func instanceID(n int) string { return fmt.Sprintf("chaos-instance-%d", n) }
func bindingID(n int) string  { return fmt.Sprintf("chaos-binding-%d", n) }
