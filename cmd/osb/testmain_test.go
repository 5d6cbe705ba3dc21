package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// testDir is the package's temporary directory, removed after the tests.
var testDir string

// TestMain keeps the developer's targets and local record out of the tests: the configuration
// and state directories are a temporary directory's (tests that look at them set their own).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "osb-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	testDir = dir
	os.Setenv("XDG_CONFIG_HOME", dir+"/config")
	os.Setenv("XDG_STATE_HOME", dir+"/state")
	code := testkit.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}
