package sdkruntime

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRequestKeepsValuesInItsOwnStorage(t *testing.T) {
	request := NewRequest(&Operation{Name: "Op", Path: "/a/{x}/b/{y}"}, nil, nil)
	request.SetPathValues("one", "two")
	assert.Equal(t, []string{"one", "two"}, request.PathValues)

	for i := range 6 {
		request.SetHeader(fmt.Sprintf("X-H%d", i), fmt.Sprintf("v%d", i))
	}
	request.Header["X-H0"] = append(request.Header["X-H0"], "more")
	for i := range 6 {
		want := []string{fmt.Sprintf("v%d", i)}
		if i == 0 {
			want = append(want, "more")
		}
		assert.Equal(t, want, request.Header[fmt.Sprintf("X-H%d", i)], "appending to one header leaves the next alone")
	}
	assert.Equal(t, http.Header{"X-H1": {"v1"}}.Get("X-H1"), request.Header.Get("X-H1"))
}
