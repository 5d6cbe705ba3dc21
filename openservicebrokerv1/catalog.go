package openservicebrokerv1

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1/cataloglint"
)

// Catalog is a broker's catalog indexed for the rules the specification attaches to it: lookups
// of services and plans by id and by name, the effective value of every flag a plan inherits from
// its service offering or that has a default, the plans' parameter schemas compiled on first use,
// and the checks of a request against all of it (CheckRequest). Build it with NewCatalog, or let
// RefreshCatalog fetch it. A Catalog never changes once built and is safe for concurrent use.
type Catalog struct {
	response      *BrokerCatalogResp
	services      []*CatalogService
	serviceByID   map[string]*CatalogService
	serviceByName map[string]*CatalogService
	// validators, from the answer that carried the catalog, for a conditional refresh
	etag, lastModified string
}

// CatalogService is a service offering of a Catalog.
type CatalogService struct {
	service    *Service
	plans      []*CatalogPlan
	planByID   map[string]*CatalogPlan
	planByName map[string]*CatalogPlan
}

// CatalogPlan is a plan of a Catalog, with the flags it has in effect.
type CatalogPlan struct {
	plan    *Plan
	service *CatalogService
	schemas [schemaKinds]compiledSchema
}

// CatalogError reports a catalog that NewCatalog cannot index: each finding is a required field
// that is missing or an id or name that is not unique, with its place in the catalog
// (cataloglint.Unusable).
type CatalogError struct {
	Findings []cataloglint.Finding
}

func (e *CatalogError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the broker's catalog cannot be used (%d problem", len(e.Findings))
	if len(e.Findings) != 1 {
		b.WriteString("s")
	}
	b.WriteString("); the broker must fix it:")
	for _, finding := range e.Findings {
		b.WriteString("\n  ")
		b.WriteString(finding.String())
	}
	return b.String()
}

// NewCatalog indexes a catalog. It fails with a *CatalogError listing every problem that makes
// the catalog unusable (cataloglint.Unusable: a missing id, name, description, bindable or
// plans, a duplicate service or plan id, a duplicate service name, a duplicate plan name within
// a service). Other findings do not stop it; see cataloglint.Lint.
// The catalog keeps resp: do not change it afterwards.
func NewCatalog(resp *BrokerCatalogResp) (*Catalog, error) {
	if resp == nil {
		return nil, &CatalogError{Findings: []cataloglint.Finding{{ID: cataloglint.FindingCatalogMissing, Section: sectionCatalogBody, Level: cataloglint.LevelMust,
			Message: "there is no catalog (nil); pass the result of ListCatalog"}}}
	}
	if blocking := cataloglint.Unusable(lintView(resp)); len(blocking) > 0 {
		return nil, &CatalogError{Findings: blocking}
	}
	catalog := &Catalog{response: resp, serviceByID: map[string]*CatalogService{}, serviceByName: map[string]*CatalogService{}}
	for i := range resp.Services {
		service := &resp.Services[i]
		indexed := &CatalogService{service: service, planByID: map[string]*CatalogPlan{}, planByName: map[string]*CatalogPlan{}}
		for j := range service.Plans {
			plan := &CatalogPlan{plan: &service.Plans[j], service: indexed}
			indexed.plans = append(indexed.plans, plan)
			indexed.planByID[*plan.plan.ID] = plan
			indexed.planByName[*plan.plan.Name] = plan
		}
		catalog.services = append(catalog.services, indexed)
		catalog.serviceByID[*service.ID] = indexed
		catalog.serviceByName[*service.Name] = indexed
	}
	return catalog, nil
}

// Response returns the catalog as the broker sent it.
func (c *Catalog) Response() *BrokerCatalogResp {
	return c.response
}

// ETag returns the ETag of the answer that carried the catalog; empty when there was none.
func (c *Catalog) ETag() string {
	return c.etag
}

// LastModified returns the Last-Modified of the answer that carried the catalog; empty when
// there was none.
func (c *Catalog) LastModified() string {
	return c.lastModified
}

// Services returns the service offerings in the broker's order.
func (c *Catalog) Services() []*CatalogService {
	return c.services
}

// Service looks a service offering up by id.
func (c *Catalog) Service(id string) (*CatalogService, bool) {
	service, ok := c.serviceByID[id]
	return service, ok
}

// ServiceByName looks a service offering up by name; names are case-sensitive.
func (c *Catalog) ServiceByName(name string) (*CatalogService, bool) {
	service, ok := c.serviceByName[name]
	return service, ok
}

// Plan looks a plan up by its service offering's id and its own id.
func (c *Catalog) Plan(serviceID, planID string) (*CatalogPlan, bool) {
	service, ok := c.serviceByID[serviceID]
	if !ok {
		return nil, false
	}
	return service.Plan(planID)
}

// PlanByName looks a plan up by name within the service offering that service names, by
// name or else by id, the way users type them on a command line.
func (c *Catalog) PlanByName(service, planName string) (*CatalogPlan, bool) {
	offering, ok := c.serviceByName[service]
	if !ok {
		if offering, ok = c.serviceByID[service]; !ok {
			return nil, false
		}
	}
	return offering.PlanByName(planName)
}

// Service returns the service offering as the broker sent it.
func (s *CatalogService) Service() *Service {
	return s.service
}

// ID returns the id of the service offering.
func (s *CatalogService) ID() string {
	return *s.service.ID
}

// Name returns the name of the service offering.
func (s *CatalogService) Name() string {
	return *s.service.Name
}

// Plans returns the plans in the broker's order.
func (s *CatalogService) Plans() []*CatalogPlan {
	return s.plans
}

// Plan looks a plan of the offering up by id.
func (s *CatalogService) Plan(id string) (*CatalogPlan, bool) {
	plan, ok := s.planByID[id]
	return plan, ok
}

// PlanByName looks a plan of the offering up by name; names are case-sensitive.
func (s *CatalogService) PlanByName(name string) (*CatalogPlan, bool) {
	plan, ok := s.planByName[name]
	return plan, ok
}

// Requires reports whether the offering declares permission in requires
// (RequiresSyslogDrain, RequiresRouteForwarding or RequiresVolumeMount).
func (s *CatalogService) Requires(permission string) bool {
	return slices.Contains(s.service.Requires, permission)
}

// InstancesRetrievable reports whether the broker offers GET on the offering's instances
// (Catalog Management, Service Offering Object; false when left out).
func (s *CatalogService) InstancesRetrievable() bool {
	return flag(s.service.InstancesRetrievable, nil, false)
}

// BindingsRetrievable reports whether the broker offers GET on the offering's bindings
// (Catalog Management, Service Offering Object; false when left out).
func (s *CatalogService) BindingsRetrievable() bool {
	return flag(s.service.BindingsRetrievable, nil, false)
}

// AllowContextUpdates reports whether the platform may send an update that carries only a
// changed context (Updating a Service Instance; false when left out).
func (s *CatalogService) AllowContextUpdates() bool {
	return flag(s.service.AllowContextUpdates, nil, false)
}

// The permissions a service offering can declare in requires (Catalog Management, Service
// Offering Object).
const (
	RequiresSyslogDrain     = "syslog_drain"
	RequiresRouteForwarding = "route_forwarding"
	RequiresVolumeMount     = "volume_mount"
)

// Plan returns the plan as the broker sent it.
func (p *CatalogPlan) Plan() *Plan {
	return p.plan
}

// Service returns the plan's service offering.
func (p *CatalogPlan) Service() *CatalogService {
	return p.service
}

// ID returns the id of the plan.
func (p *CatalogPlan) ID() string {
	return *p.plan.ID
}

// Name returns the name of the plan.
func (p *CatalogPlan) Name() string {
	return *p.plan.Name
}

// Bindable reports whether instances of the plan can be bound: the plan's bindable, else its
// offering's (Catalog Management, Service Plan Object).
func (p *CatalogPlan) Bindable() bool {
	return flag(p.plan.Bindable, p.service.service.Bindable, false)
}

// PlanUpdateable reports whether an instance of the plan can move to another plan: the plan's
// plan_updateable, else its offering's, else false (Catalog Management, Service Plan Object).
func (p *CatalogPlan) PlanUpdateable() bool {
	return flag(p.plan.PlanUpdateable, p.service.service.PlanUpdateable, false)
}

// BindingRotatable reports whether bindings of the plan can be rotated with
// predecessor_binding_id: the plan's binding_rotatable, else its offering's, else false
// (Catalog Management, Service Plan Object; Binding Rotation).
func (p *CatalogPlan) BindingRotatable() bool {
	return flag(p.plan.BindingRotatable, p.service.service.BindingRotatable, false)
}

// InstancesRetrievable is the offering's instances_retrievable, which holds for all its plans.
func (p *CatalogPlan) InstancesRetrievable() bool {
	return p.service.InstancesRetrievable()
}

// BindingsRetrievable is the offering's bindings_retrievable, which holds for all its plans.
func (p *CatalogPlan) BindingsRetrievable() bool {
	return p.service.BindingsRetrievable()
}

// AllowContextUpdates is the offering's allow_context_updates, which holds for all its plans.
func (p *CatalogPlan) AllowContextUpdates() bool {
	return p.service.AllowContextUpdates()
}

// MaximumPollingDuration returns the plan's maximum_polling_duration, the longest the platform
// should poll an operation on an instance of the plan (Polling Interval and Duration). ok is
// false when the plan sets none, or sets one that is not a positive number of seconds.
func (p *CatalogPlan) MaximumPollingDuration() (limit time.Duration, ok bool) {
	seconds := p.plan.MaximumPollingDuration
	if seconds == nil || *seconds <= 0 {
		return 0, false
	}
	return secondsToDuration(*seconds), true
}

// MaintenanceInfo returns the plan's maintenance_info, the level new and upgraded instances get;
// nil when the plan has none.
func (p *CatalogPlan) MaintenanceInfo() *MaintenanceInfo {
	return p.plan.MaintenanceInfo
}

// flag is the first of plan and service that is set, else the default.
func flag(plan, service *bool, fallback bool) bool {
	switch {
	case plan != nil:
		return *plan
	case service != nil:
		return *service
	}
	return fallback
}

// compiledSchema is one parameters schema of a plan, compiled on first use.
type compiledSchema struct {
	once      sync.Once
	validator parametersValidator
}
