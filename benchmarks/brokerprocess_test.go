package benchmarks

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

// The scale figures need a broker in another process: a brokertest broker in the same process
// would add its own records of 10,000 instances and of every request to the heap being
// measured, and its goroutines to the goroutines counted. The test binary serves as that
// process when brokerProcessEnv holds the broker's settings.

// brokerProcessEnv names the environment variable that makes the test binary serve a broker
// instead of running tests; its value is the JSON of brokerProcessSettings.
const brokerProcessEnv = "OSB_BENCHMARKS_BROKER_PROCESS"

func TestMain(m *testing.M) {
	if settings := os.Getenv(brokerProcessEnv); settings != "" {
		if err := serveBrokerProcess(settings, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "broker process:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// brokerProcessSettings configure the asynchronous operations of the broker process.
type brokerProcessSettings struct {
	AsyncDuration     time.Duration `json:"async_duration"`
	AsyncPolls        int           `json:"async_polls"`
	RetryAfterSeconds int           `json:"retry_after_seconds"`
}

// brokerProcessAddress is the first line the broker process writes: where and how to reach it.
type brokerProcessAddress struct {
	URL      string `json:"url"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// brokerProcessReport is what the broker process saw, written when its standard input ends.
type brokerProcessReport struct {
	// Polls counts the last_operation requests by instance path.
	Polls map[string]int `json:"polls"`
	// FailedPolls counts the last_operation requests not answered 200.
	FailedPolls int `json:"failed_polls"`
	// Provisions counts the provision requests.
	Provisions int `json:"provisions"`
}

// serveBrokerProcess starts a brokertest broker, writes its address as one JSON line to out,
// serves until in ends, then writes its report as JSON to out.
func serveBrokerProcess(encodedSettings string, in io.Reader, out io.Writer) error {
	var settings brokerProcessSettings
	if err := json.Unmarshal([]byte(encodedSettings), &settings); err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	server, err := brokertest.Start(
		brokertest.WithAsyncDuration(settings.AsyncDuration),
		brokertest.WithAsyncPolls(settings.AsyncPolls),
		brokertest.WithLastOperationRetryAfter(settings.RetryAfterSeconds),
	)
	if err != nil {
		return err
	}
	defer server.Close()
	encoder := json.NewEncoder(out)
	if err := encoder.Encode(brokerProcessAddress{URL: server.URL, Username: server.Username, Password: server.Password}); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, in); err != nil {
		return fmt.Errorf("wait for the end of input: %w", err)
	}
	return encoder.Encode(reportRequests(server.Requests()))
}

// reportRequests counts the polls by instance and the provisions among requests.
func reportRequests(requests []brokertest.RecordedRequest) brokerProcessReport {
	report := brokerProcessReport{Polls: make(map[string]int)}
	for _, r := range requests {
		switch {
		case r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/last_operation"):
			report.Polls[strings.TrimSuffix(r.Path, "/last_operation")]++
			if r.Status != http.StatusOK {
				report.FailedPolls++
			}
		case r.Method == http.MethodPut:
			report.Provisions++
		}
	}
	return report
}

// brokerProcess is a running broker process.
type brokerProcess struct {
	brokerProcessAddress
	cmd    *exec.Cmd
	input  io.WriteCloser
	output *bufio.Reader
}

// startBrokerProcess runs the test binary as a broker with settings; it ends when tb ends.
func startBrokerProcess(tb testing.TB, settings brokerProcessSettings) *brokerProcess {
	tb.Helper()
	encoded, err := json.Marshal(settings)
	if err != nil {
		tb.Fatal(err)
	}
	executable, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(executable, "-test.run=^$")
	cmd.Env = append(os.Environ(), brokerProcessEnv+"="+string(encoded))
	cmd.Stderr = os.Stderr
	input, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	output, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start the broker process: %v", err)
	}
	process := &brokerProcess{cmd: cmd, input: input, output: bufio.NewReader(output)}
	tb.Cleanup(process.stop)
	if err := json.NewDecoder(strings.NewReader(readLine(process.output))).Decode(&process.brokerProcessAddress); err != nil {
		tb.Fatalf("read the broker process's address: %v", err)
	}
	return process
}

// report ends the broker process and returns what it saw.
func (p *brokerProcess) report() (brokerProcessReport, error) {
	var report brokerProcessReport
	if err := p.input.Close(); err != nil {
		return report, err
	}
	decodeErr := json.NewDecoder(p.output).Decode(&report)
	return report, errors.Join(decodeErr, p.cmd.Wait())
}

// stop kills the broker process if it is still running.
func (p *brokerProcess) stop() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

// readLine returns the next line of r, without its end.
func readLine(r *bufio.Reader) string {
	line, _ := r.ReadString('\n')
	return strings.TrimSuffix(line, "\n")
}
