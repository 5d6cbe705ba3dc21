package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"
	ibm "github.com/IBM/platform-services-go-sdk/openservicebrokerv1"
)

// The IBM contender: github.com/IBM/platform-services-go-sdk/openservicebrokerv1, the SDK
// users migrate from, configured as its documentation shows and otherwise as it ships.
// Its catalog model keeps only a subset of the OSB fields (no metadata, schemas or
// maintenance_info), and its provision parameters are a map of strings.

// ibmClient adapts IBM's client to the benchmark cases.
type ibmClient struct {
	service *ibm.OpenServiceBrokerV1
}

// newIBMClient returns IBM's client for the broker at serverURL, without authentication,
// sending through transport when it is not nil.
func newIBMClient(serverURL string, transport http.RoundTripper) (brokerClient, error) {
	service, err := ibm.NewOpenServiceBrokerV1(&ibm.OpenServiceBrokerV1Options{
		URL:           serverURL,
		Authenticator: &core.NoAuthAuthenticator{},
	})
	if err != nil {
		return nil, fmt.Errorf("create IBM client: %w", err)
	}
	service.Service.SetHTTPClient(withTransport(service.Service.GetHTTPClient(), transport))
	return &ibmClient{service: service}, nil
}

func (c *ibmClient) listCatalog(ctx context.Context) (int, error) {
	catalog, _, err := c.service.ListCatalogWithContext(ctx, c.service.NewListCatalogOptions())
	if err != nil {
		return 0, err
	}
	return len(catalog.Services), nil
}

func (c *ibmClient) getLastOperation(ctx context.Context, instanceID string) (string, error) {
	lastOperation, _, err := c.service.GetLastOperationWithContext(ctx, c.service.NewGetLastOperationOptions(instanceID))
	if err != nil {
		return "", err
	}
	return *lastOperation.State, nil
}

func (c *ibmClient) provision(ctx context.Context, req *provisionRequest) (string, error) {
	options := c.service.NewReplaceServiceInstanceOptions(req.InstanceID).
		SetServiceID(req.ServiceID).
		SetPlanID(req.PlanID).
		SetOrganizationGUID(req.OrganizationGUID).
		SetSpaceGUID(req.SpaceGUID).
		SetContext(&ibm.Context{
			Platform:  &req.Context.Platform,
			AccountID: &req.Context.AccountID,
			CRN:       &req.Context.CRN,
		}).
		SetParameters(req.FlatParameters).
		SetAcceptsIncomplete(true)
	result, _, err := c.service.ReplaceServiceInstanceWithContext(ctx, options)
	if err != nil {
		return "", err
	}
	return *result.Operation, nil
}

// decodeIBMCatalog repeats what IBM's ListCatalog does with a response body: go-sdk-core
// decodes it into a map of raw messages, then the generated code unmarshals the model
// field by field from that map.
func decodeIBMCatalog(body []byte) (int, error) {
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&raw); err != nil {
		return 0, err
	}
	var catalog *ibm.Resp1874650Root
	if err := core.UnmarshalModel(raw, "", &catalog, ibm.UnmarshalResp1874650Root); err != nil {
		return 0, err
	}
	return len(catalog.Services), nil
}
