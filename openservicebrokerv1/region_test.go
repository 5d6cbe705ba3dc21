package openservicebrokerv1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func TestGetServiceURLForRegionSaysHowToSetTheURL(t *testing.T) {
	url, err := openservicebrokerv1.GetServiceURLForRegion("us-south")

	assert.Empty(t, url)
	assert.ErrorContains(t, err, "SetServiceURL")
}
