package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

// listed reads osb instances or osb bindings -o json.
func listed(t *testing.T, args ...string) []entry {
	t.Helper()
	got := invocation{}.run(t, nil, append(args, "-o", "json")...)
	require.Equal(t, exitOK, got.code, got.stderr)
	var printed struct{ Answer []entry }
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &printed), got.stdout)
	return printed.Answer
}

func TestTheRecordListsWhatOsbCreatedAndHoldsNoCredential(t *testing.T) {
	srv := newBroker(t)
	home := withHome(t)
	got := osb(t, srv, "provision", "db-1", "--service", "brokertest-db", "--plan", "small")
	require.Equal(t, exitOK, got.code, got.stderr)
	got = osb(t, srv, "bind", "db-1", "app-1", "--show-secrets", "-o", "json")
	require.Equal(t, exitOK, got.code, got.stderr)
	var bound struct {
		Answer struct{ Credentials map[string]any }
	}
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &bound))
	require.NotEmpty(t, bound.Answer.Credentials["password"])

	instances := listed(t, "instances")
	require.Len(t, instances, 1)
	assert.Equal(t, entry{Broker: srv.URL, InstanceID: "db-1", ServiceID: service, PlanID: syncPlan, ServiceName: "brokertest-db",
		PlanName: "small", Kind: kindProvision, State: stateSucceeded}, withoutTime(instances[0]))
	bindings := listed(t, "bindings", "db-1")
	require.Len(t, bindings, 1)
	assert.Equal(t, "app-1", bindings[0].BindingID)
	assert.Equal(t, "small", bindings[0].PlanName, "bind took the plan of the recorded instance")

	files, err := filepath.Glob(filepath.Join(home, "state", "osb", "osb.db*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		content, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, credential := range []string{srv.Password, bound.Answer.Credentials["password"].(string), bound.Answer.Credentials["uri"].(string)} {
			assert.False(t, strings.Contains(string(content), credential), "%s holds a credential", file)
		}
		info, err := os.Stat(file)
		require.NoError(t, err)
		assert.Zero(t, info.Mode().Perm()&0o077, "%s is readable by others", file)
	}
}

func withoutTime(e entry) entry {
	e.Updated = time.Time{}
	return e
}

func TestCommandsTakeTheInstanceIDAlone(t *testing.T) {
	withHome(t)
	srv := newBroker(t)
	got := osb(t, srv, "provision", "db-1", "--service", "brokertest-db", "--plan", "small")
	require.Equal(t, exitOK, got.code, got.stderr)
	for _, args := range [][]string{
		{"bind", "db-1", "app-1"}, {"get", "binding", "db-1", "app-1"}, {"unbind", "db-1", "app-1"},
		{"update", "db-1", "--param", "size_gb=2"}, {"get", "instance", "db-1"}, {"deprovision", "db-1"},
	} {
		got := osb(t, srv, args...)
		require.Equal(t, exitOK, got.code, "%v: %s", args, got.stderr)
	}
	assert.Empty(t, srv.Instances())
	assert.Empty(t, listed(t, "instances"), "a deprovisioned instance leaves the record")
}

func TestWithoutARecordTheServiceAndPlanAreReadFromTheBroker(t *testing.T) {
	withHome(t)
	srv := newBroker(t)
	got := osb(t, srv, "provision", "db-1", "--service", "brokertest-db", "--plan", "small")
	require.Equal(t, exitOK, got.code, got.stderr)
	withHome(t)
	got = osb(t, srv, "deprovision", "db-1")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Empty(t, srv.Instances())

	got = osb(t, srv, "deprovision", "db-1")
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "give --service and --plan: instance db-1 is not in the local record")
}

func TestRepeatingAProvisionIsTheIdenticalRequest(t *testing.T) {
	withHome(t)
	srv := newBroker(t, brokertest.WithAsyncPolls(0), brokertest.WithLastOperationRetryAfter(0))
	args := []string{"provision", "db-1", "--service", "brokertest-db", "--plan", "large", "--wait", "-o", "json"}
	first := osb(t, srv, args...)
	require.Equal(t, exitOK, first.code, first.stderr)
	again := osb(t, srv, args...)
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Contains(t, again.stdout, `"status": 200`, "the broker recognises the identical provision")
}

func TestAnInterruptedWaitIsResumed(t *testing.T) {
	withHome(t)
	srv := newBroker(t, brokertest.WithAsyncPolls(1), brokertest.WithLastOperationRetryAfter(0))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	duringTheWait := make(chan []entry, 1)
	go func() {
		for len(srv.Requests()) < 3 {
			time.Sleep(5 * time.Millisecond)
		}
		// What the record holds while osb waits is what a crash would leave.
		var entries []entry
		if path, err := recordPath(); err == nil {
			if rec, err := openRecord(path); err == nil {
				entries, _ = rec.list(false, "")
				rec.close()
			}
		}
		duringTheWait <- entries
		cancel()
	}()
	got := invocation{ctx: ctx}.run(t, srv, "provision", "db-1", "--service", "brokertest-db", "--plan", "large", "--wait")
	require.Equal(t, exitInterrupted, got.code, got.stderr)
	for _, instances := range [][]entry{<-duringTheWait, listed(t, "instances")} {
		require.Len(t, instances, 1)
		assert.Equal(t, stateInProgress, instances[0].State)
		assert.True(t, strings.HasPrefix(instances[0].Operation, "provision-"), "the operation value is recorded as soon as the broker answers 202: %q", instances[0].Operation)
	}

	got = osb(t, srv, "resume")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "instance db-1: succeeded")
	assert.Equal(t, stateSucceeded, listed(t, "instances")[0].State)
	got = osb(t, srv, "resume")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "nothing to resume")
}

func TestRunsAtOnceShareTheRecord(t *testing.T) {
	withHome(t)
	srv := newBroker(t)
	const runs = 8
	var wg sync.WaitGroup
	results := make([]result, runs)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = osb(t, srv, "provision", "db-"+string(rune('a'+i)), "--service", "brokertest-db", "--plan", "small")
		}()
	}
	wg.Wait()
	for _, got := range results {
		assert.Equal(t, exitOK, got.code, got.stderr)
		assert.NotContains(t, got.stderr, "record")
	}
	assert.Len(t, listed(t, "instances"), runs)

	path, err := recordPath()
	require.NoError(t, err)
	rec, err := openRecord(path)
	require.NoError(t, err)
	defer rec.close()
	var mode string
	var busyTimeout int
	require.NoError(t, rec.db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	require.NoError(t, rec.db.QueryRow("PRAGMA busy_timeout").Scan(&busyTimeout))
	assert.Equal(t, "wal", mode)
	assert.Equal(t, int(recordBusyTimeout.Milliseconds()), busyTimeout)
}

func TestASinglePollOfAFailedOperationExitsFour(t *testing.T) {
	withHome(t)
	srv := newBroker(t, brokertest.WithAsyncPolls(0), brokertest.WithFailingOperations(brokertest.OperationProvision))
	got := osb(t, srv, "provision", "db-1", "--service", "brokertest-db", "--plan", "large")
	require.Equal(t, exitOK, got.code, got.stderr)
	got = osb(t, srv, "last-operation", "db-1")
	assert.Equal(t, exitFailed, got.code, got.stderr)
	assert.Equal(t, stateFailed, listed(t, "instances")[0].State, "the poll's answer is recorded")
	for _, request := range srv.Requests() {
		if request.Method == http.MethodGet && strings.Contains(request.Path, "last_operation") {
			assert.Contains(t, request.RawQuery, "plan_id="+asyncPlan, "the recorded plan is sent")
		}
	}
}

func TestDeletionsAreConfirmedInATerminal(t *testing.T) {
	withHome(t)
	srv := newBroker(t)
	got := osb(t, srv, "provision", "db-1", "--service", "brokertest-db", "--plan", "small")
	require.Equal(t, exitOK, got.code, got.stderr)

	asked := invocation{interactive: true, password: srv.Password, stdin: "n\n"}
	got = asked.run(t, nil, "--url", srv.URL, "--user", srv.Username, "deprovision", "db-1")
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "Deprovision instance db-1 (service brokertest-db, plan small) at "+srv.URL+"? [y/N] ")
	assert.Len(t, srv.Instances(), 1, "nothing is deleted without a yes")

	asked.stdin = "y\n"
	got = asked.run(t, nil, "--url", srv.URL, "--user", srv.Username, "deprovision", "db-1")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Empty(t, srv.Instances())
}

func TestProcessesAtOnceShareTheRecord(t *testing.T) {
	binary := osbBinary(t)
	srv := newBroker(t)
	setBrokerVariables(t, srv)
	const processes = 6
	var wg sync.WaitGroup
	outputs := make([]string, processes)
	errs := make([]error, processes)
	for i := range processes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := exec.Command(binary, "provision", fmt.Sprintf("db-%d", i), "--service", "brokertest-db", "--plan", "small")
			run.Env = os.Environ()
			output, err := run.CombinedOutput()
			outputs[i], errs[i] = string(output), err
		}()
	}
	wg.Wait()
	for i := range processes {
		assert.NoError(t, errs[i], outputs[i])
		assert.NotContains(t, outputs[i], "locked")
	}
	assert.Len(t, listed(t, "instances"), processes)
}
