package chaos

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/engine/internal/pgtest"
	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

var (
	soakLifecycles = flag.Int("chaos.lifecycles", 30, "lifecycles per store, spread over the brokers")
	soakKills      = flag.Int("chaos.kills", 3, "times the killed platform process is killed")
	soakTimeout    = flag.Duration("chaos.timeout", 3*time.Minute, "how long a soak may take before what has not ended counts as lost")
)

var postgres pgtest.Shared

func TestMain(m *testing.M) {
	code := testkit.Main(m)
	postgres.Stop()
	os.Exit(code)
}

// soakBrokers are the brokers, in one process: lifecycle n runs on the (n mod 3)-th. On the
// third every bind ends failed, so that its orphan is mitigated and the lifecycle removed.
var soakBrokers = []BrokerSpec{{FaultRate: 0.2}, {FaultRate: 0.4}, {FaultRate: 0.2, FailBinds: true}}

// TestChaosSoak runs the soak on SQLite (one platform process, killed and restarted) and on
// PostgreSQL (two platform processes, one of them killed and restarted), and asserts what the
// brokers count at the end: nothing left, nothing created twice, no credentials lost, every
// lifecycle ended.
func TestChaosSoak(t *testing.T) {
	binary := buildChaosproc(t)
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			cfg := soakConfig{driver: driver, binary: binary, dir: t.TempDir(), lifecycles: *soakLifecycles, kills: *soakKills}
			cfg.database, cfg.workers = filepath.Join(cfg.dir, "engine.db"), 1
			if driver == "postgres" {
				cfg.database, cfg.workers = postgres.Get(t).URL, 2
			}
			result := runSoak(t, cfg)
			t.Log(result)
			assert.Equal(t, cfg.lifecycles, result.Completed+result.Removed, "every lifecycle ended")
			assert.Zero(t, result.Lost, "operations lost")
			assert.Zero(t, result.InstancesLeft+result.BindingsLeft, "instances and bindings left at the brokers")
			assert.Zero(t, result.CreatedTwice, "resources created twice")
			assert.Zero(t, result.CredentialsLost, "credentials lost")
			assert.Positive(t, result.Completed, "some lifecycles completed despite the faults")
			assert.Positive(t, result.Mitigations, "the failed binds' orphans were mitigated")
			assert.Positive(t, result.Kills[string(KillAfterSend)]+result.Kills[string(KillAtHandOver)], "the chosen kill points were hit")
		})
	}
}

type soakConfig struct {
	driver, database, binary, dir string
	workers, lifecycles, kills    int
}

// soakResult is what a soak counted; the broker figures come from the brokers themselves.
type soakResult struct {
	Driver                                    string
	Workers, Lifecycles, Completed, Removed   int
	Lost                                      int
	InstancesLeft, BindingsLeft, CreatedTwice int
	CredentialsLost                           int
	Requests, Faults, Polls                   int
	Mitigations                               int64
	Kills                                     map[string]int
	Elapsed                                   time.Duration
	Brokers                                   []BrokerReport
}

func (r soakResult) String() string {
	var faults []string
	for _, b := range r.Brokers {
		faults = append(faults, fmt.Sprintf("%s: %d requests, %d faults", b.Name, b.Requests, b.Faults))
	}
	return fmt.Sprintf("chaos soak %s (%d platform process(es)): lifecycles=%d completed=%d removed=%d lost=%d | at the brokers: instances-left=%d bindings-left=%d created-twice=%d credentials-lost=%d polls=%d | mitigations=%d kills=%v | %s | %s",
		r.Driver, r.Workers, r.Lifecycles, r.Completed, r.Removed, r.Lost, r.InstancesLeft, r.BindingsLeft, r.CreatedTwice,
		r.CredentialsLost, r.Polls, r.Mitigations, r.Kills, strings.Join(faults, "; "), r.Elapsed.Round(time.Second))
}

func runSoak(t *testing.T, cfg soakConfig) soakResult {
	started := time.Now()
	brokers := startProcess(t, cfg.binary, "broker", BrokerSettings{Brokers: soakBrokers, Seed: 7}, filepath.Join(cfg.dir, "broker.log"))
	var addresses map[string]BrokerAddress
	require.NoError(t, json.Unmarshal([]byte(<-brokers.lines), &addresses))
	settings := PlatformSettings{Driver: cfg.driver, Database: cfg.database, Brokers: addresses, Lifecycles: cfg.lifecycles,
		CredentialsFile: filepath.Join(cfg.dir, "vault.jsonl")}
	for _, spec := range soakBrokers {
		settings.BrokerNames = append(settings.BrokerNames, spec.Name())
	}

	result := soakResult{Driver: cfg.driver, Workers: cfg.workers, Lifecycles: cfg.lifecycles, Kills: map[string]int{}}
	deadline := started.Add(*soakTimeout)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var summaries []Summary
	progress := 0
	for worker := range cfg.workers {
		wg.Go(func() {
			s := settings
			s.Name = "platform-" + strconv.Itoa(worker)
			kills := 0
			if worker == 0 {
				kills = cfg.kills // the other worker, if any, is never killed
			}
			summary, seen, ended := supervise(t, cfg, s, kills, deadline)
			mu.Lock()
			defer mu.Unlock()
			for point, n := range seen {
				result.Kills[point] += n
			}
			if summary != nil {
				summaries = append(summaries, *summary)
			}
			progress = max(progress, ended)
		})
	}
	wg.Wait()
	require.NoError(t, brokers.input.Close())
	for line := range brokers.lines {
		var report BrokerReport
		require.NoError(t, json.Unmarshal([]byte(line), &report))
		result.Brokers = append(result.Brokers, report)
	}
	require.NoError(t, brokers.exited)
	account(t, &result, summaries, progress, settings.CredentialsFile)
	result.Elapsed = time.Since(started)
	return result
}

// account fills in the result from the platform's summary and the brokers' reports.
func account(t *testing.T, result *soakResult, summaries []Summary, progress int, vault string) {
	bound := map[string]bool{}
	if len(summaries) > 0 {
		s := summaries[0]
		result.Completed, result.Removed, result.Mitigations = s.Completed, s.Removed, s.Mitigations
		for _, id := range s.Bound {
			bound[id] = true
		}
	} else {
		result.Completed = progress // ended, not telling how: counted as completed, the rest lost
	}
	result.Lost = result.Lifecycles - result.Completed - result.Removed
	logins := readVault(t, vault)
	for _, b := range result.Brokers {
		result.InstancesLeft += b.Instances
		result.BindingsLeft += b.Bindings
		result.CreatedTwice += b.CreatedTwice
		result.Requests += b.Requests
		result.Faults += b.Faults
		result.Polls += b.Polls
		for _, c := range b.Creations {
			if c.BindingID != "" && bound[c.BindingID] && !logins[c.Username] {
				result.CredentialsLost++
			}
		}
	}
}

// killPlan is where the k-th run of the killed process dies: at a chosen point, or killed by the
// test at a random moment ("random").
func killPlan(k int) string {
	return []string{string(KillAtHandOver), string(KillAfterSend), "random"}[k%3]
}

// supervise runs a platform process until it reports every lifecycle ended or the deadline
// passes, killing it kills times and restarting it after each death. It returns the summary (nil
// at the deadline), the kills by point and the most lifecycles seen ended.
func supervise(t *testing.T, cfg soakConfig, s PlatformSettings, kills int, deadline time.Time) (*Summary, map[string]int, int) {
	seen := map[string]int{}
	ended := 0
	for run := 0; time.Now().Before(deadline); run++ {
		plan := ""
		if run < kills {
			plan = killPlan(run)
		}
		s.Kill, s.KillSend = KillNever, 0
		if plan != "random" {
			s.Kill, s.KillSend = KillPoint(plan), 1+rand.IntN(12)
		}
		p := startProcess(t, cfg.binary, "platform", s, filepath.Join(cfg.dir, s.Name+".log"))
		stop := time.AfterFunc(time.Until(deadline), func() { _ = p.cmd.Process.Kill() })
		var killer *time.Timer
		if plan == "random" {
			killer = time.AfterFunc(time.Duration(300+rand.IntN(1200))*time.Millisecond, func() { _ = p.cmd.Process.Kill() })
		}
		var summary *Summary
		for line := range p.lines {
			switch word, rest := field(line); word {
			case "kill":
				seen[rest]++
			case "progress":
				n, _ := strconv.Atoi(rest)
				ended = max(ended, n)
			case "summary":
				summary = &Summary{}
				require.NoError(t, json.Unmarshal([]byte(rest), summary))
			}
		}
		stop.Stop()
		if killer != nil && !killer.Stop() && killedBySignal(p.exited) {
			seen["random"]++
		}
		if summary != nil {
			return summary, seen, ended
		}
		if !killedBySignal(p.exited) {
			t.Logf("%s run %d ended: %v (see %s.log)", s.Name, run, p.exited, s.Name)
		}
	}
	return nil, seen, ended
}
