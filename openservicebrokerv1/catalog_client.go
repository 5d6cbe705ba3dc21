package openservicebrokerv1

import (
	"sync/atomic"
)

// heldCatalog is the catalog a client applies. It is swapped atomically, so RefreshCatalog
// followed by SetCatalog may run while requests are in flight.
type heldCatalog struct {
	value atomic.Value // *Catalog
}

// SetCatalog makes the client apply the catalog's rules before it sends any request (the checks
// of Catalog.CheckRequest: a refused request returns its error and nothing is sent), and lets its
// waiters poll an instance for as long as its plan's maximum_polling_duration when the wait options
// set no MaximumPollingDuration. nil removes the catalog; without one, no rule is applied. Safe to
// call while requests are in flight: each request uses the catalog held when it started.
func (openServiceBroker *OpenServiceBrokerV1) SetCatalog(catalog *Catalog) {
	openServiceBroker.catalog.value.Store(catalog)
}

// Catalog returns the catalog the client applies; nil when it holds none.
func (openServiceBroker *OpenServiceBrokerV1) Catalog() *Catalog {
	catalog, _ := openServiceBroker.catalog.value.Load().(*Catalog)
	return catalog
}

// replaceCatalog installs fresh if the client still holds old, and leaves it alone otherwise (it
// holds none, or another caller installed a catalog in the meantime).
func (openServiceBroker *OpenServiceBrokerV1) replaceCatalog(old, fresh *Catalog) {
	if old != nil && fresh != nil {
		openServiceBroker.catalog.value.CompareAndSwap(old, fresh)
	}
}

// checkAgainstCatalog applies the held catalog's rules to the Options of a request about to be
// sent; identity is the X-Broker-API-Originating-Identity it carries ("" for none).
func (openServiceBroker *OpenServiceBrokerV1) checkAgainstCatalog(options any, identity string) error {
	catalog := openServiceBroker.Catalog()
	if catalog == nil {
		return nil
	}
	return catalog.checkRequest(options, &identity)
}

// withCatalogPollingLimit gives a wait on an instance of the plan the plan's
// maximum_polling_duration from the held catalog, unless the wait options set their own.
func (openServiceBroker *OpenServiceBrokerV1) withCatalogPollingLimit(wait WaitOptions, serviceID, planID *string) WaitOptions {
	catalog := openServiceBroker.Catalog()
	if catalog == nil || wait.MaximumPollingDuration != nil || serviceID == nil || planID == nil {
		return wait
	}
	if plan, ok := catalog.Plan(*serviceID, *planID); ok {
		if _, ok := plan.MaximumPollingDuration(); ok {
			wait.MaximumPollingDuration = plan.plan.MaximumPollingDuration
		}
	}
	return wait
}
