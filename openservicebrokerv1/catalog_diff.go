package openservicebrokerv1

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"github.com/osbkit/osb-go-sdk/internal/secret"
)

// CatalogDiff is what changed from one catalog to the next, by the ids of service offerings and
// plans: what a platform needs to update its marketplace. A plan that is removed while instances
// still use it is for the platform to deactivate rather than delete (it can no longer be
// provisioned, but its instances remain), which is why RemovedPlans lists every plan that is gone,
// those of removed offerings included; AddedPlans likewise lists the plans of added offerings.
type CatalogDiff struct {
	AddedServices   []ServiceRef    `json:"added_services,omitempty"`
	RemovedServices []ServiceRef    `json:"removed_services,omitempty"`
	ChangedServices []ServiceChange `json:"changed_services,omitempty"`
	AddedPlans      []PlanRef       `json:"added_plans,omitempty"`
	RemovedPlans    []PlanRef       `json:"removed_plans,omitempty"`
	ChangedPlans    []PlanChange    `json:"changed_plans,omitempty"`
}

// ServiceRef names a service offering.
type ServiceRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// PlanRef names a plan and its offering.
type PlanRef struct {
	ServiceID string `json:"service_id"`
	ID        string `json:"id"`
	Name      string `json:"name"`
}

// ServiceChange lists the changed fields of an offering present in both catalogs; its plans are
// compared on their own (ChangedPlans).
type ServiceChange struct {
	ServiceRef
	Changes []FieldChange `json:"changes"`
}

// PlanChange lists the changed fields of a plan present in both catalogs. A plan's bindable and
// plan_updateable are compared as in effect: the plan's own value, else its offering's.
type PlanChange struct {
	PlanRef
	Changes []FieldChange `json:"changes"`
}

// FieldChange is one changed field: its JSON pointer (RFC 6901) within the offering or plan
// object, and its JSON value before and after (nil when absent). The values of
// dashboard_client.secret are masked. Objects are compared field by field, arrays as a whole.
type FieldChange struct {
	Pointer string          `json:"pointer"`
	Old     json.RawMessage `json:"old,omitempty"`
	New     json.RawMessage `json:"new,omitempty"`
	// PlatformActs marks the fields a platform acts on: bindable, plan_updateable, schemas,
	// maintenance_info version and maximum_polling_duration. They come first, in that order.
	PlatformActs bool `json:"platform_acts,omitempty"`
}

// Empty reports whether nothing changed.
func (d *CatalogDiff) Empty() bool {
	return len(d.AddedServices)+len(d.RemovedServices)+len(d.ChangedServices)+
		len(d.AddedPlans)+len(d.RemovedPlans)+len(d.ChangedPlans) == 0
}

// DiffCatalogs compares two catalogs. A nil old catalog has nothing (every offering and plan of
// the new one is added), and so has a nil new one. Lists follow the order of the catalog that has
// the entries (the new one for added and changed, the old one for removed).
func DiffCatalogs(old, new *Catalog) *CatalogDiff {
	diff := &CatalogDiff{}
	for _, service := range servicesOf(new) {
		before, found := lookupService(old, service.ID())
		if !found {
			diff.AddedServices = append(diff.AddedServices, serviceRef(service))
			diff.AddedPlans = append(diff.AddedPlans, planRefs(service.Plans())...)
			continue
		}
		if changes := diffObjects(serviceObject(before), serviceObject(service)); len(changes) > 0 {
			diff.ChangedServices = append(diff.ChangedServices, ServiceChange{ServiceRef: serviceRef(service), Changes: changes})
		}
		diff.comparePlans(before, service)
	}
	for _, service := range servicesOf(old) {
		if _, found := lookupService(new, service.ID()); !found {
			diff.RemovedServices = append(diff.RemovedServices, serviceRef(service))
			diff.RemovedPlans = append(diff.RemovedPlans, planRefs(service.Plans())...)
		}
	}
	return diff
}

// comparePlans adds the plans added, removed and changed within an offering found in both catalogs.
func (d *CatalogDiff) comparePlans(before, after *CatalogService) {
	for _, plan := range after.Plans() {
		previous, found := before.Plan(plan.ID())
		if !found {
			d.AddedPlans = append(d.AddedPlans, planRef(plan))
			continue
		}
		if changes := diffObjects(planObject(previous), planObject(plan)); len(changes) > 0 {
			d.ChangedPlans = append(d.ChangedPlans, PlanChange{PlanRef: planRef(plan), Changes: changes})
		}
	}
	for _, plan := range before.Plans() {
		if _, found := after.Plan(plan.ID()); !found {
			d.RemovedPlans = append(d.RemovedPlans, planRef(plan))
		}
	}
}

// RefreshCatalogDiff is RefreshCatalog returning what changed since previous (DiffCatalogs)
// instead of whether it did: an empty diff when the broker answered 304 Not Modified or sent the
// same catalog, everything added when previous is nil.
func (openServiceBroker *OpenServiceBrokerV1) RefreshCatalogDiff(ctx context.Context, previous *Catalog) (catalog *Catalog, diff *CatalogDiff, err error) {
	catalog, changed, err := openServiceBroker.RefreshCatalog(ctx, previous)
	if err != nil {
		return nil, nil, err
	}
	if !changed {
		return catalog, &CatalogDiff{}, nil
	}
	return catalog, DiffCatalogs(previous, catalog), nil
}

func servicesOf(catalog *Catalog) []*CatalogService {
	if catalog == nil {
		return nil
	}
	return catalog.Services()
}

func lookupService(catalog *Catalog, id string) (*CatalogService, bool) {
	if catalog == nil {
		return nil, false
	}
	return catalog.Service(id)
}

func serviceRef(service *CatalogService) ServiceRef {
	return ServiceRef{ID: service.ID(), Name: service.Name()}
}

func planRef(plan *CatalogPlan) PlanRef {
	return PlanRef{ServiceID: plan.Service().ID(), ID: plan.ID(), Name: plan.Name()}
}

func planRefs(plans []*CatalogPlan) []PlanRef {
	refs := make([]PlanRef, len(plans))
	for i, plan := range plans {
		refs[i] = planRef(plan)
	}
	return refs
}

// serviceObject is the offering as JSON values, without its plans.
func serviceObject(service *CatalogService) map[string]any {
	object := jsonObject(service.Service())
	delete(object, "plans")
	return object
}

// planObject is the plan as JSON values, bindable and plan_updateable as in effect.
func planObject(plan *CatalogPlan) map[string]any {
	object := jsonObject(plan.Plan())
	object["bindable"] = plan.Bindable()
	object["plan_updateable"] = plan.PlanUpdateable()
	return object
}

// jsonObject turns a model of an indexed catalog into JSON values; such a model always encodes
// as an object (its raw schemas were valid JSON when decoded).
func jsonObject(model any) map[string]any {
	encoded, _ := json.Marshal(model)
	decoder := json.NewDecoder(bytes.NewReader(encoded))
	decoder.UseNumber()
	object := map[string]any{}
	_ = decoder.Decode(&object)
	return object
}

// diffObjects lists the changed fields of two JSON objects, the fields a platform acts on first.
func diffObjects(old, new map[string]any) []FieldChange {
	var changes []FieldChange
	diffValues("", old, new, &changes)
	slices.SortStableFunc(changes, func(a, b FieldChange) int {
		if pa, pb := actionRank(a.Pointer), actionRank(b.Pointer); pa != pb {
			return pa - pb
		}
		return strings.Compare(a.Pointer, b.Pointer)
	})
	return changes
}

// diffValues compares two JSON values at pointer: objects field by field, anything else as a whole.
func diffValues(pointer string, old, new any, changes *[]FieldChange) {
	oldObject, oldIsObject := old.(map[string]any)
	newObject, newIsObject := new.(map[string]any)
	if !oldIsObject || !newIsObject {
		if !reflect.DeepEqual(old, new) {
			*changes = append(*changes, fieldChange(pointer, old, new))
		}
		return
	}
	for key, before := range oldObject {
		after, kept := newObject[key]
		if !kept {
			*changes = append(*changes, fieldChange(pointer+"/"+escapePointer(key), before, nil))
			continue
		}
		diffValues(pointer+"/"+escapePointer(key), before, after, changes)
	}
	for key, after := range newObject {
		if _, existed := oldObject[key]; !existed {
			*changes = append(*changes, fieldChange(pointer+"/"+escapePointer(key), nil, after))
		}
	}
}

const dashboardSecretPointer = "/dashboard_client/secret"

func fieldChange(pointer string, old, new any) FieldChange {
	change := FieldChange{Pointer: pointer, Old: rawJSON(old), New: rawJSON(new), PlatformActs: actionRank(pointer) < len(platformActions)}
	if pointer == dashboardSecretPointer || strings.HasPrefix(dashboardSecretPointer, pointer+"/") {
		change.Old, change.New = maskedJSON(change.Old), maskedJSON(change.New)
	}
	return change
}

func rawJSON(value any) json.RawMessage {
	if value == nil {
		return nil
	}
	encoded, _ := json.Marshal(value)
	return encoded
}

func maskedJSON(value json.RawMessage) json.RawMessage {
	if value == nil {
		return nil
	}
	return json.RawMessage(`"` + secret.Masked + `"`)
}

// platformActions are the pointers a platform acts on, in the order a diff lists them; a
// pointer below one of them (a field inside the schemas) ranks with it.
var platformActions = []string{"/bindable", "/plan_updateable", "/schemas", "/maintenance_info/version", "/maximum_polling_duration"}

func actionRank(pointer string) int {
	for rank, action := range platformActions {
		// maintenance_info added or removed as a whole changes its version too.
		if pointer == action || strings.HasPrefix(pointer, action+"/") || (pointer == "/maintenance_info" && action == "/maintenance_info/version") {
			return rank
		}
	}
	return len(platformActions)
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}
