package sdkgen

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGoNameFollowsInitialismRules(t *testing.T) {
	cases := map[string]string{
		"instance_id":                        "InstanceID",
		"dashboard_url":                      "DashboardURL",
		"organization_guid":                  "OrganizationGuid",
		"serviceid_crn":                      "ServiceidCrn",
		"get_service_binding_last_operation": "GetServiceBindingLastOperation",
		"X-Broker-API-Request-Identity":      "XBrokerAPIRequestIdentity",
		"in progress":                        "InProgress",
		"IBMCLOUD_ACCT_ACTIVATE":             "IbmcloudAcctActivate",
		"displayName":                        "DisplayName",
		"2fa":                                "X2fa",
	}
	for in, want := range cases {
		assert.Equal(t, want, goName(in), in)
	}
}

func TestLowerFirstKeepsInitialismsReadable(t *testing.T) {
	cases := map[string]string{
		"InstanceID": "instanceID",
		"URL":        "url",
		"ID":         "id",
		"URLPath":    "urlPath",
		"plain":      "plain",
	}
	for in, want := range cases {
		assert.Equal(t, want, lowerFirst(in), in)
	}
}

func TestFileNameIsSnakeCase(t *testing.T) {
	assert.Equal(t, "instance_put_resp", fileName("InstancePutResp"))
	assert.Equal(t, "list_catalog", fileName("list_catalog"))
}
