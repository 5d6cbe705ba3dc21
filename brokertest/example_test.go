package brokertest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

// get sends an authenticated OSB GET request and returns the status code.
func get(srv *brokertest.Server, path string, into any) int {
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	req.SetBasicAuth(srv.Username, srv.Password)
	req.Header.Set("X-Broker-API-Version", "2.17")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if into != nil {
		_ = json.NewDecoder(resp.Body).Decode(into)
	}
	return resp.StatusCode
}

func Example() {
	srv := brokertest.NewServer()
	defer srv.Close()

	var catalog struct {
		Services []struct {
			Name  string
			Plans []struct{ ID string }
		}
	}
	status := get(srv, "/v2/catalog", &catalog)
	fmt.Println(status, catalog.Services[0].Name)
	for _, plan := range catalog.Services[0].Plans {
		fmt.Println(" plan", plan.ID)
	}
	// Output:
	// 200 brokertest-db
	//  plan a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09
	//  plan d7e29b45-0c3f-4a18-b6d2-9e5f1a7c3b84
}

func ExampleServer_InjectFault() {
	srv := brokertest.NewServer()
	defer srv.Close()

	// The next catalog request gets a proxy's HTML error page instead of the broker's answer.
	err := srv.InjectFault(brokertest.Fault{
		Method: http.MethodGet, PathPattern: "/v2/catalog", Count: 1,
		Status: http.StatusBadGateway, Body: "<html>bad gateway</html>",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(get(srv, "/v2/catalog", nil))
	fmt.Println(get(srv, "/v2/catalog", nil))
	for _, r := range srv.Requests() {
		fmt.Printf("%s %s -> %d %q\n", r.Method, r.Path, r.Status, r.Fault)
	}
	// Output:
	// 502
	// 200
	// GET /v2/catalog -> 502 "status 502"
	// GET /v2/catalog -> 200 ""
}

func ExampleServer_Instances() {
	srv := brokertest.NewServer()
	defer srv.Close()

	body := `{"service_id": "3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30", "plan_id": "a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09",
		"organization_guid": "org-1", "space_guid": "space-1", "context": {"platform": "cloudfoundry"}}`
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/v2/service_instances/db-1", strings.NewReader(body))
	req.SetBasicAuth(srv.Username, srv.Password)
	req.Header.Set("X-Broker-API-Version", "2.17")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	for _, inst := range srv.Instances() {
		fmt.Println(inst.ID, inst.PlanID, inst.Ready)
	}
	// Output:
	// 201
	// db-1 a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09 true
}

// put sends an authenticated OSB PUT request and prints the status and the description.
func put(srv *brokertest.Server, path, body string) {
	req, _ := http.NewRequest(http.MethodPut, srv.URL+path, strings.NewReader(body))
	req.SetBasicAuth(srv.Username, srv.Password)
	req.Header.Set("X-Broker-API-Version", "2.17")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var answer struct{ Description string }
	_ = json.NewDecoder(resp.Body).Decode(&answer)
	fmt.Println(resp.StatusCode, answer.Description)
}

// A strict broker names the rule a request breaks; a lenient one lets it through.
func ExampleWithLenient() {
	body := `{"service_id": "3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30", "plan_id": "a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09"}`

	strict := brokertest.NewServer()
	defer strict.Close()
	put(strict, "/v2/service_instances/db-1", body)

	lenient := brokertest.NewServer(brokertest.WithLenient())
	defer lenient.Close()
	put(lenient, "/v2/service_instances/db-1", body)
	// Output:
	// 400 malformed provision request: organization_guid, space_guid must be present as non-empty strings (OSB v2.17 "Provisioning", Body)
	// 201
}

func ExampleWithMisbehaviour() {
	srv := brokertest.NewServer(brokertest.WithMisbehaviour(brokertest.MisbehaveCreateAnswers200))
	defer srv.Close()

	put(srv, "/v2/service_instances/db-1", `{"service_id": "3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30", "plan_id": "a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09",
		"organization_guid": "org-1", "space_guid": "space-1"}`)
	// Output: 200
}
