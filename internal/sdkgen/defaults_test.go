package sdkgen

import (
	"context"
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

func TestLoadWithoutExtensionsUsesTheDefaults(t *testing.T) {
	api, err := Load(context.Background(), Config{SpecPath: loansSpec})
	require.NoError(t, err)
	assert.Equal(t, "LibraryLoansAPIV3", api.Client)
	assert.Equal(t, "library_loans_api", api.ServiceName)
	assert.Equal(t, "libraryloansapiv3", api.Package)
	assert.Equal(t, "libraryLoansAPI", api.Receiver)
	assert.Equal(t, "https://loans.example.org", api.DefaultURL, "the first server")
}

func TestExtensionsAndConfigOverrideTheDefaults(t *testing.T) {
	api, err := Load(context.Background(), Config{SpecPath: petstoreSpec, Package: "pets"})
	require.NoError(t, err)
	assert.Equal(t, "PetStoreV2", api.Client)
	assert.Equal(t, "pet_store", api.ServiceName)
	assert.Equal(t, "pets", api.Package)
}
