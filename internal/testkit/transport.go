package testkit

import "net/http"

// RoundTripperFunc is an http.RoundTripper made of a function, to watch or stub the requests
// of a client under test.
type RoundTripperFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f RoundTripperFunc) RoundTrip(request *http.Request) (*http.Response, error) {
	return f(request)
}
