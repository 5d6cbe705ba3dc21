package openservicebrokerv1

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// benchmarkPlanSchema is a provision schema as brokers write them: a dozen properties, nested
// objects, arrays, enums, a pattern, formats, oneOf and a $ref.
const benchmarkPlanSchema = `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
  "required": ["name", "tier", "region"], "additionalProperties": false,
  "properties": {
    "name": {"type": "string", "pattern": "^[a-z][a-z0-9-]{2,30}$"},
    "tier": {"enum": ["free", "standard", "premium"]},
    "region": {"enum": ["eu-de", "eu-gb", "us-south", "us-east", "jp-tok"]},
    "size_gb": {"type": "integer", "minimum": 1, "maximum": 4096},
    "replicas": {"type": "integer", "minimum": 1, "maximum": 9},
    "admin": {"type": "object", "required": ["email"], "properties": {
      "email": {"type": "string", "format": "email"}, "phone": {"type": "string"}}},
    "allowlist": {"type": "array", "maxItems": 64, "items": {"type": "string", "format": "ipv4"}},
    "backup": {"oneOf": [{"type": "boolean"}, {"$ref": "#/definitions/schedule"}]},
    "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 63}},
    "maintenance_window": {"type": "string", "format": "date-time"}
  },
  "definitions": {"schedule": {"type": "object", "required": ["cron"], "properties": {
    "cron": {"type": "string"}, "retention_days": {"type": "integer", "minimum": 1}}}}}`

// benchmarkCatalog has services x plansPerService plans, each with benchmarkPlanSchema.
func benchmarkCatalog(b *testing.B, services, plansPerService int) *Catalog {
	b.Helper()
	var text strings.Builder
	text.WriteString(`{"services": [`)
	for s := range services {
		if s > 0 {
			text.WriteString(",")
		}
		fmt.Fprintf(&text, `{"id": "service-%d", "name": "service-%d", "description": "S", "bindable": true, "plans": [`, s, s)
		for p := range plansPerService {
			if p > 0 {
				text.WriteString(",")
			}
			fmt.Fprintf(&text, `{"id": "plan-%d-%d", "name": "plan-%d", "description": "P", "schemas": {"service_instance": {"create": {"parameters": %s}}}}`,
				s, p, p, benchmarkPlanSchema)
		}
		text.WriteString("]}")
	}
	text.WriteString("]}")
	return catalogFromText(b, text.String())
}

func catalogFromText(b *testing.B, text string) *Catalog {
	var resp BrokerCatalogResp
	if err := json.Unmarshal([]byte(text), &resp); err != nil {
		b.Fatal(err)
	}
	catalog, err := NewCatalog(&resp)
	if err != nil {
		b.Fatal(err)
	}
	return catalog
}

var benchmarkParameters = map[string]any{
	"name": "orders-db", "tier": "standard", "region": "eu-de", "size_gb": 100, "replicas": 3,
	"admin":     map[string]any{"email": "ops@example.com"},
	"allowlist": []any{"10.0.0.1", "10.0.0.2", "192.168.1.10"},
	"backup":    map[string]any{"cron": "0 2 * * *", "retention_days": 14},
	"labels":    map[string]any{"team": "payments", "env": "prod"},
}

// BenchmarkValidateParameters measures one validation of a provision's parameters against a plan
// of a 1,000-plan catalog once the plan's schema is compiled, against the baseline of encoding
// the same parameters as JSON, which every request does anyway. "compile" is the first
// validation of a plan, which compiles its schema.
//
//	go test -run '^$' -bench BenchmarkValidateParameters -benchmem ./openservicebrokerv1/
func BenchmarkValidateParameters(b *testing.B) {
	catalog := benchmarkCatalog(b, 50, 20)
	for s := range 50 {
		for p := range 20 {
			if err := catalog.ValidateParameters(fmt.Sprintf("service-%d", s), fmt.Sprintf("plan-%d-%d", s, p), InstanceCreateSchema, benchmarkParameters); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("baseline=encode", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(benchmarkParameters); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("validate", func(b *testing.B) {
		for b.Loop() {
			if err := catalog.ValidateParameters("service-37", "plan-37-13", InstanceCreateSchema, benchmarkParameters); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compile", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			fresh := catalogFromText(b, fmt.Sprintf(`{"services": [{"id": "s", "name": "s", "description": "S", "bindable": true,
			  "plans": [{"id": "p", "name": "p", "description": "P", "schemas": {"service_instance": {"create": {"parameters": %s}}}}]}]}`, benchmarkPlanSchema))
			b.StartTimer()
			if err := fresh.ValidateParameters("s", "p", InstanceCreateSchema, benchmarkParameters); err != nil {
				b.Fatal(err)
			}
		}
	})
}
