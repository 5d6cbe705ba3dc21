package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// The plain contender: net/http and encoding/json into hand-written structs, the way a Go
// programmer would talk to a broker without any SDK. It is the practical floor the SDKs are
// measured against. Free-form objects (metadata, JSON schemas) are maps, as in the SDKs.

// plainCatalog is the body of GET /v2/catalog.
type plainCatalog struct {
	Services []plainService `json:"services"`
}

// plainService is an OSB v2.17 service offering.
type plainService struct {
	Name                 string                `json:"name"`
	ID                   string                `json:"id"`
	Description          string                `json:"description"`
	Tags                 []string              `json:"tags,omitempty"`
	Requires             []string              `json:"requires,omitempty"`
	Bindable             bool                  `json:"bindable"`
	InstancesRetrievable bool                  `json:"instances_retrievable"`
	BindingsRetrievable  bool                  `json:"bindings_retrievable"`
	AllowContextUpdates  bool                  `json:"allow_context_updates"`
	Metadata             map[string]any        `json:"metadata,omitempty"`
	DashboardClient      *plainDashboardClient `json:"dashboard_client,omitempty"`
	PlanUpdateable       bool                  `json:"plan_updateable"`
	BindingRotatable     bool                  `json:"binding_rotatable"`
	Plans                []plainPlan           `json:"plans"`
}

// plainDashboardClient is the OAuth client a service dashboard uses.
type plainDashboardClient struct {
	ID          string `json:"id"`
	Secret      string `json:"secret"`
	RedirectURI string `json:"redirect_uri"`
}

// plainPlan is an OSB v2.17 service plan.
type plainPlan struct {
	ID                     string                `json:"id"`
	Name                   string                `json:"name"`
	Description            string                `json:"description"`
	Metadata               map[string]any        `json:"metadata,omitempty"`
	Free                   bool                  `json:"free"`
	Bindable               bool                  `json:"bindable"`
	BindingRotatable       bool                  `json:"binding_rotatable"`
	PlanUpdateable         bool                  `json:"plan_updateable"`
	Schemas                *plainSchemas         `json:"schemas,omitempty"`
	MaximumPollingDuration int64                 `json:"maximum_polling_duration,omitempty"`
	MaintenanceInfo        *plainMaintenanceInfo `json:"maintenance_info,omitempty"`
}

// plainSchemas holds the JSON schemas of a plan's configuration parameters.
type plainSchemas struct {
	ServiceInstance *plainInstanceSchemas `json:"service_instance,omitempty"`
	ServiceBinding  *plainBindingSchemas  `json:"service_binding,omitempty"`
}

// plainInstanceSchemas are the schemas for provisioning and updating an instance.
type plainInstanceSchemas struct {
	Create *plainSchemaParameters `json:"create,omitempty"`
	Update *plainSchemaParameters `json:"update,omitempty"`
}

// plainBindingSchemas are the schemas for creating a binding.
type plainBindingSchemas struct {
	Create *plainSchemaParameters `json:"create,omitempty"`
}

// plainSchemaParameters wraps one JSON schema.
type plainSchemaParameters struct {
	Parameters map[string]any `json:"parameters"`
}

// plainMaintenanceInfo describes the maintenance version of a plan.
type plainMaintenanceInfo struct {
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

// plainLastOperation is the body of GET .../last_operation.
type plainLastOperation struct {
	State       string `json:"state"`
	Description string `json:"description,omitempty"`
}

// plainProvisionBody is the body of PUT /v2/service_instances/{id}.
type plainProvisionBody struct {
	ServiceID        string         `json:"service_id"`
	PlanID           string         `json:"plan_id"`
	OrganizationGUID string         `json:"organization_guid"`
	SpaceGUID        string         `json:"space_guid"`
	Context          map[string]any `json:"context,omitempty"`
	Parameters       map[string]any `json:"parameters,omitempty"`
}

// plainProvisionResponse is the body of a successful provision.
type plainProvisionResponse struct {
	DashboardURL string `json:"dashboard_url,omitempty"`
	Operation    string `json:"operation,omitempty"`
}

// plainClient is a minimal hand-written OSB client.
type plainClient struct {
	httpClient *http.Client
	baseURL    string
}

// plainIdleConnectionsPerHost replaces the default transport's limit of 2 idle connections
// per host, which would make a client shared by many goroutines open a new connection for
// most calls. Raising it is the one tuning any concurrent Go client needs.
const plainIdleConnectionsPerHost = 100

// newPlainClient returns a plain client with Go's default transport settings, except that
// it keeps up to plainIdleConnectionsPerHost idle connections to the broker; a non-nil
// transport replaces that one.
func newPlainClient(serverURL string, transport http.RoundTripper) (brokerClient, error) {
	pooled := http.DefaultTransport.(*http.Transport).Clone()
	pooled.MaxIdleConnsPerHost = plainIdleConnectionsPerHost
	return &plainClient{httpClient: withTransport(&http.Client{Transport: pooled}, transport), baseURL: serverURL}, nil
}

func (c *plainClient) listCatalog(ctx context.Context) (int, error) {
	var catalog plainCatalog
	if err := c.do(ctx, http.MethodGet, "/v2/catalog", nil, &catalog); err != nil {
		return 0, err
	}
	return len(catalog.Services), nil
}

func (c *plainClient) getLastOperation(ctx context.Context, instanceID string) (string, error) {
	var lastOperation plainLastOperation
	path := "/v2/service_instances/" + url.PathEscape(instanceID) + "/last_operation"
	if err := c.do(ctx, http.MethodGet, path, nil, &lastOperation); err != nil {
		return "", err
	}
	return lastOperation.State, nil
}

func (c *plainClient) provision(ctx context.Context, req *provisionRequest) (string, error) {
	body, err := json.Marshal(plainProvisionBody{
		ServiceID:        req.ServiceID,
		PlanID:           req.PlanID,
		OrganizationGUID: req.OrganizationGUID,
		SpaceGUID:        req.SpaceGUID,
		Context:          req.Context.asMap(),
		Parameters:       req.Parameters,
	})
	if err != nil {
		return "", fmt.Errorf("encode provision request: %w", err)
	}
	var resp plainProvisionResponse
	path := "/v2/service_instances/" + url.PathEscape(req.InstanceID) + "?accepts_incomplete=true"
	if err := c.do(ctx, http.MethodPut, path, body, &resp); err != nil {
		return "", err
	}
	return resp.Operation, nil
}

// do sends one request and decodes a 2xx JSON answer into out.
func (c *plainClient) do(ctx context.Context, method, path string, body []byte, out any) error {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, reader)
	if err != nil {
		return fmt.Errorf("build %s %s: %w", method, path, err)
	}
	req.Header.Set("X-Broker-API-Version", "2.17")
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	// Draining the body lets the transport put the connection back into its idle pool.
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: broker answered %s", method, path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode %s %s: %w", method, path, err)
	}
	return nil
}

// decodePlainCatalog is the plain decode step alone.
func decodePlainCatalog(body []byte) (int, error) {
	var catalog plainCatalog
	if err := json.Unmarshal(body, &catalog); err != nil {
		return 0, err
	}
	return len(catalog.Services), nil
}
