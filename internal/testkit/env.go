package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configurationPrefix starts every variable of the client's external configuration.
const configurationPrefix = "OPEN_SERVICE_BROKER_"

// credentialsFileVariable names go-sdk-core's credentials file; unset, go-sdk-core looks for
// ibm-credentials.env in the working and the home directory.
const credentialsFileVariable = "IBM_CREDENTIALS_FILE"

// Main runs a package's tests, from its TestMain, in a hermetic environment: it unsets every
// OPEN_SERVICE_BROKER_ variable and VCAP_SERVICES, and points IBM_CREDENTIALS_FILE at an empty
// file, so that no configuration of the developer's shell, home or working directory reaches a
// test. Tests that need configuration set it with t.Setenv.
//
//	func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "testkit-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testkit:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	if err := isolate(filepath.Join(dir, "ibm-credentials.env")); err != nil {
		fmt.Fprintln(os.Stderr, "testkit:", err)
		return 2
	}
	return m.Run()
}

// isolate clears the configuration variables and installs an empty credentials file.
func isolate(credentialsFile string) error {
	for _, entry := range os.Environ() {
		name, _, _ := strings.Cut(entry, "=")
		if strings.HasPrefix(name, configurationPrefix) || name == "VCAP_SERVICES" {
			if err := os.Unsetenv(name); err != nil {
				return err
			}
		}
	}
	if err := os.WriteFile(credentialsFile, nil, 0o600); err != nil {
		return err
	}
	return os.Setenv(credentialsFileVariable, credentialsFile)
}

// SetBasicAuthConfig points the client's external configuration at a broker with basic
// authentication, for the test's duration.
func SetBasicAuthConfig(t testing.TB, url, username, password string) {
	t.Helper()
	t.Setenv(configurationPrefix+"URL", url)
	t.Setenv(configurationPrefix+"AUTH_TYPE", "basic")
	t.Setenv(configurationPrefix+"USERNAME", username)
	t.Setenv(configurationPrefix+"PASSWORD", password)
}
