package sdkruntime

import (
	"context"
	"fmt"

	"github.com/IBM/go-sdk-core/v5/core"
)

// Send is go-sdk-core's plain request path: it builds the request with core.RequestBuilder and
// sends it with service.Request, which authenticates, retries as core is configured, and decodes
// a JSON answer into result. Clients whose spec sets x-sdkgen-send provide their own instead.
func Send(ctx context.Context, service *core.BaseService, request *Request, result any) (*core.DetailedResponse, error) {
	builder := core.NewRequestBuilder(request.Op.Method).WithContext(ctx)
	builder.EnableGzipCompression = service.GetEnableGzipCompression()
	address, err := request.URL(service.GetServiceURL())
	if err != nil {
		return nil, err
	}
	if _, err = builder.ResolveRequestURL(address, "", nil); err != nil {
		return nil, err
	}
	for name, values := range request.Header {
		for _, value := range values {
			builder.AddHeader(name, value)
		}
	}
	for _, header := range request.Op.SDKHeaders {
		builder.AddHeader(header.Name, header.Values[0])
	}
	if request.Op.Accept {
		builder.AddHeader("Accept", "application/json")
	}
	if request.Body != nil {
		if _, err = builder.SetBodyContentJSON(request.Body); err != nil {
			return nil, &ParameterError{Operation: request.Op.Name, Parameter: "request body", Problem: "cannot be encoded as JSON", Err: err}
		}
	}
	built, err := builder.Build()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot build the request: %w", request.Op.Name, err)
	}
	return service.Request(built, result)
}
