package openservicebrokerv1

import (
	"net/http"
	"net/url"
	"strings"

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
	mux        *http.ServeMux
	operations map[string]*sdkruntime.Operation // by pattern
}

var routes = newOperationRoutes(generatedOperations)

func newOperationRoutes(operations []*sdkruntime.Operation) operationRoutes {
	r := operationRoutes{mux: http.NewServeMux(), operations: make(map[string]*sdkruntime.Operation, len(operations))}
	for _, op := range operations {
		pattern := op.Method + " " + op.Path
		r.mux.Handle(pattern, http.NotFoundHandler())
		r.operations[pattern] = op
	}
	return r
}

// operation returns the operation request is for, nil for none. A broker's URL may have a path
// of its own before /v2 (or /bluemix_v1): the route is looked for from each segment of the path
// on, and the first that matches wins.
func (r operationRoutes) operation(request *http.Request) *sdkruntime.Operation {
	path := request.URL.EscapedPath()
	for start := 0; ; {
		if route, err := url.Parse(path[start:]); err == nil {
			_, pattern := r.mux.Handler(&http.Request{Method: request.Method, URL: route, Host: request.Host})
			if op := r.operations[pattern]; op != nil {
				return op
			}
		}
		next := -1
		if start < len(path) {
			next = strings.IndexByte(path[start+1:], '/')
		}
		if next < 0 {
			return nil
		}
		start += 1 + next
	}
}

// operationID returns the operationId of the operation request is for, "" for none.
func (r operationRoutes) operationID(request *http.Request) string {
	if op := r.operation(request); op != nil {
		return op.ID
	}
	return ""
}
