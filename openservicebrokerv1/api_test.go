package openservicebrokerv1_test

import (
	"reflect"
	"testing"

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
