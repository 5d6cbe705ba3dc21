package openservicebrokerv1

import (
	"errors"
	"fmt"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
)

// Sentinels of the catalog's rules, matched by errors.Is against the *GuardError that
// CheckRequest (and a client holding a catalog, before it sends anything) returns.
var (
	// ErrUnknownService: the request names a service offering the catalog does not have.
	ErrUnknownService = errors.New("the catalog has no such service offering")
	// ErrUnknownPlan: the request names a plan the service offering does not have.
	ErrUnknownPlan = errors.New("the service offering has no such plan")
	// ErrNotBindable: a bind request for a plan that is not bindable.
	ErrNotBindable = errors.New("the plan is not bindable")
	// ErrPlanNotUpdateable: a plan change away from a plan that is not plan_updateable.
	ErrPlanNotUpdateable = errors.New("the plan does not allow plan changes")
	// ErrNotRetrievable: a GET of an instance or binding the broker does not offer to fetch.
	ErrNotRetrievable = errors.New("the service offering does not offer fetching this resource")
	// ErrNotRotatable: a bind request with predecessor_binding_id for a plan that is not binding_rotatable.
	ErrNotRotatable = errors.New("the plan does not allow binding rotation")
	// ErrContextUpdatesNotAllowed: an update that only changes the context, for an offering
	// without allow_context_updates.
	ErrContextUpdatesNotAllowed = errors.New("the service offering does not accept context-only updates")
	// ErrRouteForwardingNotDeclared: a bind request with bind_resource.route, or a binding with a
	// route_service_url, for an offering that does not declare requires route_forwarding.
	ErrRouteForwardingNotDeclared = errors.New("the service offering does not declare requires " + RequiresRouteForwarding)
	// ErrSyslogDrainNotDeclared: a binding with a syslog_drain_url for an offering that does not
	// declare requires syslog_drain.
	ErrSyslogDrainNotDeclared = errors.New("the service offering does not declare requires " + RequiresSyslogDrain)
	// ErrVolumeMountNotDeclared: a binding with volume_mounts for an offering that does not
	// declare requires volume_mount.
	ErrVolumeMountNotDeclared = errors.New("the service offering does not declare requires " + RequiresVolumeMount)
	// ErrPlatformMismatch: the originating identity names another platform than context.platform.
	ErrPlatformMismatch = errors.New("the originating identity's platform differs from context.platform")
)

// GuardError is a request refused because of what the broker's catalog says, before anything
// is sent (or, from CheckBinding, a binding answer the catalog does not allow). It matches its
// Rule with errors.Is. Find it with errors.As.
type GuardError struct {
	// Operation is the client method the request is for, such as "ReplaceServiceBinding".
	Operation string
	// Rule is the sentinel the request breaks, such as ErrNotBindable.
	Rule error
	// ServiceID and PlanID are the ids the request names, when it names them.
	ServiceID, PlanID string
	// CatalogSays is what the catalog states that the request contradicts.
	CatalogSays string
	// Hint says what to do instead.
	Hint string
	// Section is the specification's section that states the rule.
	Section string

	answer bool // the error is about the broker's answer (CheckBinding), not a request
}

func (e *GuardError) Error() string {
	outcome := "not sent"
	if e.answer {
		outcome = "the broker's answer breaks the catalog"
	}
	return fmt.Sprintf("%s: %s: %v: %s; %s (%s)", e.Operation, outcome, e.Rule, e.CatalogSays, e.Hint, e.Section)
}

// Is matches the sentinel of the rule.
func (e *GuardError) Is(target error) bool {
	return target != nil && target == e.Rule
}

// CheckRequest checks the Options of any client operation against the catalog, without
// sending anything; a client that holds the catalog (SetCatalog) runs the same checks before
// every request. It returns nil, a *GuardError (errors.Is matches its sentinel), a
// *ParametersInvalidError, or a *ParameterError for a value that is not an Options of this
// client. A parameters schema that cannot be used (*SchemaError) does not fail the check: the
// parameters go out unvalidated, since the broker may still accept them.
//
// What is checked, by operation:
//   - ReplaceServiceInstance: service and plan exist; parameters match
//     schemas.service_instance.create; the originating identity's platform is context.platform.
//   - UpdateServiceInstance: the service exists, and the plan when one is sent; a plan change
//     (plan_id differs from previous_values.plan_id) leaves a plan_updateable plan; an update that
//     only sends a context needs allow_context_updates; parameters match the
//     schemas.service_instance.update of the plan the instance ends on; identity and context agree.
//     Without previous_values.plan_id the current plan is unknown, and a plan change is not told
//     apart from a repeated plan_id.
//   - ReplaceServiceBinding: service and plan exist; the plan is bindable; predecessor_binding_id
//     needs binding_rotatable; bind_resource.route needs requires route_forwarding; parameters
//     match schemas.service_binding.create; identity and context agree.
//   - GetServiceInstance and GetServiceBinding with a service_id of the catalog: the offering has
//     instances_retrievable or bindings_retrievable.
//
// Deletions, last operation polls and IBM's state operations are never refused, and neither is
// a read naming an offering the catalog no longer has: the specification lets brokers remove
// offerings and plans that existing instances still use.
func (c *Catalog) CheckRequest(options any) error {
	return c.checkRequest(options, nil)
}

// checkRequest is CheckRequest with the originating identity the request is sent with, when
// known; nil takes the one the options set.
func (c *Catalog) checkRequest(options any, sentIdentity *string) error {
	switch o := options.(type) {
	case *ReplaceServiceInstanceOptions:
		return c.checkProvision(o, identityOf(o.OriginatingIdentity, sentIdentity))
	case *UpdateServiceInstanceOptions:
		return c.checkUpdate(o, identityOf(o.OriginatingIdentity, sentIdentity))
	case *ReplaceServiceBindingOptions:
		return c.checkBind(o, identityOf(o.OriginatingIdentity, sentIdentity))
	case *GetServiceInstanceOptions:
		return c.checkRetrievable("GetServiceInstance", o.ServiceID, o.PlanID, (*CatalogService).InstancesRetrievable,
			"instances_retrievable", "Fetching a Service Instance")
	case *GetServiceBindingOptions:
		return c.checkRetrievable("GetServiceBinding", o.ServiceID, o.PlanID, (*CatalogService).BindingsRetrievable,
			"bindings_retrievable", "Fetching a Service Binding")
	case *ListCatalogOptions, *DeleteServiceInstanceOptions, *GetLastOperationOptions, *DeleteServiceBindingOptions,
		*GetServiceBindingLastOperationOptions, *GetServiceInstanceStateOptions, *ReplaceServiceInstanceStateOptions:
		return nil
	}
	return &ParameterError{Operation: "CheckRequest", Parameter: "options",
		Problem: fmt.Sprintf("must be the Options of a client operation (such as *ReplaceServiceInstanceOptions), not %T", options)}
}

func identityOf(optionsIdentity, sentIdentity *string) string {
	if sentIdentity != nil {
		return *sentIdentity
	}
	return core.StringNilMapper(optionsIdentity)
}

func (c *Catalog) checkProvision(o *ReplaceServiceInstanceOptions, identity string) error {
	const op = "ReplaceServiceInstance"
	plan, err := c.lookupPlan(op, core.StringNilMapper(o.ServiceID), core.StringNilMapper(o.PlanID))
	if err != nil {
		return err
	}
	if err := checkPlatform(op, identity, o.Context); err != nil {
		return err
	}
	return ignoreSchemaError(plan.validateParameters(op, InstanceCreateSchema, o.Parameters))
}

func (c *Catalog) checkUpdate(o *UpdateServiceInstanceOptions, identity string) error {
	const op = "UpdateServiceInstance"
	service, err := c.lookupService(op, core.StringNilMapper(o.ServiceID))
	if err != nil {
		return err
	}
	var target, previous *CatalogPlan
	if o.PlanID != nil {
		if target, err = service.lookupPlan(op, *o.PlanID); err != nil {
			return err
		}
	}
	if o.PreviousValues != nil && o.PreviousValues.PlanID != nil {
		previous, _ = service.Plan(*o.PreviousValues.PlanID)
	}
	if target != nil && previous != nil && target != previous && !previous.PlanUpdateable() {
		return &GuardError{Operation: op, Rule: ErrPlanNotUpdateable, ServiceID: service.ID(), PlanID: previous.ID(),
			CatalogSays: fmt.Sprintf("plan %s has plan_updateable false, so its instances cannot move to plan %s", quoteText(previous.Name()), quoteText(target.Name())),
			Hint:        "update the parameters or maintenance_info only, or provision a new instance of the other plan", Section: "Updating a Service Instance"}
	}
	_, hasParameters, err := parametersInstance(op, o.Parameters)
	if err != nil {
		return err
	}
	changesPlan := target != nil && target != previous
	if o.Context != nil && !hasParameters && o.MaintenanceInfo == nil && !changesPlan && !service.AllowContextUpdates() {
		return &GuardError{Operation: op, Rule: ErrContextUpdatesNotAllowed, ServiceID: service.ID(),
			CatalogSays: fmt.Sprintf("service offering %s has allow_context_updates false, and this update only sends a context", quoteText(service.Name())),
			Hint:        "do not tell this broker about context changes", Section: "Updating a Service Instance"}
	}
	if err := checkPlatform(op, identity, o.Context); err != nil {
		return err
	}
	if endsOn := firstPlan(target, previous); endsOn != nil {
		return ignoreSchemaError(endsOn.validateParameters(op, InstanceUpdateSchema, o.Parameters))
	}
	return nil
}

func (c *Catalog) checkBind(o *ReplaceServiceBindingOptions, identity string) error {
	const op = "ReplaceServiceBinding"
	plan, err := c.lookupPlan(op, core.StringNilMapper(o.ServiceID), core.StringNilMapper(o.PlanID))
	if err != nil {
		return err
	}
	refuse := func(rule error, says, hint, section string) error {
		return &GuardError{Operation: op, Rule: rule, ServiceID: plan.service.ID(), PlanID: plan.ID(), CatalogSays: says, Hint: hint, Section: section}
	}
	if !plan.Bindable() {
		return refuse(ErrNotBindable, fmt.Sprintf("plan %s of service offering %s has bindable false", quoteText(plan.Name()), quoteText(plan.service.Name())),
			"bind only instances of bindable plans", "Binding")
	}
	if o.PredecessorBindingID != nil && !plan.BindingRotatable() {
		return refuse(ErrNotRotatable, fmt.Sprintf("plan %s has binding_rotatable false", quoteText(plan.Name())),
			"create a new binding without predecessor_binding_id and delete the old one when it is no longer used", "Binding Rotation")
	}
	if o.BindResource != nil && o.BindResource.Route != nil && !plan.service.Requires(RequiresRouteForwarding) {
		return refuse(ErrRouteForwardingNotDeclared, fmt.Sprintf("service offering %s is not a route service (requires has no %s)", quoteText(plan.service.Name()), RequiresRouteForwarding),
			"leave bind_resource.route out", "Binding, Route Services")
	}
	if err := checkPlatform(op, identity, o.Context); err != nil {
		return err
	}
	return ignoreSchemaError(plan.validateParameters(op, BindingCreateSchema, o.Parameters))
}

func (c *Catalog) checkRetrievable(op string, serviceID, planID *string, retrievable func(*CatalogService) bool, flagName, section string) error {
	if serviceID == nil {
		return nil
	}
	service, ok := c.Service(*serviceID)
	if !ok || retrievable(service) {
		return nil
	}
	return &GuardError{Operation: op, Rule: ErrNotRetrievable, ServiceID: service.ID(), PlanID: core.StringNilMapper(planID),
		CatalogSays: fmt.Sprintf("service offering %s has %s false", quoteText(service.Name()), flagName),
		Hint:        "keep what the provision or bind answer returned instead of fetching it", Section: section}
}

// CheckBinding checks a bind answer against the catalog: a syslog_drain_url, route_service_url
// or volume_mounts is only valid when the service offering declares the matching requires
// (syslog_drain, route_forwarding, volume_mount); otherwise the specification lets the platform
// consider the answer invalid. It returns nil, or a *GuardError matching
// ErrSyslogDrainNotDeclared, ErrRouteForwardingNotDeclared or ErrVolumeMountNotDeclared.
func (c *Catalog) CheckBinding(serviceID string, binding *BindingPutResp) error {
	const op = "CheckBinding"
	service, err := c.lookupService(op, serviceID)
	if err != nil || binding == nil {
		return err
	}
	for _, field := range []struct {
		present    bool
		name       string
		permission string
		rule       error
	}{
		{binding.SyslogDrainURL != nil, "syslog_drain_url", RequiresSyslogDrain, ErrSyslogDrainNotDeclared},
		{binding.RouteServiceURL != nil, "route_service_url", RequiresRouteForwarding, ErrRouteForwardingNotDeclared},
		{len(binding.VolumeMounts) > 0, "volume_mounts", RequiresVolumeMount, ErrVolumeMountNotDeclared},
	} {
		if field.present && !service.Requires(field.permission) {
			return &GuardError{Operation: op, Rule: field.rule, ServiceID: service.ID(), answer: true,
				CatalogSays: fmt.Sprintf("the binding has %s, but service offering %s does not declare requires %s", field.name, quoteText(service.Name()), field.permission),
				Hint:        "do not use the binding's " + field.name + "; the broker must declare the permission or leave the field out", Section: "Binding, Body"}
		}
	}
	return nil
}

// lookupPlan finds the plan a request names or says why it cannot.
func (c *Catalog) lookupPlan(op, serviceID, planID string) (*CatalogPlan, error) {
	service, err := c.lookupService(op, serviceID)
	if err != nil {
		return nil, err
	}
	return service.lookupPlan(op, planID)
}

func (c *Catalog) lookupService(op, serviceID string) (*CatalogService, error) {
	if service, ok := c.Service(serviceID); ok {
		return service, nil
	}
	return nil, &GuardError{Operation: op, Rule: ErrUnknownService, ServiceID: serviceID,
		CatalogSays: fmt.Sprintf("no service offering has id %s (the catalog has %s)", quoteText(serviceID), c.serviceIDList()),
		Hint:        "use the id of a service offering of the broker's current catalog", Section: sectionCatalogManagement}
}

func (s *CatalogService) lookupPlan(op, planID string) (*CatalogPlan, error) {
	if plan, ok := s.Plan(planID); ok {
		return plan, nil
	}
	return nil, &GuardError{Operation: op, Rule: ErrUnknownPlan, ServiceID: s.ID(), PlanID: planID,
		CatalogSays: fmt.Sprintf("service offering %s has no plan with id %s", quoteText(s.Name()), quoteText(planID)),
		Hint:        "use the id of one of the offering's plans in the broker's current catalog", Section: sectionCatalogManagement}
}

// serviceIDList names a few of the catalog's service ids for an error message.
func (c *Catalog) serviceIDList() string {
	const shown = 5
	var ids []string
	for _, service := range c.services[:min(len(c.services), shown)] {
		ids = append(ids, quoteText(service.ID()))
	}
	if len(c.services) > shown {
		ids = append(ids, fmt.Sprintf("and %d more", len(c.services)-shown))
	}
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// checkPlatform rejects an originating identity whose platform is not context.platform
// (Headers, Originating Identity: the two MUST be the same when context is sent).
func checkPlatform(op, identity string, context *Context) error {
	if identity == "" || context == nil || context.Platform == nil || *context.Platform == "" {
		return nil
	}
	platform, _, _ := strings.Cut(identity, " ")
	if platform == *context.Platform {
		return nil
	}
	return &GuardError{Operation: op, Rule: ErrPlatformMismatch,
		CatalogSays: fmt.Sprintf("the originating identity is from platform %s, the context from platform %s", quoteText(platform), quoteText(*context.Platform)),
		Hint:        "send the identity and the context of the same platform", Section: "Headers, Originating Identity"}
}

// ignoreSchemaError lets a request go out unvalidated when the broker's schema cannot be used.
func ignoreSchemaError(err error) error {
	if errors.Is(err, ErrSchemaUnusable) {
		return nil
	}
	return err
}

func firstPlan(plans ...*CatalogPlan) *CatalogPlan {
	for _, plan := range plans {
		if plan != nil {
			return plan
		}
	}
	return nil
}
