package sdkgen

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultClientNameIsTheTitleAndMajorVersion(t *testing.T) {
	cases := []struct{ title, version, want string }{
		{"Open Service Broker API", "v2.17", "OpenServiceBrokerAPIV2"},
		{"Pet Store API", "2.1.0", "PetStoreAPIV2"},
		{"Library Loans API", "V3", "LibraryLoansAPIV3"},
		{"billing-service", "2024-05-01", "BillingServiceV2024"},
		{"Widgets", "beta", "Widgets"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, defaultClientName(tc.title, tc.version), tc.title+" "+tc.version)
	}
}

func TestDefaultServiceNameIsTheSnakeCaseTitle(t *testing.T) {
	assert.Equal(t, "open_service_broker_api", defaultServiceName("Open Service Broker API"))
	assert.Equal(t, "library_loans_api", defaultServiceName("Library Loans API"))
}

func TestDefaultLiteralFitsTheFieldType(t *testing.T) {
	cases := []struct {
		kind  Kind
		value any
		want  string
	}{
		{KindString, "2.17", `"2.17"`},
		{KindBool, true, "true"},
		{KindInt, float64(30), "30"},
		{KindNumber, 0.5, "0.5"},
		{KindInt, 2.5, ""},
		{KindString, float64(2), ""},
		{KindString, nil, ""},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, defaultLiteral(tc.kind, tc.value), "%v", tc.value)
	}
}

func TestRequiredParametersWithADefaultArePresetNotArguments(t *testing.T) {
	op := findOperation(t, loadLoans(t), "BooksList")
	assert.Equal(t, []string{"branch_id", "format"}, wireNames(op.Constructor))
	assert.Equal(t, []string{"X-Library-API-Version"}, wireNames(op.Preset()))
	assert.Equal(t, `"3.2"`, op.Preset()[0].Default)
}

func TestLoadWithoutExtensionsUsesTheDefaults(t *testing.T) {
	api, err := Load(context.Background(), Config{SpecPath: loansSpec})
	require.NoError(t, err)
	assert.Equal(t, "LibraryLoansAPIV3", api.Client)
	assert.Equal(t, "library_loans_api", api.ServiceName)
	assert.Equal(t, "libraryloansapiv3", api.Package)
	assert.Equal(t, "libraryLoansAPI", api.Receiver)
	assert.Equal(t, "https://loans.example.org", api.DefaultURL, "the first server")
}

func TestComponentNamesThatAreNotExportedGoNamesAreConverted(t *testing.T) {
	spec := "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get_a\n" +
		"      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n" +
		"              schema: {$ref: '#/components/schemas/service-plan'}\n" +
		"components:\n  schemas:\n    service-plan: {type: object, properties: {owner: {$ref: '#/components/schemas/owner'}}}\n" +
		"    owner: {type: object, properties: {name: {type: string}}}\n"
	path := filepath.Join(t.TempDir(), "spec.yaml")
	require.NoError(t, os.WriteFile(path, []byte(spec), 0o644))
	api, err := Load(context.Background(), Config{SpecPath: path})
	require.NoError(t, err)
	assert.Equal(t, "ServicePlan", api.Operations[0].Result)
	assert.Equal(t, "*Owner", findModel(t, api, "ServicePlan").Fields[0].Type)
	findModel(t, api, "Owner")
}

func TestExtensionsAndConfigOverrideTheDefaults(t *testing.T) {
	api, err := Load(context.Background(), Config{SpecPath: petstoreSpec, Package: "pets"})
	require.NoError(t, err)
	assert.Equal(t, "PetStoreV2", api.Client)
	assert.Equal(t, "pet_store", api.ServiceName)
	assert.Equal(t, "pets", api.Package)
}
