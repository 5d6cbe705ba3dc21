package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

func TestCredentialsFileKeepsWhatMaskingHides(t *testing.T) {
	srv := newBroker(t)
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	path := filepath.Join(t.TempDir(), "credentials.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))

	got := osb(t, srv, "bind", "inst", "b", "--service", service, "--plan", syncPlan, "--credentials-file", path)
	require.Equal(t, exitOK, got.code, got.stderr)

	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "only its owner may read the credentials")
	var written brokertest.Credentials
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &written))
	assert.Equal(t, srv.Bindings()[0].Credentials, written)
	assert.False(t, strings.Contains(got.stdout+got.stderr, written.Password), "the credentials are printed masked")
	assert.Contains(t, got.stdout, "password: ****")
}

func TestCredentialsFileIsCheckedBeforeSending(t *testing.T) {
	srv := newBroker(t)
	for _, path := range []string{t.TempDir(), filepath.Join(t.TempDir(), "missing", "c.json")} {
		srv.ResetRequests()
		got := osb(t, srv, "bind", "inst", "b", "--service", service, "--plan", syncPlan, "--credentials-file", path)
		assert.Equal(t, exitUsage, got.code, got.stderr)
		assert.Contains(t, got.stderr, "--credentials-file")
		assert.Empty(t, srv.Requests(), "nothing was sent")
	}
}

func TestBindSaysWhenCredentialsCannotBeFetchedAgain(t *testing.T) {
	catalog := brokertest.DefaultCatalog()
	catalog[0].BindingsRetrievable = false
	srv := newBroker(t, brokertest.WithCatalog(catalog))
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	for _, format := range []string{formatTable, formatJSON} {
		got := osb(t, srv, "bind", "inst", "b-"+format, "--service", service, "--plan", syncPlan, "-o", format)
		require.Equal(t, exitOK, got.code, got.stderr)
		assert.Contains(t, got.stderr, "bindings are not retrievable", format)
		assert.Contains(t, got.stderr, "--credentials-file FILE", format)
	}
	got := osb(t, srv, "bind", "inst", "b-shown", "--service", service, "--plan", syncPlan, "--show-secrets")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.NotContains(t, got.stderr, "not retrievable", "shown credentials need no warning")
}
