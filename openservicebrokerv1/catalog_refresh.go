package openservicebrokerv1

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// maxValidatorLength bounds an ETag or Last-Modified kept to send back: a broker's header is
// untrusted, and a real validator is short.
const maxValidatorLength = 1024

// RefreshCatalog fetches the broker's catalog and indexes it (NewCatalog). With a previous
// catalog that came with an ETag or Last-Modified, the request carries If-None-Match or
// If-Modified-Since, and a 304 Not Modified answer means the catalog is unchanged: RefreshCatalog
// then returns previous and changed false, without reading or indexing anything (Catalog
// Management allows brokers and platforms to cache the catalog this way, RFC 7232). Pass nil the
// first time. A new catalog that NewCatalog refuses returns its *CatalogError; keep using previous
// then. RefreshCatalog does not install the catalog in the client: call SetCatalog for that.
func (openServiceBroker *OpenServiceBrokerV1) RefreshCatalog(ctx context.Context, previous *Catalog) (catalog *Catalog, changed bool, err error) {
	const op = "RefreshCatalog"
	options := openServiceBroker.NewListCatalogOptions()
	conditional := previous != nil && (previous.etag != "" || previous.lastModified != "")
	if conditional {
		options.Headers = map[string]string{}
		if previous.etag != "" {
			options.Headers["If-None-Match"] = previous.etag
		}
		if previous.lastModified != "" {
			options.Headers["If-Modified-Since"] = previous.lastModified
		}
	}
	result, response, err := openServiceBroker.ListCatalogWithContext(ctx, options)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", op, err)
	}
	if response.StatusCode == http.StatusNotModified { // the status table admits it only to a conditional request
		return previous, false, nil
	}
	catalog, err = NewCatalog(result)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", op, err)
	}
	catalog.etag = validatorValue(response.Headers.Get("ETag"))
	catalog.lastModified = validatorValue(response.Headers.Get("Last-Modified"))
	return catalog, true, nil
}

// validatorValue is a validator the broker sent, or "" when it cannot be sent back as it is.
func validatorValue(value string) string {
	if len(value) > maxValidatorLength || strings.ContainsFunc(value, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return ""
	}
	return value
}
