package openservicebrokerv1

import (
	"net/http"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// generatedOperations are the operations the generator writes (op_*_gen.go).
var generatedOperations = []*sdkruntime.Operation{
	&listCatalogOperation, &replaceServiceInstanceOperation, &updateServiceInstanceOperation, &deleteServiceInstanceOperation,
	&getServiceInstanceOperation, &getLastOperationOperation, &getServiceInstanceStateOperation, &replaceServiceInstanceStateOperation,
	&replaceServiceBindingOperation, &deleteServiceBindingOperation, &getServiceBindingOperation, &getServiceBindingLastOperationOperation,
}

// operationRoutes finds the operation a received request is for by its method and route (the
// patterns are openapi.yaml's paths, which net/http's ServeMux reads as they are written).
type operationRoutes struct {
	mux *http.ServeMux
	ids map[string]string // pattern -> operationId
}

var routes = newOperationRoutes(generatedOperations)

func newOperationRoutes(operations []*sdkruntime.Operation) operationRoutes {
	r := operationRoutes{mux: http.NewServeMux(), ids: make(map[string]string, len(operations))}
	for _, op := range operations {
		pattern := op.Method + " " + op.Path
		r.mux.Handle(pattern, http.NotFoundHandler())
		r.ids[pattern] = op.ID
	}
	return r
}

// operationID returns the operationId of the operation request is for, "" for none.
func (r operationRoutes) operationID(request *http.Request) string {
	_, pattern := r.mux.Handler(request)
	return r.ids[pattern]
}
