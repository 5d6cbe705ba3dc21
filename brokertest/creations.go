package brokertest

import "slices"

// Creation is one instance or binding the broker created, as returned by Server.Creations. A
// replayed request that the broker answers with what exists creates nothing; an id created
// again after it was removed is a second Creation. With them a test proves that a platform
// created nothing twice and that every set of credentials the broker issued reached it.
type Creation struct {
	InstanceID string
	// BindingID is empty for an instance.
	BindingID string
	// Username is the login of a binding's credentials, to match against what the platform
	// received; empty for an instance.
	Username string
}

// Creations returns every instance and binding the broker created, in order, including those
// removed since.
func (s *Server) Creations() []Creation {
	s.backend.mu.Lock()
	defer s.backend.mu.Unlock()
	return slices.Clone(s.backend.creations)
}

// CreatedTwice counts the creations of ids the broker had created before.
func CreatedTwice(creations []Creation) int {
	seen := make(map[Creation]bool, len(creations))
	twice := 0
	for _, c := range creations {
		id := Creation{InstanceID: c.InstanceID, BindingID: c.BindingID}
		if seen[id] {
			twice++
		}
		seen[id] = true
	}
	return twice
}
