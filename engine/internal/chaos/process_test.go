package chaos

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildChaosproc builds the soak's program without the race detector: the processes it plays
// are killed and restarted many times, and a race-instrumented build would be slow to do so.
func buildChaosproc(t *testing.T) string {
	t.Helper()
	binary := filepath.Join(t.TempDir(), "chaosproc")
	goTool := os.Getenv("GO")
	if goTool == "" {
		goTool = "go"
	}
	build := exec.Command(goTool, "build", "-o", binary, "./cmd/chaosproc")
	build.Env = append(os.Environ(), "GOWORK=off")
	output, err := build.CombinedOutput()
	require.NoError(t, err, "building chaosproc: %s", output)
	return binary
}

// process is a running chaosproc; its output lines arrive on lines, closed when it exited.
type process struct {
	cmd   *exec.Cmd
	input io.WriteCloser
	lines chan string
	// exited is the process's exit, read after lines is closed.
	exited error
}

// startProcess runs the binary in role with settings, its standard error appended to logPath.
func startProcess(t *testing.T, binary, role string, settings any, logPath string) *process {
	t.Helper()
	encoded, err := json.Marshal(settings)
	require.NoError(t, err)
	log, err := os.OpenFile(logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	defer log.Close() // the child holds its own descriptor
	p := &process{cmd: exec.Command(binary, role, string(encoded)), lines: make(chan string, 64)}
	p.cmd.Stderr = log
	p.input, err = p.cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	go func() {
		scanner := bufio.NewScanner(stdout)
		scanner.Buffer(make([]byte, 1<<20), 16<<20)
		for scanner.Scan() {
			p.lines <- scanner.Text()
		}
		p.exited = p.cmd.Wait()
		close(p.lines)
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
		}
	})
	return p
}

// killedBySignal reports whether the process ended by a signal (SIGKILL here).
func killedBySignal(err error) bool {
	var exit *exec.ExitError
	return errors.As(err, &exit) && exit.ProcessState.ExitCode() == -1
}

// field splits an output line into its word and the rest: "summary {...}".
func field(line string) (string, string) {
	word, rest, _ := strings.Cut(line, " ")
	return word, rest
}

// readVault returns the logins the platform's OnCredentials stored; a line cut short by a kill
// is not a stored login.
func readVault(t *testing.T, path string) map[string]bool {
	t.Helper()
	logins := map[string]bool{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return logins
	}
	require.NoError(t, err)
	for line := range strings.SplitSeq(string(data), "\n") {
		var entry vaultEntry
		if json.Unmarshal([]byte(line), &entry) == nil {
			logins[entry.Username] = true
		}
	}
	return logins
}
