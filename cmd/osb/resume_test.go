package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// storedRecord reads the operation record the local record holds for an instance or binding.
func storedRecord(t *testing.T, broker, instanceID, bindingID string) (*entry, openservicebrokerv1.OperationRecord) {
	t.Helper()
	path, err := recordPath()
	require.NoError(t, err)
	rec, err := openRecord(path)
	require.NoError(t, err)
	defer rec.close()
	e, err := rec.get(broker, instanceID, bindingID)
	require.NoError(t, err)
	var record openservicebrokerv1.OperationRecord
	if e != nil && e.Record != "" {
		require.NoError(t, json.Unmarshal([]byte(e.Record), &record))
	}
	return e, record
}

// interruptedWait runs args (a command with --wait) and presses Ctrl-C once the local record
// holds the operation's record in phase in_progress; it returns that record.
func interruptedWait(t *testing.T, srv *brokertest.Server, instanceID, bindingID string, args ...string) openservicebrokerv1.OperationRecord {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan openservicebrokerv1.OperationRecord, 1)
	go func() {
		defer cancel()
		for ctx.Err() == nil {
			if _, record := storedRecord(t, srv.URL, instanceID, bindingID); record.Phase == openservicebrokerv1.PhaseInProgress {
				seen <- record
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	got := invocation{ctx: ctx}.run(t, srv, args...)
	require.Equal(t, exitInterrupted, got.code, got.stderr)
	assert.Contains(t, got.stderr, "resume with: osb resume "+instanceID)
	select {
	case record := <-seen:
		return record
	default:
		t.Fatal("the wait ended before the local record held its operation record in progress")
		return openservicebrokerv1.OperationRecord{}
	}
}

func TestResumeStepsTheStoredRecordOfAnInterruptedWait(t *testing.T) {
	home := withHome(t)
	srv := newBroker(t, brokertest.WithAsyncPolls(3), brokertest.WithLastOperationRetryAfter(0), brokertest.WithFailingOperations(brokertest.OperationProvision))
	record := interruptedWait(t, srv, "db-1", "", "provision", "db-1", "--service", "brokertest-db", "--plan", "large", "--param", "region=atlantis-7", "--wait")
	assert.Equal(t, openservicebrokerv1.OperationProvision, record.Kind)
	assert.True(t, record.NoReplay, "the record keeps no request")
	assert.Empty(t, record.Sealed)
	assert.True(t, strings.HasPrefix(record.Operation, "provision-"))
	files, err := filepath.Glob(filepath.Join(home, "state", "osb", "osb.db*"))
	require.NoError(t, err)
	for _, file := range files {
		content, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.NotContains(t, string(content), "atlantis-7", "no parameter in %s", file)
	}

	// The stored record goes on as --wait would have: the provision fails, and what it left is
	// deleted (orphan mitigation), which polling the last operation alone never does.
	got := osb(t, srv, "resume")
	assert.Equal(t, exitFailed, got.code, got.stderr)
	var deletes int
	for _, request := range srv.Requests() {
		if request.Method == http.MethodDelete {
			deletes++
		}
	}
	assert.Equal(t, 1, deletes, "orphan mitigation deleted the instance")
	assert.Empty(t, srv.Instances())
	assert.Empty(t, listed(t, "instances"), "a completed mitigation leaves nothing to record")
}

func TestAResumedBindHandsItsCredentialsOverBeforeItsRecordEnds(t *testing.T) {
	home := withHome(t)
	srv := newBroker(t, brokertest.WithAsyncPolls(2), brokertest.WithLastOperationRetryAfter(0), brokertest.WithAsyncBindings(true))
	got := osb(t, srv, "provision", "db-1", "--service", "brokertest-db", "--plan", "large", "--wait")
	require.Equal(t, exitOK, got.code, got.stderr)
	interruptedWait(t, srv, "db-1", "app-1", "bind", "db-1", "app-1", "--wait")

	file := filepath.Join(home, "credentials.json")
	got = osb(t, srv, "resume", "db-1", "--binding", "app-1", "--credentials-file", file)
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "binding app-1 of instance db-1: succeeded")
	written, err := os.ReadFile(file)
	require.NoError(t, err)
	var credentials map[string]any
	require.NoError(t, json.Unmarshal(written, &credentials))
	password, _ := credentials["password"].(string)
	require.NotEmpty(t, password)
	assert.NotContains(t, got.stdout+got.stderr, password, "printed masked")
	info, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	e, _ := storedRecord(t, srv.URL, "db-1", "app-1")
	require.NotNil(t, e)
	assert.Equal(t, stateSucceeded, e.State)
	assert.Empty(t, e.Record, "an ended operation keeps no operation record")
}

// A timed-out wait states the limit the user gave, keeps its record, and the errors of the waits
// that follow name the command, not the SDK's methods.
func TestATimedOutWaitStatesItsLimitAndIsWaitedForAgain(t *testing.T) {
	withHome(t)
	// Retry-After 30 puts the next poll after the limit: the wait ends at once, well before 3s.
	srv := newBroker(t, brokertest.WithAsyncPolls(1000), brokertest.WithLastOperationRetryAfter(30))
	got := osb(t, srv, "provision", "inst", "--service", service, "--plan", asyncPlan, "--wait", "--timeout", "3s")
	require.Equal(t, exitTimeout, got.code, got.stderr)
	assert.Contains(t, got.stderr, "provision inst: timed out at the limit of 3s (--timeout)\n")
	assert.NotContains(t, got.stderr, "timed out after")
	_, record := storedRecord(t, srv.URL, "inst", "")
	require.Equal(t, openservicebrokerv1.PhaseInProgress, record.Phase, "resume steps the stored record")
	for _, args := range [][]string{
		{"last-operation", "inst", "--wait", "--timeout", "1s"},
		{"resume", "--timeout", "1s"},
	} {
		got := osb(t, srv, args...)
		require.Equal(t, exitTimeout, got.code, got.stderr)
		assert.Contains(t, got.stderr, "osb "+args[0]+": the operation did not end within the maximum wait", "%v", args)
		assert.NotContains(t, got.stderr, "Await", "%v", args)
	}
}

func TestARecordWrittenByAnEarlierOsbGainsTheOperationRecordColumn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "osb.db")
	earlier, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	withoutColumn := strings.Replace(recordSchema, "\toperation_record TEXT NOT NULL DEFAULT '',\n", "", 1)
	require.NotEqual(t, recordSchema, withoutColumn)
	_, err = earlier.Exec(withoutColumn)
	require.NoError(t, err)
	_, err = earlier.Exec(`INSERT INTO resources (broker, instance_id, kind, state, updated) VALUES ('http://b', 'db-1', 'provision', 'in progress', '2026-01-01T00:00:00Z')`)
	require.NoError(t, err)
	require.NoError(t, earlier.Close())

	for i := range 2 { // the second open finds the column there
		rec, err := openRecord(path)
		require.NoError(t, err)
		e, err := rec.get("http://b", "db-1", "")
		require.NoError(t, err)
		require.NotNil(t, e)
		if i == 0 {
			assert.Empty(t, e.Record, "the earlier row reads with an empty record")
		}
		e.Record = `{"v":1}`
		require.NoError(t, rec.put(*e))
		again, err := rec.get("http://b", "db-1", "")
		require.NoError(t, err)
		assert.Equal(t, `{"v":1}`, again.Record)
		rec.close()
	}
}
