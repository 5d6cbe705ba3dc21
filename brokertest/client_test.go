package brokertest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

func TestClientTalksToTheServer(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := srv.Client()

	catalog, response, err := client.ListCatalog(client.NewListCatalogOptions())
	require.NoError(t, err)
	assert.Equal(t, 200, response.StatusCode)
	require.NotEmpty(t, catalog.Services)
	assert.Equal(t, brokertest.DefaultServiceID, *catalog.Services[0].ID)
	assert.Equal(t, srv.URL, client.GetServiceURL())
}
