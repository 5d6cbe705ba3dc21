package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// failFast switches retries off, so that the failures a test provokes end at once, and gives
// the test targets and a local record of its own. The rest of the caller's configuration never
// reaches a test (TestMain runs testkit.Main).
func failFast(t *testing.T) {
	t.Helper()
	t.Setenv("OPEN_SERVICE_BROKER_MAX_RETRIES", "0")
	withHome(t)
}

// result is what one run of osb printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// invocation is one run of the command tree in the test's process.
type invocation struct {
	ctx      context.Context
	stdin    string
	terminal bool
	// interactive makes stdin a terminal too, where password is typed at the prompt.
	interactive bool
	password    string
}

// osb runs the real command tree with args against srv, its credentials passed as a user would:
// --user and the password on stdin.
func osb(t *testing.T, srv *brokertest.Server, args ...string) result {
	t.Helper()
	return invocation{}.run(t, srv, args...)
}

func (inv invocation) run(t *testing.T, srv *brokertest.Server, args ...string) result {
	t.Helper()
	if srv != nil {
		return inv.runAt(t, srv.URL, srv.Username, srv.Password, args...)
	}
	return inv.runAt(t, "", "", "", args...)
}

// runAt runs the command tree against the broker at url with basic-auth credentials, the
// password on stdin; with an empty url the caller's args say everything.
func (inv invocation) runAt(t *testing.T, url, username, password string, args ...string) result {
	t.Helper()
	stdin := inv.stdin
	if url != "" {
		args = append([]string{"--url", url, "--user", username, "--password-stdin"}, args...)
		stdin = password + "\n" + stdin
	}
	ctx := inv.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr, terminal: inv.terminal || inv.interactive,
		stdinTerminal: inv.interactive, readSecret: func() (string, error) { return inv.password, nil }}
	code := a.execute(ctx, args)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// newBroker starts a brokertest broker for one test.
func newBroker(t *testing.T, opts ...brokertest.Option) *brokertest.Server {
	t.Helper()
	failFast(t)
	srv := brokertest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// What varies between runs, replaced before comparing with a golden file.
var (
	uuidPattern     = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	urlPattern      = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)
	usernamePattern = regexp.MustCompile(`user-[a-z0-9]{8}`)
	dbPattern       = regexp.MustCompile(`/db[0-9]+`)
	lastActive      = regexp.MustCompile(`("?last_active"?[:=] ?)([0-9]+|[0-9TZ:-]{20})`)
)

func normalize(s string) string {
	s = uuidPattern.ReplaceAllString(s, "<uuid>")
	s = urlPattern.ReplaceAllString(s, "<broker>")
	s = usernamePattern.ReplaceAllString(s, "user-<random>")
	s = dbPattern.ReplaceAllString(s, "/db<n>")
	return lastActive.ReplaceAllString(s, "${1}<time>")
}

// assertGolden compares got, normalized, with testdata/name; -update rewrites the file.
func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(testdataDir, name)
	got = normalize(got)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./cmd/osb -update to create %s", path)
	assert.Equal(t, string(want), got, "golden file %s (go test ./cmd/osb -update rewrites it)", path)
}

const testdataDir = "testdata"

// builtOSB is the osb binary as a user installs it, built once for the package's tests.
var builtOSB = sync.OnceValues(func() (string, error) {
	binary := filepath.Join(testDir, "osb")
	output, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %w: %s", err, output)
	}
	return binary, nil
})

// osbBinary builds osb once, or skips the test under -short.
func osbBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binary, err := builtOSB()
	require.NoError(t, err)
	return binary
}
