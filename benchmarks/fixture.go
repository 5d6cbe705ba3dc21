package benchmarks

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// catalogShape says how many services and plans per service a generated catalog holds.
type catalogShape struct {
	Services        int
	PlansPerService int
}

// benchmarkCatalog is the catalog size of case P1: a large marketplace.
var benchmarkCatalog = catalogShape{Services: 1000, PlansPerService: 20}

// fixtureSeed fixes the generated content, so every run measures the same bytes.
const fixtureSeed = 20170617

// Vocabulary the generator draws from, so that names, descriptions and schemas vary
// the way a real marketplace's do rather than repeating one template.
var (
	vendors   = []string{"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell", "soylent", "cyberdyne"}
	products  = []string{"postgres", "redis", "kafka", "mongodb", "elasticsearch", "rabbitmq", "mysql", "object-storage", "cdn", "vault", "memcached", "cassandra"}
	tiers     = []string{"lite", "standard", "premium", "enterprise", "dedicated", "reserved", "burst", "archive"}
	regions   = []string{"us-south", "us-east", "eu-de", "eu-gb", "jp-tok", "au-syd", "br-sao", "ca-tor"}
	words     = strings.Fields("managed highly available scalable secure encrypted replicated durable fast service database cluster storage backup restore monitoring metrics dashboard network private endpoint automatic failover daily snapshots compliance audit logging tenant isolation throughput latency capacity region zone")
	requiring = []string{"syslog_drain", "route_forwarding", "volume_mount"}
)

// catalogGenerator builds a deterministic OSB v2.17 catalog from a seeded random source.
type catalogGenerator struct {
	rng *rand.Rand
}

// generateCatalogJSON returns the JSON body of GET /v2/catalog for the given shape and seed.
// The same shape and seed always yield the same bytes.
func generateCatalogJSON(shape catalogShape, seed uint64) ([]byte, error) {
	body, err := json.Marshal(generateCatalog(shape, seed))
	if err != nil {
		return nil, fmt.Errorf("encode generated catalog: %w", err)
	}
	return body, nil
}

// generateCatalog returns the catalog for the given shape and seed.
func generateCatalog(shape catalogShape, seed uint64) plainCatalog {
	gen := &catalogGenerator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	services := make([]plainService, shape.Services)
	for i := range services {
		services[i] = gen.service(i, shape.PlansPerService)
	}
	return plainCatalog{Services: services}
}

func (g *catalogGenerator) service(index, plans int) plainService {
	vendor, product := g.pick(vendors), g.pick(products)
	name := fmt.Sprintf("%s-%s-%d", vendor, product, index)
	service := plainService{
		Name:                 name,
		ID:                   g.uuid(),
		Description:          g.sentence(8, 16),
		Tags:                 g.distinct(words, 2+g.rng.IntN(4)),
		Requires:             g.distinct(requiring, g.rng.IntN(3)),
		Bindable:             g.rng.IntN(5) != 0,
		InstancesRetrievable: g.rng.IntN(2) == 0,
		BindingsRetrievable:  g.rng.IntN(2) == 0,
		AllowContextUpdates:  g.rng.IntN(4) == 0,
		Metadata:             g.serviceMetadata(vendor, product, name),
		DashboardClient: &plainDashboardClient{
			ID:          name + "-dashboard",
			Secret:      g.hex(32),
			RedirectURI: "https://dashboard." + vendor + ".example.com/" + name + "/callback",
		},
		PlanUpdateable:   g.rng.IntN(3) != 0,
		BindingRotatable: g.rng.IntN(3) == 0,
		Plans:            make([]plainPlan, plans),
	}
	for j := range service.Plans {
		service.Plans[j] = g.plan(j)
	}
	return service
}

func (g *catalogGenerator) serviceMetadata(vendor, product, name string) map[string]any {
	return map[string]any{
		"displayName":         strings.ToUpper(vendor[:1]) + vendor[1:] + " " + product,
		"longDescription":     g.sentence(25, 45),
		"providerDisplayName": strings.ToUpper(vendor[:1]) + vendor[1:] + " Inc.",
		"imageUrl":            "https://assets." + vendor + ".example.com/icons/" + product + ".svg",
		"documentationUrl":    "https://docs." + vendor + ".example.com/" + name,
		"supportUrl":          "https://support." + vendor + ".example.com/",
		"shareable":           g.rng.IntN(2) == 0,
	}
}

func (g *catalogGenerator) plan(index int) plainPlan {
	tier := tiers[index%len(tiers)]
	free := index == 0
	return plainPlan{
		ID:                     g.uuid(),
		Name:                   fmt.Sprintf("%s-%d", tier, index),
		Description:            g.sentence(6, 14),
		Metadata:               g.planMetadata(tier, free),
		Free:                   free,
		Bindable:               g.rng.IntN(5) != 0,
		BindingRotatable:       g.rng.IntN(3) == 0,
		PlanUpdateable:         g.rng.IntN(3) != 0,
		Schemas:                g.schemas(),
		MaximumPollingDuration: int64(600 * (1 + g.rng.IntN(12))),
		MaintenanceInfo: &plainMaintenanceInfo{
			Version:     fmt.Sprintf("%d.%d.%d", 1+g.rng.IntN(4), g.rng.IntN(20), g.rng.IntN(50)),
			Description: g.sentence(5, 10),
		},
	}
}

func (g *catalogGenerator) planMetadata(tier string, free bool) map[string]any {
	bullets := make([]any, 3+g.rng.IntN(3))
	for i := range bullets {
		bullets[i] = g.sentence(4, 9)
	}
	return map[string]any{
		"displayName":  strings.ToUpper(tier[:1]) + tier[1:],
		"bullets":      bullets,
		"costs":        g.costs(free),
		"displayOrder": float64(g.rng.IntN(100)),
	}
}

func (g *catalogGenerator) costs(free bool) []any {
	if free {
		return []any{}
	}
	monthly := float64(5+g.rng.IntN(500)) - 0.01
	return []any{
		map[string]any{"amount": map[string]any{"usd": monthly, "eur": monthly * 0.92}, "unit": "MONTHLY"},
		map[string]any{"amount": map[string]any{"usd": float64(g.rng.IntN(90)+10) / 100}, "unit": "GB"},
	}
}

// schemas returns JSON schemas for provisioning, updating and binding, each with a few
// nested object properties, as brokers publish them for their configuration parameters.
func (g *catalogGenerator) schemas() *plainSchemas {
	return &plainSchemas{
		ServiceInstance: &plainInstanceSchemas{
			Create: &plainSchemaParameters{Parameters: jsonSchema(map[string]any{
				"region":  map[string]any{"type": "string", "enum": g.distinctAny(regions, 3)},
				"storage": g.storageSchema(),
				"backup":  g.backupSchema(),
			}, "region")},
			Update: &plainSchemaParameters{Parameters: jsonSchema(map[string]any{
				"storage": g.storageSchema(),
				"backup":  g.backupSchema(),
			})},
		},
		ServiceBinding: &plainBindingSchemas{
			Create: &plainSchemaParameters{Parameters: jsonSchema(map[string]any{
				"role":        map[string]any{"type": "string", "enum": []any{"reader", "writer", "manager"}},
				"ttl_seconds": map[string]any{"type": "integer", "minimum": 60, "maximum": 86400 * (1 + g.rng.IntN(30))},
				"network": objectSchema(map[string]any{
					"allowed_cidrs": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "cidr"}},
					"private":       map[string]any{"type": "boolean", "default": g.rng.IntN(2) == 0},
				}),
			}, "role")},
		},
	}
}

func (g *catalogGenerator) storageSchema() map[string]any {
	return objectSchema(map[string]any{
		"size_gb": map[string]any{"type": "integer", "minimum": 1, "maximum": 64 << g.rng.IntN(6), "default": 10},
		"class":   map[string]any{"type": "string", "enum": []any{"standard", "ssd", "nvme"}},
	}, "size_gb")
}

func (g *catalogGenerator) backupSchema() map[string]any {
	return objectSchema(map[string]any{
		"enabled":        map[string]any{"type": "boolean", "default": true},
		"schedule":       map[string]any{"type": "string", "pattern": "^([0-9*,/-]+ ){4}[0-9*,/-]+$", "default": fmt.Sprintf("0 %d * * *", g.rng.IntN(24))},
		"retention_days": map[string]any{"type": "integer", "minimum": 1, "maximum": 7 * (1 + g.rng.IntN(52))},
	})
}

// jsonSchema wraps properties into a top-level draft-04 schema, as OSB brokers publish them.
func jsonSchema(properties map[string]any, required ...string) map[string]any {
	schema := objectSchema(properties, required...)
	schema["$schema"] = "http://json-schema.org/draft-04/schema#"
	schema["additionalProperties"] = false
	return schema
}

// objectSchema is a JSON schema for an object with the given properties.
func objectSchema(properties map[string]any, required ...string) map[string]any {
	schema := map[string]any{"type": "object", "properties": properties}
	if len(required) > 0 {
		names := make([]any, len(required))
		for i, name := range required {
			names[i] = name
		}
		schema["required"] = names
	}
	return schema
}

func (g *catalogGenerator) pick(from []string) string {
	return from[g.rng.IntN(len(from))]
}

// distinct returns n different elements of from, in random order.
func (g *catalogGenerator) distinct(from []string, n int) []string {
	picked := make([]string, 0, n)
	for _, i := range g.rng.Perm(len(from))[:min(n, len(from))] {
		picked = append(picked, from[i])
	}
	return picked
}

// distinctAny is distinct typed for inclusion in a free-form JSON object.
func (g *catalogGenerator) distinctAny(from []string, n int) []any {
	picked := g.distinct(from, n)
	values := make([]any, len(picked))
	for i, s := range picked {
		values[i] = s
	}
	return values
}

// sentence returns between least and most words, capitalised and ending with a full stop.
func (g *catalogGenerator) sentence(least, most int) string {
	n := least + g.rng.IntN(most-least+1)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.pick(words)
	}
	text := strings.Join(parts, " ")
	return strings.ToUpper(text[:1]) + text[1:] + "."
}

// uuid returns a random version 4 UUID drawn from the seeded source.
func (g *catalogGenerator) uuid() string {
	hi, lo := g.rng.Uint64(), g.rng.Uint64()
	hi = hi&^0xf000 | 0x4000           // version 4
	lo = lo&^(0xc000<<48) | 0x8000<<48 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// hex returns n random hexadecimal digits.
func (g *catalogGenerator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(len(digits))]
	}
	return string(b)
}
