// Package pgtest starts a throw-away PostgreSQL cluster for tests: initdb and pg_ctl on a
// temporary directory, listening on 127.0.0.1 only, stopped when the test ends.
//
// As root, the cluster belongs to the postgres user (initdb refuses to run as root): the
// commands run through runuser on a directory that user owns. Outside CI a machine without
// PostgreSQL skips the test; with CI=true it fails, so a broken CI image is never silently green.
package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BinDir is where Debian's PostgreSQL 15 keeps initdb and pg_ctl.
const BinDir = "/usr/lib/postgresql/15/bin"

// Cluster is a running PostgreSQL cluster.
type Cluster struct {
	// URL connects to the database "postgres" as the cluster's superuser, without a password.
	URL string
	dir string
	// command is the program and arguments that run a PostgreSQL tool as the cluster's owner.
	command func(tool string, args ...string) []string
}

// Start starts a cluster that is stopped when tb ends, or skips (fails in CI) when it cannot.
func Start(tb testing.TB) *Cluster {
	tb.Helper()
	c, err := start(tb.TempDir())
	if err != nil {
		unavailable(tb, err)
	}
	tb.Cleanup(c.stop)
	return c
}

// Shared is one cluster for a package's tests, started by the first test that needs it; the
// package's TestMain calls Stop after the tests.
type Shared struct {
	once sync.Once
	base string
	c    *Cluster
	err  error
}

// Get returns the cluster, starting it on first use; it skips (fails in CI) when it cannot.
func (s *Shared) Get(tb testing.TB) *Cluster {
	tb.Helper()
	s.once.Do(func() {
		if s.base, s.err = os.MkdirTemp("", "pgtest-"); s.err == nil {
			s.c, s.err = start(s.base)
		}
	})
	if s.err != nil {
		unavailable(tb, s.err)
	}
	return s.c
}

// Stop stops the cluster if it started and removes its files.
func (s *Shared) Stop() {
	if s.c != nil {
		s.c.stop()
	}
	if s.base != "" {
		_ = os.RemoveAll(s.base)
	}
}

func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("PostgreSQL is needed and did not start: %v", err)
	}
	tb.Skipf("PostgreSQL did not start (install the postgresql package; CI fails here): %v", err)
}

func start(base string) (*Cluster, error) {
	if _, err := os.Stat(filepath.Join(BinDir, "initdb")); err != nil {
		return nil, fmt.Errorf("no initdb in %s: %w", BinDir, err)
	}
	c := &Cluster{dir: filepath.Join(base, "pg")}
	owner, err := c.prepare()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if err := c.exec("initdb", "-D", c.dir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"); err != nil {
		return nil, err
	}
	settings := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -c fsync=off -c max_connections=200", port, c.dir)
	if err := c.exec("pg_ctl", "-D", c.dir, "-w", "-t", "60", "-l", filepath.Join(c.dir, "log"), "-o", settings, "start"); err != nil {
		return nil, fmt.Errorf("%w (as %s)", err, owner)
	}
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return c, nil
}

// prepare chooses who runs the cluster and makes the directory theirs; it returns their name.
func (c *Cluster) prepare() (string, error) {
	if os.Geteuid() != 0 {
		c.command = func(tool string, args ...string) []string {
			return append([]string{filepath.Join(BinDir, tool)}, args...)
		}
		return "the current user", os.MkdirAll(c.dir, 0o700)
	}
	pg, err := user.Lookup("postgres")
	if err != nil {
		return "", fmt.Errorf("running as root needs the postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	// The temporary directory's parents are root's: the postgres user must be able to reach it.
	for dir := filepath.Dir(c.dir); dir != "/" && dir != os.TempDir(); dir = filepath.Dir(dir) {
		if err := os.Chmod(dir, 0o755); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return "", err
	}
	if err := os.Chown(c.dir, uid, gid); err != nil {
		return "", err
	}
	c.command = func(tool string, args ...string) []string {
		return append([]string{"runuser", "-u", "postgres", "--", filepath.Join(BinDir, tool)}, args...)
	}
	return "postgres", nil
}

func (c *Cluster) exec(tool string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	argv := c.command(tool, args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", tool, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// stop shuts the cluster down at once: its data is thrown away with the directory.
func (c *Cluster) stop() {
	_ = c.exec("pg_ctl", "-D", c.dir, "-m", "immediate", "-w", "stop")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
