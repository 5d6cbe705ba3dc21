package benchmarks

import (
	"context"
	"fmt"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The ours contender: this SDK, configured as its documentation shows and otherwise as it
// ships. It enables retries by default; a retry costs nothing while every call succeeds,
// which is the case on the benchmark broker, so the figures include that default.

// oursClient adapts this SDK's client to the benchmark cases.
type oursClient struct {
	service *openservicebrokerv1.OpenServiceBrokerV1
}

// newOursClient returns this SDK's client for the broker at serverURL, without authentication,
// sending through transport when it is not nil.
func newOursClient(serverURL string, transport http.RoundTripper) (brokerClient, error) {
	service, err := openservicebrokerv1.NewOpenServiceBrokerV1(&openservicebrokerv1.OpenServiceBrokerV1Options{
		URL:           serverURL,
		Authenticator: &core.NoAuthAuthenticator{},
	})
	if err != nil {
		return nil, fmt.Errorf("create osb-go-sdk client: %w", err)
	}
	service.SetHTTPClient(withTransport(service.GetHTTPClient(), transport))
	return &oursClient{service: service}, nil
}

func (c *oursClient) listCatalog(ctx context.Context) (int, error) {
	catalog, _, err := c.service.ListCatalogWithContext(ctx, c.service.NewListCatalogOptions())
	if err != nil {
		return 0, err
	}
	return len(catalog.Services), nil
}

func (c *oursClient) getLastOperation(ctx context.Context, instanceID string) (string, error) {
	lastOperation, _, err := c.service.GetLastOperationWithContext(ctx, c.service.NewGetLastOperationOptions(instanceID))
	if err != nil {
		return "", err
	}
	return *lastOperation.State, nil
}

func (c *oursClient) provision(ctx context.Context, req *provisionRequest) (string, error) {
	options := c.service.NewReplaceServiceInstanceOptions(req.InstanceID).
		SetServiceID(req.ServiceID).
		SetPlanID(req.PlanID).
		SetOrganizationGUID(req.OrganizationGUID).
		SetSpaceGUID(req.SpaceGUID).
		SetContext(&openservicebrokerv1.Context{
			Platform:  &req.Context.Platform,
			AccountID: &req.Context.AccountID,
			Crn:       &req.Context.CRN,
		}).
		SetParameters(req.Parameters).
		SetAcceptsIncomplete(true)
	result, _, err := c.service.ReplaceServiceInstanceWithContext(ctx, options)
	if err != nil {
		return "", err
	}
	return *result.Operation, nil
}

// decodeOursCatalog repeats what this SDK's ListCatalog does with a response body: the catalog
// model decodes itself, in one pass, from the body handed to it directly.
func decodeOursCatalog(body []byte) (int, error) {
	var catalog openservicebrokerv1.BrokerCatalogResp
	if err := catalog.UnmarshalJSON(body); err != nil {
		return 0, err
	}
	return len(catalog.Services), nil
}
