package openservicebrokerv1_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// A broker (or a test of a platform) reads the client's version table from the other side: what
// does a received request carry that the X-Broker-API-Version it announces does not have yet?
func ExampleNewerThanAPIVersion() {
	body := `{"service_id": "svc", "plan_id": "small", "maintenance_info": {"version": "2.0.0"},
		"context": {"platform": "cloudfoundry", "instance_name": "my-db"}}`
	request := httptest.NewRequest("PUT", "http://broker.example/v2/service_instances/db-1", strings.NewReader(body))
	request.Header.Set(openservicebrokerv1.HeaderAPIVersion, "2.14")

	for _, rule := range openservicebrokerv1.NewerThanAPIVersion(request, []byte(body)) {
		fmt.Printf("%s %s since %s, refused: %t\n", rule.Kind, rule.Name, rule.Since, rule.Refused)
	}

	outside := httptest.NewRequest("GET", "http://broker.example/healthz", nil)
	outside.Header.Set(openservicebrokerv1.HeaderAPIVersion, "2.12")
	outside.Header.Set(openservicebrokerv1.HeaderOriginatingIdentity, "cloudfoundry e30=")
	fmt.Println("a request for no operation:", len(openservicebrokerv1.NewerThanAPIVersion(outside, nil)))
	// Output:
	// body /context/instance_name since 2.15, refused: false
	// body /maintenance_info since 2.15, refused: true
	// a request for no operation: 0
}
