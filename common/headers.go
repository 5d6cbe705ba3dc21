package common

import (
	"fmt"
	"runtime"
)

// userAgent is computed once: it is sent with every request and never changes while the
// program runs.
var userAgent = fmt.Sprintf("osb-go-sdk/%s (lang=go; arch=%s; os=%s; go.version=%s)",
	Version, runtime.GOARCH, runtime.GOOS, runtime.Version())

// UserAgent returns the User-Agent this SDK sends, for example
// "osb-go-sdk/0.1.0 (lang=go; arch=amd64; os=linux; go.version=go1.26.0)".
func UserAgent() string {
	return userAgent
}

// GetSdkHeaders returns the headers the SDK adds to a request of the given operation. The
// service name, service version and operation ID are accepted for compatibility with the IBM
// SDK generator's signature; the headers do not depend on them today. The map is new on each
// call, so the caller may modify it.
func GetSdkHeaders(serviceName, serviceVersion, operationID string) map[string]string {
	return map[string]string{"User-Agent": userAgent}
}
