package brokertest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
)

// FaultKind is a kind of fault WithRandomFaults and SetRandomFaults choose from.
type FaultKind string

// The kinds of random faults.
const (
	// FaultUnavailable answers 503 Service Unavailable.
	FaultUnavailable FaultKind = "unavailable"
	// FaultTooManyRequests answers 429 Too Many Requests with a Retry-After header.
	FaultTooManyRequests FaultKind = "too-many-requests"
	// FaultDropBeforeBroker drops the connection before the broker sees the request.
	FaultDropBeforeBroker FaultKind = "drop-before"
	// FaultDropAfterBroker drops the connection after the broker acted on the request.
	FaultDropAfterBroker FaultKind = "drop-after"
)

// AllFaultKinds lists every FaultKind.
var AllFaultKinds = []FaultKind{FaultUnavailable, FaultTooManyRequests, FaultDropBeforeBroker, FaultDropAfterBroker}

// randomFaults answers a fraction of requests with a fault. Its owner serialises the calls.
type randomFaults struct {
	rate       float64
	kinds      []FaultKind
	retryAfter int
	rng        *rand.Rand
}

func (rf *randomFaults) configure(rate float64, seed int64, kinds []FaultKind) error {
	if rate < 0 || rate > 1 {
		return fmt.Errorf("%w: rate %v is not between 0 and 1", ErrInvalidFault, rate)
	}
	if len(kinds) == 0 {
		kinds = AllFaultKinds
	}
	for _, k := range kinds {
		if !slices.Contains(AllFaultKinds, k) {
			return fmt.Errorf("%w: unknown fault kind %q", ErrInvalidFault, k)
		}
	}
	rf.rate = rate
	rf.kinds = slices.Clone(kinds)
	rf.rng = rand.New(rand.NewPCG(uint64(seed), 0))
	return nil
}

// draw decides, with probability rate, on a fault for the next request.
func (rf *randomFaults) draw() (Fault, bool) {
	if rf.rate == 0 || rf.rng.Float64() >= rf.rate {
		return Fault{}, false
	}
	return rf.fault(rf.kinds[rf.rng.IntN(len(rf.kinds))]), true
}

func (rf *randomFaults) fault(kind FaultKind) Fault {
	switch kind {
	case FaultUnavailable:
		return Fault{Status: http.StatusServiceUnavailable, Body: errorBody("injected fault: service unavailable")}
	case FaultTooManyRequests:
		return Fault{
			Status: http.StatusTooManyRequests,
			Body:   errorBody("injected fault: too many requests"),
			Header: http.Header{"Retry-After": {strconv.Itoa(rf.retryAfter)}},
		}
	case FaultDropBeforeBroker:
		return Fault{Drop: DropBeforeBroker}
	default:
		return Fault{Drop: DropAfterBroker}
	}
}
