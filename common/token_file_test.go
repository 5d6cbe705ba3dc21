package common

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

func TestNewBearerTokenFileAuthenticator_RejectsUnusableFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		path     string
		wantText string
		secret   string
	}{
		{name: "missing file", path: filepath.Join(dir, "missing"), wantText: "cannot be read: no such file or directory"},
		{name: "directory", path: dir, wantText: "cannot be read: is a directory"},
		{name: "empty file", path: writeFile(t, dir, "empty", nil), wantText: "is empty"},
		{name: "only white space", path: writeFile(t, dir, "blank", []byte(" \n\t\n")), wantText: "is empty"},
		{
			name: "two words", path: writeFile(t, dir, "two-words", []byte("secret-part-one secret-part-two")),
			wantText: "holds white space or control characters inside the token", secret: "secret-part",
		},
		{name: "no path", path: "", wantText: "bearer token file is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewBearerTokenFileAuthenticator(tt.path)

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantText)
			assert.Contains(t, err.Error(), tt.path)
			var fileErr *FileError
			require.ErrorAs(t, err, &fileErr)
			assert.Equal(t, FileKindBearerToken, fileErr.Kind)
			if tt.secret != "" {
				assert.NotContains(t, err.Error(), tt.secret)
			}
		})
	}
}

func TestNewBearerTokenFileAuthenticator_MissingFileMatchesErrNotExist(t *testing.T) {
	_, err := NewBearerTokenFileAuthenticator(filepath.Join(t.TempDir(), "missing"))

	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestBearerTokenFileAuthenticator_TrimsWhiteSpaceAroundToken(t *testing.T) {
	path := writeFile(t, t.TempDir(), "token", []byte("  token-value\r\n"))
	authenticator, err := NewBearerTokenFileAuthenticator(path)
	require.NoError(t, err)
	request, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	require.NoError(t, err)

	require.NoError(t, authenticator.Authenticate(request))

	assert.Equal(t, "Bearer token-value", request.Header.Get("Authorization"))
	assert.Equal(t, AuthTypeBearerTokenFile, authenticator.AuthenticationType())
	assert.Equal(t, path, authenticator.Path())
}

// The broker sees the rotated token once the check interval has passed, and the file is read
// once per change, not once per request.
func TestBearerTokenFileAuthenticator_RotatedTokenReachesServerWithoutReadingPerRequest(t *testing.T) {
	server, seen := newHeaderServer(t)
	path := writeFile(t, t.TempDir(), "token", []byte("token-one\n"))
	authenticator, err := NewBearerTokenFileAuthenticator(path)
	require.NoError(t, err)
	clock := testkit.NewFakeClock()
	reads := watch(authenticator.token, clock)
	service, err := core.NewBaseService(&core.ServiceOptions{URL: server.URL, Authenticator: authenticator})
	require.NoError(t, err)
	send := func() string {
		t.Helper()
		request, err := core.NewRequestBuilder(core.GET).ResolveRequestURL(server.URL, "/v2/catalog", nil)
		require.NoError(t, err)
		built, err := request.Build()
		require.NoError(t, err)
		_, err = service.Request(built, nil)
		require.NoError(t, err)
		return seen.last()
	}

	for range 5 {
		assert.Equal(t, "Bearer token-one", send())
	}
	assert.Equal(t, 0, reads.count(), "an unchanged file is not read again")

	rewriteFile(t, path, []byte("token-two\n"), time.Now().Add(time.Minute))
	assert.Equal(t, "Bearer token-one", send(), "the file is not checked again within the interval")

	clock.Advance(DefaultFileCheckInterval)
	for range 5 {
		assert.Equal(t, "Bearer token-two", send())
	}
	assert.Equal(t, 1, reads.count(), "a changed file is read once")

	clock.Advance(DefaultFileCheckInterval)
	assert.Equal(t, "Bearer token-two", send())
	assert.Equal(t, 1, reads.count(), "a check that finds no change does not read the file")
}

func TestBearerTokenFileAuthenticator_FailsNamingPathWhileFileIsMissing(t *testing.T) {
	path := writeFile(t, t.TempDir(), "token", []byte("secret-token-one"))
	authenticator, err := NewBearerTokenFileAuthenticator(path)
	require.NoError(t, err)
	clock := testkit.NewFakeClock()
	watch(authenticator.token, clock)
	request, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	require.NoError(t, err)

	require.NoError(t, os.Remove(path))
	clock.Advance(DefaultFileCheckInterval)
	err = authenticator.Authenticate(request)

	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.NotContains(t, err.Error(), "secret-token")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.ErrorIs(t, authenticator.Validate(), fs.ErrNotExist)

	writeFile(t, filepath.Dir(path), "token", []byte("secret-token-two"))
	clock.Advance(DefaultFileCheckInterval)
	require.NoError(t, authenticator.Authenticate(request))
	assert.Equal(t, "Bearer secret-token-two", request.Header.Get("Authorization"))
}

func TestBearerTokenFileAuthenticator_ValidateChecksFileAtOnce(t *testing.T) {
	path := writeFile(t, t.TempDir(), "token", []byte("token-one"))
	authenticator, err := NewBearerTokenFileAuthenticator(path)
	require.NoError(t, err)

	rewriteFile(t, path, nil, time.Now().Add(time.Minute))

	err = authenticator.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is empty")
}

// Concurrent requests during atomic rotations always carry a complete token (run with -race).
func TestBearerTokenFileAuthenticator_ConcurrentUseDuringRotation(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "token", []byte("token-0"))
	authenticator, err := NewBearerTokenFileAuthenticator(path)
	require.NoError(t, err)
	authenticator.SetCheckInterval(0)
	written := map[string]bool{"Bearer token-0": true}
	for i := 1; i <= 20; i++ {
		written[fmt.Sprintf("Bearer token-%d", i)] = true
	}

	var wg sync.WaitGroup
	headers := make(chan string, 8*100)
	for range 8 {
		wg.Go(func() {
			for range 100 {
				request, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
				if err := authenticator.Authenticate(request); err != nil {
					headers <- "error: " + err.Error()
					continue
				}
				headers <- request.Header.Get("Authorization")
			}
		})
	}
	for i := 1; i <= 20; i++ {
		next := writeFile(t, dir, "token.next", fmt.Appendf(nil, "token-%d", i))
		require.NoError(t, os.Rename(next, path))
	}
	wg.Wait()
	close(headers)

	for header := range headers {
		assert.True(t, written[header], "unexpected Authorization %q", header)
	}
	request, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	require.NoError(t, authenticator.Authenticate(request))
	assert.Equal(t, "Bearer token-20", request.Header.Get("Authorization"))
}
