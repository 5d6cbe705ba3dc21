package cataloglint_test

import (
	"fmt"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1/cataloglint"
)

func ExampleLint() {
	// The catalog as the broker sent it; the *openservicebrokerv1.BrokerCatalogResp of
	// ListCatalog works as well.
	catalog := []byte(`{"services": [{"id": "mysql", "name": "MySQL Server", "description": "MySQL", "bindable": true,
	  "plans": [{"id": "3b1f0c2e-4d5a-4e6f-8a9b-0c1d2e3f4a5b", "name": "small", "description": "Small",
	    "maintenance_info": {"version": "v8.0"},
	    "schemas": {"service_instance": {"create": {"parameters": {"type": "object",
	      "properties": {"tls": {"$ref": "https://schemas.example.com/tls.json"}}}}}}}]}]}`)
	for _, finding := range cataloglint.Lint(catalog) {
		fmt.Printf("%s %s %s\n  (%s)\n", finding.Level, finding.ID, finding.Path, finding.Section)
	}
	// Output:
	// SHOULD catalog.service.name.cli-friendly /services/0/name
	//   (Catalog Management, Body)
	// SHOULD catalog.service.id.guid /services/0/id
	//   (Catalog Management, Service Offering Object)
	// MUST catalog.plan.maintenance-info.version.semver /services/0/plans/0/maintenance_info/version
	//   (Catalog Management, Maintenance Info Object)
	// MUST catalog.schema.dollar-schema /services/0/plans/0/schemas/service_instance/create/parameters
	//   (Catalog Management, Input Parameters Schema Object)
	// MUST catalog.schema.external-ref /services/0/plans/0/schemas/service_instance/create/parameters
	//   (Catalog Management, Input Parameters Schema Object)
}
