package brokertest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// crnInstanceID is an IBM CRN as instance id: colons, and a slash that must travel as %2F.
const crnInstanceID = "crn:v1:bluemix:public:brokertest:us-south:a/0123abcd:5f0b5a0e-8f1c-4f5e-9d8e-0c1d2e3f4a5b::"

// osbClient sends OSB requests with plain net/http, as a platform would.
type osbClient struct {
	t       *testing.T
	srv     *Server
	http    *http.Client
	version string
}

func newTestServer(t *testing.T, opts ...Option) (*Server, *osbClient) {
	t.Helper()
	srv := NewServer(opts...)
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)
	return srv, &osbClient{t: t, srv: srv, http: client, version: "2.17"}
}

// answer is a response read in full.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object.
func (a answer) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.Body, &m), "body: %s", a.Body)
	return m
}

// send performs a request; path is the escaped path with any query. A string body is sent as
// is, anything else as JSON.
func (c *osbClient) send(method, path string, body any) (answer, error) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, encodeBody(c.t, body))
	require.NoError(c.t, err)
	req.SetBasicAuth(c.srv.Username, c.srv.Password)
	if c.version != "" {
		req.Header.Set("X-Broker-API-Version", c.version)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: data}, err
}

// do is send for requests that must get an answer.
func (c *osbClient) do(method, path string, body any) answer {
	c.t.Helper()
	a, err := c.send(method, path, body)
	require.NoError(c.t, err)
	return a
}

func encodeBody(t *testing.T, body any) io.Reader {
	switch b := body.(type) {
	case nil:
		return nil
	case string:
		return strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(t, err)
		return bytes.NewReader(data)
	}
}

func instancePath(id string) string { return "/v2/service_instances/" + url.PathEscape(id) }

func bindingPath(instanceID, bindingID string) string {
	return instancePath(instanceID) + "/service_bindings/" + url.PathEscape(bindingID)
}

func provisionBody(planID string, params map[string]any) map[string]any {
	body := map[string]any{
		"service_id": DefaultServiceID, "plan_id": planID,
		"organization_guid": "org", "space_guid": "space",
		"context": map[string]any{"platform": "ibmcloud"},
	}
	if params != nil {
		body["parameters"] = params
	}
	return body
}

func bindBody(params map[string]any) map[string]any {
	body := map[string]any{"service_id": DefaultServiceID, "plan_id": DefaultSyncPlanID, "app_guid": "app"}
	if params != nil {
		body["parameters"] = params
	}
	return body
}

// planQuery is the query DELETE requests need.
func planQuery(planID string) string {
	return "service_id=" + DefaultServiceID + "&plan_id=" + planID
}

// provisionSync creates a ready instance on the synchronous plan.
func (c *osbClient) provisionSync(id string) {
	c.t.Helper()
	a := c.do(http.MethodPut, instancePath(id), provisionBody(DefaultSyncPlanID, nil))
	require.Equal(c.t, http.StatusCreated, a.Status, "body: %s", a.Body)
}

// provisionAsync creates a ready instance on the asynchronous plan, polling until it is.
func (c *osbClient) provisionAsync(id string) {
	c.t.Helper()
	a := c.do(http.MethodPut, instancePath(id)+"?accepts_incomplete=true", provisionBody(DefaultAsyncPlanID, nil))
	require.Equal(c.t, http.StatusAccepted, a.Status, "body: %s", a.Body)
	operation := a.JSON(c.t)["operation"].(string)
	for range 20 {
		if c.pollState(instancePath(id), operation) != "in progress" {
			return
		}
	}
	c.t.Fatalf("the provision of %s did not end", id)
}

// pollState polls last_operation once and returns the state.
func (c *osbClient) pollState(path, operation string) string {
	c.t.Helper()
	a := c.do(http.MethodGet, path+"/last_operation?operation="+url.QueryEscape(operation), nil)
	require.Equal(c.t, http.StatusOK, a.Status, "body: %s", a.Body)
	return a.JSON(c.t)["state"].(string)
}
