package common

import (
	"regexp"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGetSdkHeaders_SendsUserAgent(t *testing.T) {
	headers := GetSdkHeaders("open_service_broker", "V1", "list_catalog")

	assert.Equal(t, map[string]string{"User-Agent": UserAgent()}, headers)
	assert.Regexp(t, regexp.MustCompile(`^osb-go-sdk/\d+\.\d+\.\d+ \(lang=go; arch=\w+; os=\w+; go\.version=go[\w.]+\)$`), UserAgent())
	assert.Equal(t, "osb-go-sdk/"+Version+" (lang=go; arch="+runtime.GOARCH+"; os="+runtime.GOOS+
		"; go.version="+runtime.Version()+")", UserAgent())
}

func TestGetSdkHeaders_ReturnsMapTheCallerOwns(t *testing.T) {
	first := GetSdkHeaders("open_service_broker", "V1", "list_catalog")
	first["User-Agent"] = "changed"

	assert.Equal(t, UserAgent(), GetSdkHeaders("open_service_broker", "V1", "list_catalog")["User-Agent"])
}
