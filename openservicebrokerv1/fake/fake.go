// Package fake is an in-memory stand-in for the SDK's client in a platform's unit tests, in the
// style of client-go's fakes: Client satisfies every role interface of openservicebrokerv1
// (CatalogAPI, InstancesAPI, BindingsAPI, InstanceStateAPI, LifecycleAPI), records each call as
// an Action, and answers it through reactors that the test installs. A call no reactor handles
// fails with ErrNotHandled, so a test notices when the code under test does more than it expected.
//
// Options constructors and operation records are built by the SDK's own code, as the real client
// builds them, without any request. For behaviour over real HTTP (faults, dropped connections,
// asynchronous plans) use brokertest.
package fake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Action is one call the code under test made.
type Action struct {
	// Verb is the method's name, without WithContext: "ListCatalog", "ReplaceServiceInstance",
	// "ProvisionAndWait", "Step", ...
	Verb string
	// Options is what the call was given: its *...Options, or the OperationRecord of Step.
	Options any
	// Settings is a second argument: the *WaitOptions of an *AndWait helper, the *StepOptions
	// of Step, the previous *Catalog of RefreshCatalog; nil otherwise.
	Settings any
}

// Reaction answers an action. handled false passes the action on to the next reactor. result
// is what the method returns (a *openservicebrokerv1.InstancePutResp for ReplaceServiceInstance,
// the next OperationRecord for Step, the *Catalog for RefreshCatalog); response nil means
// 200 OK with result.
type Reaction func(action Action) (handled bool, result any, response *core.DetailedResponse, err error)

// ErrNotHandled is the error of a call that no reactor handled.
var ErrNotHandled = errors.New("fake: no reactor handled the call")

// Everything is the verb a reactor gives to handle every action.
const Everything = "*"

type reactor struct {
	verb     string
	reaction Reaction
}

// Client records calls and answers them through its reactors. The zero value is not usable;
// make one with NewClient. It is safe for concurrent use.
type Client struct {
	helpers *openservicebrokerv1.OpenServiceBrokerV1 // builds Options and records; never sends

	mu       sync.Mutex
	actions  []Action
	reactors []reactor
}

var (
	_ openservicebrokerv1.CatalogAPI       = (*Client)(nil)
	_ openservicebrokerv1.InstancesAPI     = (*Client)(nil)
	_ openservicebrokerv1.BindingsAPI      = (*Client)(nil)
	_ openservicebrokerv1.InstanceStateAPI = (*Client)(nil)
	_ openservicebrokerv1.LifecycleAPI     = (*Client)(nil)
)

// NewClient returns a fake with no reactor.
func NewClient() *Client {
	helpers, err := openservicebrokerv1.NewOpenServiceBrokerV1(&openservicebrokerv1.OpenServiceBrokerV1Options{
		URL: "https://fake.invalid", Authenticator: &core.NoAuthAuthenticator{},
	})
	if err != nil {
		panic(err) // a constant, valid configuration
	}
	return &Client{helpers: helpers}
}

// AddReactor adds a reaction for verb (or Everything) after those already there.
func (c *Client) AddReactor(verb string, reaction Reaction) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reactors = append(c.reactors, reactor{verb, reaction})
}

// PrependReactor adds a reaction for verb (or Everything) before those already there, so that
// it is asked first.
func (c *Client) PrependReactor(verb string, reaction Reaction) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reactors = append([]reactor{{verb, reaction}}, c.reactors...)
}

// Actions returns the calls made so far, in order.
func (c *Client) Actions() []Action {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Action(nil), c.actions...)
}

// ClearActions forgets the calls made so far.
func (c *Client) ClearActions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.actions = nil
}

// Answer is a Reaction that handles every action it is given with result and the status.
func Answer(status int, result any) Reaction {
	return func(Action) (bool, any, *core.DetailedResponse, error) {
		return true, result, &core.DetailedResponse{StatusCode: status, Result: result}, nil
	}
}

// Fail is a Reaction that handles every action it is given with err.
func Fail(err error) Reaction {
	return func(Action) (bool, any, *core.DetailedResponse, error) {
		return true, nil, nil, err
	}
}

// invoke records the action and returns the first reaction that handles it, the result as T.
func invoke[T any](c *Client, ctx context.Context, action Action) (T, *core.DetailedResponse, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, nil, err
	}
	c.mu.Lock()
	c.actions = append(c.actions, action)
	reactors := append([]reactor(nil), c.reactors...)
	c.mu.Unlock()
	for _, r := range reactors {
		if r.verb != Everything && r.verb != action.Verb {
			continue
		}
		handled, result, response, err := r.reaction(action)
		if !handled {
			continue
		}
		if response == nil && err == nil {
			response = &core.DetailedResponse{StatusCode: http.StatusOK, Result: result}
		}
		if result == nil {
			return zero, response, err
		}
		typed, ok := result.(T)
		if !ok {
			return zero, response, fmt.Errorf("fake: the reaction to %s returned a %T; %s returns a %T", action.Verb, result, action.Verb, zero)
		}
		return typed, response, err
	}
	return zero, nil, fmt.Errorf("%w: %s", ErrNotHandled, action.Verb)
}
