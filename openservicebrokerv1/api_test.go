package openservicebrokerv1_test

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func TestOpenServiceBrokerV1APIHasEveryExportedMethodOfTheClient(t *testing.T) {
	client := reflect.TypeOf(&openservicebrokerv1.OpenServiceBrokerV1{})
	api := reflect.TypeOf((*openservicebrokerv1.OpenServiceBrokerV1API)(nil)).Elem()
	var missing []string
	for i := range client.NumMethod() {
		if name := client.Method(i).Name; !hasMethod(api, name) {
			missing = append(missing, name)
		}
	}
	assert.Empty(t, missing, "add these methods of *OpenServiceBrokerV1 to OpenServiceBrokerV1API in api.go")
}

func hasMethod(typ reflect.Type, name string) bool {
	_, found := typ.MethodByName(name)
	return found
}

// catalogFake stands in for the client in a platform's unit test. The embedded interface
// provides every method the test does not care about; calling one of those panics, so a test
// notices when the code under test starts using more of the client.
type catalogFake struct {
	openservicebrokerv1.OpenServiceBrokerV1API
	catalog *openservicebrokerv1.BrokerCatalogResp
}

func (catalogFake) NewListCatalogOptions() *openservicebrokerv1.ListCatalogOptions {
	return &openservicebrokerv1.ListCatalogOptions{}
}

func (f catalogFake) ListCatalog(*openservicebrokerv1.ListCatalogOptions) (*openservicebrokerv1.BrokerCatalogResp, *core.DetailedResponse, error) {
	return f.catalog, &core.DetailedResponse{StatusCode: http.StatusOK}, nil
}

// planNames is platform code: it takes the interface, so tests can give it a fake.
func planNames(client openservicebrokerv1.OpenServiceBrokerV1API) ([]string, error) {
	catalog, _, err := client.ListCatalog(client.NewListCatalogOptions())
	if err != nil {
		return nil, err
	}
	var names []string
	for _, service := range catalog.Services {
		for _, plan := range service.Plans {
			names = append(names, *service.Name+"/"+*plan.Name)
		}
	}
	return names, nil
}

// A platform's unit test replaces the client with a fake that answers from memory.
func ExampleOpenServiceBrokerV1API() {
	fake := catalogFake{catalog: &openservicebrokerv1.BrokerCatalogResp{Services: []openservicebrokerv1.Service{{
		Name:  core.StringPtr("postgres"),
		Plans: []openservicebrokerv1.Plan{{Name: core.StringPtr("small")}, {Name: core.StringPtr("large")}},
	}}}}

	names, err := planNames(fake)

	fmt.Println(names, err)
	// Output: [postgres/small postgres/large] <nil>
}
