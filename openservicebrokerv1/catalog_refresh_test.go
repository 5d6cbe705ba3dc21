package openservicebrokerv1

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cachingBroker serves a catalog with an ETag and a Last-Modified and answers 304 when the
// request's validators still match; it records the validators of each request.
type cachingBroker struct {
	mu           sync.Mutex
	catalog      string
	etag         string
	lastModified string
	seen         []http.Header
}

func (b *cachingBroker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seen = append(b.seen, http.Header{"If-None-Match": r.Header.Values("If-None-Match"), "If-Modified-Since": r.Header.Values("If-Modified-Since")})
	if b.etag != "" {
		w.Header().Set("ETag", b.etag)
	}
	if b.lastModified != "" {
		w.Header().Set("Last-Modified", b.lastModified)
	}
	match := r.Header.Get("If-None-Match")
	if (match != "" && match == b.etag) || (match == "" && b.lastModified != "" && r.Header.Get("If-Modified-Since") == b.lastModified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(b.catalog))
}

func (b *cachingBroker) change(catalog, etag, lastModified string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.catalog, b.etag, b.lastModified = catalog, etag, lastModified
}

func (b *cachingBroker) requests() []http.Header {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]http.Header(nil), b.seen...)
}

// newServedClient returns a client (no authentication, no retries) of a loopback broker that
// handler serves.
func newServedClient(t *testing.T, handler http.Handler) *OpenServiceBrokerV1 {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return newLoopbackClient(t, server.URL)
}

func TestRefreshCatalog_SendsTheValidatorsAndKeepsTheCatalogOn304(t *testing.T) {
	const lastModified = "Tue, 01 Dec 2026 10:00:00 GMT"
	broker := &cachingBroker{}
	broker.change(rulesCatalog, `"v1"`, lastModified)
	client := newServedClient(t, broker)
	ctx := context.Background()

	first, changed, err := client.RefreshCatalog(ctx, nil)
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, `"v1"`, first.ETag())
	assert.Equal(t, lastModified, first.LastModified())

	again, changed, err := client.RefreshCatalog(ctx, first)
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Same(t, first, again)

	broker.change(`{"services": [{"id": "2b4c7a4e-27a4-4b1e-9f65-2e5d0c7c7d11", "name": "postgres", "description": "PostgreSQL", "bindable": true,
	  "plans": [{"id": "7d3c1f0e-5a4b-4c3d-9e8f-1a2b3c4d5e6f", "name": "small", "description": "Small"}]}]}`, `"v2"`, "")
	fresh, changed, err := client.RefreshCatalog(ctx, first)
	require.NoError(t, err)
	assert.True(t, changed)
	_, ok := fresh.ServiceByName("postgres")
	assert.True(t, ok)
	assert.Equal(t, `"v2"`, fresh.ETag())
	assert.Empty(t, fresh.LastModified())

	seen := broker.requests()
	require.Len(t, seen, 3)
	assert.Empty(t, seen[0].Values("If-None-Match"), "the first request is unconditional")
	assert.Empty(t, seen[0].Values("If-Modified-Since"))
	assert.Equal(t, []string{`"v1"`}, seen[1].Values("If-None-Match"))
	assert.Equal(t, []string{lastModified}, seen[1].Values("If-Modified-Since"))
	assert.Equal(t, []string{`"v1"`}, seen[2].Values("If-None-Match"))
}

func TestRefreshCatalog_UsesLastModifiedAlone(t *testing.T) {
	const lastModified = "Tue, 01 Dec 2026 10:00:00 GMT"
	broker := &cachingBroker{}
	broker.change(rulesCatalog, "", lastModified)
	client := newServedClient(t, broker)

	first, _, err := client.RefreshCatalog(context.Background(), nil)
	require.NoError(t, err)
	again, changed, err := client.RefreshCatalog(context.Background(), first)
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Same(t, first, again)
	assert.Empty(t, broker.requests()[1].Values("If-None-Match"))
}

func TestRefreshCatalog_RejectsA304ToAnUnconditionalRequest(t *testing.T) {
	client := newServedClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	previousWithoutValidators, err := NewCatalog(decodeCatalog(t, rulesCatalog))
	require.NoError(t, err)

	for _, previous := range []*Catalog{nil, previousWithoutValidators} {
		catalog, changed, err := client.RefreshCatalog(context.Background(), previous)
		assert.Nil(t, catalog)
		assert.False(t, changed)
		assert.ErrorIs(t, err, ErrUndefinedStatus)
		assert.ErrorContains(t, err, "RefreshCatalog: ")
		assert.ErrorContains(t, err, "only to a request with If-None-Match or If-Modified-Since")
	}
}

func TestRefreshCatalog_ReportsAnUnusableCatalog(t *testing.T) {
	broker := &cachingBroker{}
	broker.change(`{"services": [{"id": "a", "name": "a", "description": "A", "bindable": true, "plans": []}]}`, `"bad"`, "")
	client := newServedClient(t, broker)

	catalog, _, err := client.RefreshCatalog(context.Background(), nil)
	assert.Nil(t, catalog)
	var catalogErr *CatalogError
	require.ErrorAs(t, err, &catalogErr)
	assert.Equal(t, FindingServicePlansMissing, catalogErr.Findings[0].ID)
}

func TestValidatorValue_DropsWhatCannotBeSentBack(t *testing.T) {
	assert.Equal(t, `W/"abc"`, validatorValue(`W/"abc"`))
	assert.Empty(t, validatorValue("a\x01b"))
	assert.Empty(t, validatorValue(strings.Repeat("a", maxValidatorLength+1)))
}
