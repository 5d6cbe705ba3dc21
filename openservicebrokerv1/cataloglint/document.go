package cataloglint

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Catalog is a catalog as the rules read it: only the fields they look at, each a pointer so
// that a field left out differs from an empty one. Lint decodes one from the broker's JSON; the
// client builds one from its typed catalog without encoding it.
type Catalog struct {
	Services []Service `json:"services"`
}

// Service is a service offering as the rules read it.
type Service struct {
	ID          *string  `json:"id"`
	Name        *string  `json:"name"`
	Description *string  `json:"description"`
	Bindable    *bool    `json:"bindable"`
	Requires    []string `json:"requires"`
	Plans       []Plan   `json:"plans"`
	// Metadata is the offering's metadata as the broker encoded it, nil when it gives none.
	Metadata json.RawMessage `json:"metadata"`
}

// Plan is a plan as the rules read it. Its maintenance_info and parameters schemas are flat:
// MaintenanceInfo tells whether the plan gives maintenance_info at all, and each schema is as
// the broker encoded it, nil when the plan gives none.
type Plan struct {
	ID                     *string
	Name                   *string
	Description            *string
	Bindable               *bool
	MaximumPollingDuration *int64
	MaintenanceInfo        bool
	MaintenanceVersion     *string
	InstanceCreateSchema   json.RawMessage
	InstanceUpdateSchema   json.RawMessage
	BindingCreateSchema    json.RawMessage
	Metadata               json.RawMessage
}

type schemaDocument struct {
	Parameters json.RawMessage `json:"parameters"`
}

// UnmarshalJSON reads a plan as the broker encodes it (Catalog Management, Service Plan Object).
func (p *Plan) UnmarshalJSON(data []byte) error {
	var encoded struct {
		ID                     *string         `json:"id"`
		Name                   *string         `json:"name"`
		Description            *string         `json:"description"`
		Bindable               *bool           `json:"bindable"`
		MaximumPollingDuration *int64          `json:"maximum_polling_duration"`
		Metadata               json.RawMessage `json:"metadata"`
		MaintenanceInfo        *struct {
			Version *string `json:"version"`
		} `json:"maintenance_info"`
		Schemas struct {
			ServiceInstance struct {
				Create, Update schemaDocument
			} `json:"service_instance"`
			ServiceBinding struct {
				Create schemaDocument
			} `json:"service_binding"`
		} `json:"schemas"`
	}
	if err := json.Unmarshal(data, &encoded); err != nil {
		return err
	}
	*p = Plan{ID: encoded.ID, Name: encoded.Name, Description: encoded.Description, Bindable: encoded.Bindable,
		MaximumPollingDuration: encoded.MaximumPollingDuration, MaintenanceInfo: encoded.MaintenanceInfo != nil,
		InstanceCreateSchema: encoded.Schemas.ServiceInstance.Create.Parameters,
		InstanceUpdateSchema: encoded.Schemas.ServiceInstance.Update.Parameters,
		BindingCreateSchema:  encoded.Schemas.ServiceBinding.Create.Parameters, Metadata: encoded.Metadata}
	if encoded.MaintenanceInfo != nil {
		p.MaintenanceVersion = encoded.MaintenanceInfo.Version
	}
	return nil
}

// planSchema is one parameters schema of a plan, with the path of its place in the plan.
type planSchema struct {
	path    string
	binding bool
	raw     json.RawMessage
}

// schemas lists the plan's parameters schemas, the ones it gives only.
func (p *Plan) schemas() []planSchema {
	var found []planSchema
	for _, schema := range []planSchema{
		{"/schemas/service_instance/create/parameters", false, p.InstanceCreateSchema},
		{"/schemas/service_instance/update/parameters", false, p.InstanceUpdateSchema},
		{"/schemas/service_binding/create/parameters", true, p.BindingCreateSchema},
	} {
		if len(bytes.TrimSpace(schema.raw)) > 0 {
			found = append(found, schema)
		}
	}
	return found
}

// decode reads catalog: a *Catalog as it is, its JSON ([]byte or json.RawMessage), or a value
// that encodes to it. A JSON null is a nil catalog, without error.
func decode(catalog any) (*Catalog, error) {
	var encoded []byte
	switch c := catalog.(type) {
	case *Catalog:
		return c, nil
	case []byte:
		encoded = c
	case json.RawMessage:
		encoded = c
	default:
		var err error
		if encoded, err = json.Marshal(catalog); err != nil {
			return nil, err
		}
	}
	var document *Catalog
	if err := json.Unmarshal(encoded, &document); err != nil {
		return nil, fmt.Errorf("the catalog is not JSON of the form {\"services\": [...]}: %w", err)
	}
	return document, nil
}
