package brokertest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// catalogDocument is the answer to GET /v2/catalog with its validators ("Catalog Management":
// brokers MAY support ETag and If-Modified-Since).
type catalogDocument struct {
	body     []byte
	etag     string
	modified time.Time
}

// servedPlan adds what the broker library's plan type lacks, and leaves out the schemas a plan
// does not declare, which that type would send as "parameters": null.
type servedPlan struct {
	domain.ServicePlan
	Schemas          *servedSchemas `json:"schemas,omitempty"`
	BindingRotatable bool           `json:"binding_rotatable,omitempty"`
}

// servedSchemas maps each operation ("create", "update") to its input parameters schema.
type servedSchemas struct {
	ServiceInstance map[string]parametersSchemaObject `json:"service_instance,omitempty"`
	ServiceBinding  map[string]parametersSchemaObject `json:"service_binding,omitempty"`
}

type parametersSchemaObject struct {
	Parameters map[string]any `json:"parameters"`
}

func newServedSchemas(schemas *domain.ServiceSchemas) *servedSchemas {
	if schemas == nil {
		return nil
	}
	served := &servedSchemas{}
	add := func(to *map[string]parametersSchemaObject, operation string, parameters map[string]any) {
		if parameters == nil {
			return
		}
		if *to == nil {
			*to = map[string]parametersSchemaObject{}
		}
		(*to)[operation] = parametersSchemaObject{Parameters: parameters}
	}
	add(&served.ServiceInstance, "create", schemas.Instance.Create.Parameters)
	add(&served.ServiceInstance, "update", schemas.Instance.Update.Parameters)
	add(&served.ServiceBinding, "create", schemas.Binding.Create.Parameters)
	if served.ServiceInstance == nil && served.ServiceBinding == nil {
		return nil
	}
	return served
}

// servedService is an offering as served: its metadata, when it has any, replaces the library's.
type servedService struct {
	domain.Service
	Metadata any          `json:"metadata,omitempty"`
	Plans    []servedPlan `json:"plans"`
}

// renderCatalog encodes the catalog as served. With MisbehaveDuplicatePlanID the first plan
// appears twice, the copy under another name; with MisbehaveSnakeCaseMetadata the offerings'
// metadata names are spelt in snake case.
func renderCatalog(services []domain.Service, rotatable map[string]bool, misbehave map[Misbehaviour]bool, modified time.Time) (catalogDocument, error) {
	served := make([]servedService, len(services))
	for i, s := range services {
		served[i] = servedService{Service: s}
		if s.Metadata != nil {
			metadata, err := servedMetadata(s.Metadata, misbehave[MisbehaveSnakeCaseMetadata])
			if err != nil {
				return catalogDocument{}, fmt.Errorf("%w: cannot encode the metadata of service %q: %w", errInvalidCatalog, s.ID, err)
			}
			served[i].Metadata = metadata
		}
		for _, p := range s.Plans {
			served[i].Plans = append(served[i].Plans, servedPlan{ServicePlan: p, Schemas: newServedSchemas(p.Schemas), BindingRotatable: rotatable[p.ID]})
		}
	}
	if misbehave[MisbehaveDuplicatePlanID] {
		duplicate := served[0].Plans[0]
		duplicate.Name += "-duplicate"
		served[0].Plans = append(slices.Clone(served[0].Plans), duplicate)
	}
	body, err := json.Marshal(map[string]any{"services": served})
	if err != nil {
		return catalogDocument{}, fmt.Errorf("%w: cannot encode it: %w", errInvalidCatalog, err)
	}
	sum := sha256.Sum256(body)
	return catalogDocument{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, modified: modified}, nil
}

// servedMetadata is an offering's metadata as served, its names in snake case when asked.
func servedMetadata(metadata *domain.ServiceMetadata, snakeCase bool) (any, error) {
	if !snakeCase {
		return metadata, nil
	}
	encoded, err := json.Marshal(metadata)
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal(encoded, &fields); err != nil {
		return nil, err
	}
	renamed := make(map[string]any, len(fields))
	for name, value := range fields {
		var snake strings.Builder
		for _, r := range name {
			if unicode.IsUpper(r) {
				snake.WriteByte('_')
			}
			snake.WriteRune(unicode.ToLower(r))
		}
		renamed[snake.String()] = value
	}
	return renamed, nil
}

// serveCatalog answers GET /v2/catalog, or 304 Not Modified when the request's If-None-Match
// or If-Modified-Since shows that the platform has the current catalog.
func (b *backend) serveCatalog(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	document := b.catalog.document
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("ETag", document.etag)
	r.Header.Del("Range") // the catalog is answered whole
	http.ServeContent(w, r, "", document.modified, bytes.NewReader(document.body))
}
