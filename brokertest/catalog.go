package brokertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// Identifiers of the default catalog.
const (
	// DefaultServiceID is the id of the default catalog's only service, a bindable database.
	DefaultServiceID = "3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30"
	// DefaultSyncPlanID is the id of its plan whose operations all complete synchronously.
	DefaultSyncPlanID = "a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09"
	// DefaultAsyncPlanID is the id of its plan whose instance operations are asynchronous only.
	DefaultAsyncPlanID = "d7e29b45-0c3f-4a18-b6d2-9e5f1a7c3b84"
)

// DefaultCatalog returns the catalog a Server offers unless WithCatalog replaces it: one
// bindable, retrievable, updatable service with a synchronous and an asynchronous-only plan.
// Both plans declare parameters schemas (JSON Schema draft-07, with defaults and examples) for
// instances (size_gb, an integer from 1 to 1024) and bindings (role, reader or writer), and
// maintenance_info version 1.0.0; the synchronous plan's bindings are rotatable (see
// WithRotatableBindings).
func DefaultCatalog() []domain.Service {
	return []domain.Service{{
		ID:                   DefaultServiceID,
		Name:                 "brokertest-db",
		Description:          "An in-memory database offered by the brokertest broker",
		Bindable:             true,
		InstancesRetrievable: true,
		BindingsRetrievable:  true,
		PlanUpdatable:        true,
		Tags:                 []string{"database", "test"},
		Metadata: &domain.ServiceMetadata{
			DisplayName:         "Brokertest DB",
			ProviderDisplayName: "osb-go-sdk",
			LongDescription:     "A database that lives in the memory of the test broker.",
		},
		Plans: []domain.ServicePlan{
			defaultPlan(DefaultSyncPlanID, "small", "Provisioned synchronously"),
			defaultPlan(DefaultAsyncPlanID, "large", "Provisioned asynchronously; needs accepts_incomplete=true"),
		},
	}}
}

func defaultPlan(id, name, description string) domain.ServicePlan {
	instanceSchema := domain.Schema{Parameters: parametersSchema("size_gb", map[string]any{
		"type": "integer", "minimum": 1, "maximum": 1024, "default": 10, "examples": []any{10, 100},
		"description": "Size of the database in GB",
	})}
	return domain.ServicePlan{
		ID:          id,
		Name:        name,
		Description: description,
		Free:        domain.FreeValue(true),
		Bindable:    domain.BindableValue(true),
		Metadata:    &domain.ServicePlanMetadata{DisplayName: name, Bullets: []string{description}},
		Schemas: &domain.ServiceSchemas{
			Instance: domain.ServiceInstanceSchema{Create: instanceSchema, Update: instanceSchema},
			Binding: domain.ServiceBindingSchema{Create: domain.Schema{Parameters: parametersSchema("role", map[string]any{
				"type": "string", "enum": []any{"reader", "writer"}, "default": "reader", "examples": []any{"reader"},
				"description": "What the binding's credentials may do",
			})}},
		},
		MaintenanceInfo: &domain.MaintenanceInfo{Version: "1.0.0", Description: "initial release"},
	}
}

// parametersSchema is an object schema with one property; other properties are allowed.
func parametersSchema(property string, schema map[string]any) map[string]any {
	return map[string]any{
		"$schema":    "http://json-schema.org/draft-07/schema#",
		"type":       "object",
		"properties": map[string]any{property: schema},
	}
}

// ParseCatalog reads a catalog in the form GET /v2/catalog answers: {"services": [...]}.
func ParseCatalog(data []byte) ([]domain.Service, error) {
	var doc struct {
		Services []domain.Service `json:"services"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("catalog is not valid JSON of the form {\"services\": [...]}: %w", err)
	}
	if err := validateCatalog(doc.Services); err != nil {
		return nil, err
	}
	return doc.Services, nil
}

// LoadCatalog reads a catalog file in the form ParseCatalog accepts.
func LoadCatalog(path string) ([]domain.Service, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading catalog: %w", err)
	}
	services, err := ParseCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return services, nil
}

// errInvalidCatalog is wrapped by every catalog validation error.
var errInvalidCatalog = errors.New("invalid catalog")

// validateCatalog checks what the broker relies on: at least one service, and every service and
// plan with a unique, non-empty id.
func validateCatalog(services []domain.Service) error {
	if len(services) == 0 {
		return fmt.Errorf("%w: it has no services", errInvalidCatalog)
	}
	seen := map[string]bool{}
	for i, s := range services {
		if err := claimID(seen, s.ID, fmt.Sprintf("service %d", i)); err != nil {
			return err
		}
		if len(s.Plans) == 0 {
			return fmt.Errorf("%w: service %q has no plans", errInvalidCatalog, s.ID)
		}
		for j, p := range s.Plans {
			if err := claimID(seen, p.ID, fmt.Sprintf("plan %d of service %q", j, s.ID)); err != nil {
				return err
			}
		}
	}
	return nil
}

func claimID(seen map[string]bool, id, what string) error {
	if id == "" {
		return fmt.Errorf("%w: %s has no id", errInvalidCatalog, what)
	}
	if seen[id] {
		return fmt.Errorf("%w: %s reuses the id %q", errInvalidCatalog, what, id)
	}
	seen[id] = true
	return nil
}

// catalogIndex answers the questions the broker asks about its catalog. It is never changed:
// a change to the catalog builds a new index.
type catalogIndex struct {
	services  []domain.Service
	plans     map[string]catalogPlan
	rotatable map[string]bool
	document  catalogDocument
}

type catalogPlan struct {
	service *domain.Service
	plan    *domain.ServicePlan
	schemas planSchemas
}

// newCatalogIndex indexes services, compiling every parameters schema, and renders the
// document GET /v2/catalog answers with, as of modified.
func newCatalogIndex(services []domain.Service, rotatable map[string]bool, misbehave map[Misbehaviour]bool, modified time.Time) (catalogIndex, error) {
	idx := catalogIndex{services: services, plans: map[string]catalogPlan{}, rotatable: rotatable}
	for i := range idx.services {
		s := &idx.services[i]
		for j := range s.Plans {
			schemas, err := compilePlanSchemas(s.Plans[j])
			if err != nil {
				return catalogIndex{}, err
			}
			idx.plans[s.Plans[j].ID] = catalogPlan{service: s, plan: &s.Plans[j], schemas: schemas}
		}
	}
	document, err := renderCatalog(services, rotatable, misbehave, modified)
	if err != nil {
		return catalogIndex{}, err
	}
	idx.document = document
	return idx, nil
}

// bindable follows the OSB rule: a plan's bindable field overrides its service's.
func (p catalogPlan) bindable() bool {
	if p.plan.Bindable != nil {
		return *p.plan.Bindable
	}
	return p.service.Bindable
}

// maintenanceInfo returns a copy of the plan's maintenance_info, nil when it has none.
func (p catalogPlan) maintenanceInfo() *domain.MaintenanceInfo {
	if p.plan.MaintenanceInfo == nil {
		return nil
	}
	info := *p.plan.MaintenanceInfo
	return &info
}

// otherPlan returns the id of the service's first plan other than planID; planID when the
// service has no other.
func (idx catalogIndex) otherPlan(serviceID, planID string) string {
	for _, s := range idx.services {
		if s.ID != serviceID {
			continue
		}
		for _, p := range s.Plans {
			if p.ID != planID {
				return p.ID
			}
		}
	}
	return planID
}
