package openservicebrokerv1

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1/cataloglint"
)

// LintCatalog, kept for its callers, lints the typed catalog as cataloglint lints the broker's JSON.
func TestLintCatalog_ForwardsToCataloglint(t *testing.T) {
	const broken = `{"services": [{"id": "db", "name": "my db", "description": "D", "bindable": false,
	  "plans": [{"id": "7d3c1f0e-5a4b-4c3d-9e8f-1a2b3c4d5e6f", "name": "small", "description": "S", "maximum_polling_duration": 0,
	    "schemas": {"service_binding": {"create": {"parameters": {"type": "object"}}}}}]}]}`
	findings := LintCatalog(decodeCatalog(t, broken))
	require.NotEmpty(t, findings)
	assert.Equal(t, cataloglint.Lint([]byte(broken)), findings)
	assert.Equal(t, FindingCatalogMissing, LintCatalog(nil)[0].ID)
}
