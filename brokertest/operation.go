package brokertest

import (
	"fmt"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// OperationKind names a mutating OSB operation.
type OperationKind string

// The operations the broker performs, synchronously or asynchronously.
const (
	OperationProvision   OperationKind = "provision"
	OperationUpdate      OperationKind = "update"
	OperationDeprovision OperationKind = "deprovision"
	OperationBind        OperationKind = "bind"
	OperationUnbind      OperationKind = "unbind"
)

func (k OperationKind) valid() bool {
	switch k {
	case OperationProvision, OperationUpdate, OperationDeprovision, OperationBind, OperationUnbind:
		return true
	}
	return false
}

// LastOperation describes the latest operation on an instance or binding.
type LastOperation struct {
	ID    string // the operation id sent in 202 answers and accepted by last_operation
	Kind  OperationKind
	State domain.LastOperationState
}

// operation is one run of an OperationKind on an instance or binding.
type operation struct {
	id        string
	kind      OperationKind
	state     domain.LastOperationState
	startedAt time.Time
	polls     int        // last_operation polls answered "in progress" so far
	fail      bool       // the operation ends "failed"
	request   attributes // what the request that started it asked for
}

func (op *operation) inProgress() bool { return op.state == domain.InProgress }

func (op *operation) view() LastOperation {
	return LastOperation{ID: op.id, Kind: op.kind, State: op.state}
}

func (op *operation) lastOperation() domain.LastOperation {
	return domain.LastOperation{State: op.state, Description: fmt.Sprintf("%s %s", op.kind, op.state)}
}

// operationLog keeps the operations of one instance or binding, so that last_operation can
// answer for any operation id it handed out.
type operationLog struct {
	current *operation
	byID    map[string]*operation
}

func (l *operationLog) add(op *operation) {
	if l.byID == nil {
		l.byID = map[string]*operation{}
	}
	l.byID[op.id] = op
	l.current = op
}

// inFlight returns the operation in progress, if any.
func (l *operationLog) inFlight() *operation {
	if l.current != nil && l.current.inProgress() {
		return l.current
	}
	return nil
}

// find returns the operation with the given id, or the latest one when id is empty.
func (l *operationLog) find(id string) (*operation, error) {
	if id == "" {
		return l.current, nil
	}
	if op, ok := l.byID[id]; ok {
		return op, nil
	}
	return nil, badRequest(fmt.Sprintf("unknown operation %q; use the operation returned by the 202 answer", id))
}

// asyncBehavior decides which operations are asynchronous and how they end.
type asyncBehavior struct {
	polls         int
	duration      time.Duration
	asyncPlans    map[string]bool
	asyncBindings bool
	failing       map[OperationKind]bool
}

func (a asyncBehavior) instanceOpsAsync(planID string) bool { return a.asyncPlans[planID] }

func (a asyncBehavior) bindingOpsAsync(planID string) bool {
	return a.asyncBindings && a.asyncPlans[planID]
}

// due reports whether an operation in progress has met its polls and its duration.
func (a asyncBehavior) due(op *operation, now time.Time) bool {
	return op.polls >= a.polls && now.Sub(op.startedAt) >= a.duration
}
