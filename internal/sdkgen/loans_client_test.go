package sdkgen_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/go-openapi/strfmt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	loans "github.com/osbkit/osb-go-sdk/internal/sdkgen/testdata/libraryloans/libraryloansapiv3"
)

// newLoansClient returns the generated library loans client talking to handler over loopback.
func newLoansClient(t *testing.T, handler http.HandlerFunc) *loans.LibraryLoansAPIV3 {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	client, err := loans.NewLibraryLoansAPIV3(&loans.LibraryLoansAPIV3Options{URL: server.URL, Authenticator: &core.NoAuthAuthenticator{}})
	require.NoError(t, err)
	return client
}

// TestClientOfASpecWithoutExtensionsDecodesAResultOfSeveralSchemas sends the body merged from
// allOf and decodes a 202 answer into the <Method>Result that merges every 2xx schema.
func TestClientOfASpecWithoutExtensionsDecodesAResultOfSeveralSchemas(t *testing.T) {
	var sent map[string]any
	client := newLoansClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, http.MethodPut, r.Method)
		assert.Equal(t, "/v3/branches/b1/loans/l1", r.URL.Path)
		assert.Equal(t, "3.2", r.Header.Get("X-Library-API-Version"), "New<Op>Options presets a required header's default")
		assert.NoError(t, json.NewDecoder(r.Body).Decode(&sent))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"operation":"op-7","poll_after_seconds":5,"queue":"north"}`))
	})
	due := strfmt.DateTime(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	options := client.NewLoanOpenOptions("b1", "l1").SetMemberID("m1").SetBookID("k1").SetDueAt(&due)
	result, response, err := client.LoanOpen(options)
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, response.StatusCode)
	assert.Equal(t, "op-7", *result.Operation)
	assert.Equal(t, int64(5), *result.PollAfterSeconds)
	assert.Equal(t, "north", result.GetProperty("queue"), "Loan keeps unknown properties, so the result does")
	assert.Equal(t, "m1", sent["member_id"])
	assert.Equal(t, "k1", sent["book_id"])
	assert.Equal(t, "2026-03-01T12:00:00.000Z", sent["due_at"])
}

func TestClientOfASpecWithoutExtensionsDecodesAnArrayResult(t *testing.T) {
	client := newLoansClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "full", r.URL.Query().Get("format"))
		assert.Equal(t, "a,b", r.URL.Query().Get("tags"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id":"x1","title":"Dune","shelf":{"room":"2B","position":4},"cover":"https://c/x1.png"}]`))
	})
	books, _, err := client.BooksList(client.NewBooksListOptions("b1", "full").SetTags([]string{"a", "b"}))
	require.NoError(t, err)
	require.Len(t, *books, 1)
	book := (*books)[0]
	assert.Equal(t, "Dune", *book.Title)
	assert.Equal(t, "2B", *book.Shelf.Room, "an inline object decodes into its generated model")
	assert.Equal(t, "https://c/x1.png", book.Cover, "anyOf decodes as whatever JSON arrives")
}

func TestClientOfASpecWithoutExtensionsChecksRequiredValuesBeforeSending(t *testing.T) {
	client := newLoansClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("nothing may be sent, got %s %s", r.Method, r.URL)
	})
	cases := map[string]error{
		"X-Library-API-Version": func() error {
			_, _, err := client.CatalogGet(client.NewCatalogGetOptions().SetXLibraryAPIVersion(" "))
			return err
		}(),
		"until": func() error {
			_, _, err := client.LoanRenew(client.NewLoanRenewOptions("b1", "l1"))
			return err
		}(),
	}
	for parameter, err := range cases {
		var problem *loans.ParameterError
		require.ErrorAs(t, err, &problem, parameter)
		assert.Equal(t, parameter, problem.Parameter)
	}
}
