package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

const (
	service   = brokertest.DefaultServiceID
	syncPlan  = brokertest.DefaultSyncPlanID
	asyncPlan = brokertest.DefaultAsyncPlanID
)

func TestCatalogGolden(t *testing.T) {
	srv := newBroker(t)
	for _, format := range []string{formatTable, formatJSON, formatYAML} {
		t.Run(format, func(t *testing.T) {
			got := osb(t, srv, "catalog", "-o", format)
			require.Equal(t, exitOK, got.code, got.stderr)
			assertGolden(t, "catalog."+format, got.stdout)
		})
	}
}

func TestCatalogPlanGolden(t *testing.T) {
	srv := newBroker(t)
	got := osb(t, srv, "catalog", "plan", "large")
	require.Equal(t, exitOK, got.code, got.stderr)
	assertGolden(t, "catalog-plan.table", got.stdout)
}

func TestProvisionWaitGolden(t *testing.T) {
	srv := newBroker(t, brokertest.WithAsyncPolls(1), brokertest.WithLastOperationRetryAfter(0))
	for _, format := range []string{formatTable, formatJSON, formatYAML} {
		t.Run(format, func(t *testing.T) {
			instanceID := "instance-" + format
			got := osb(t, srv, "provision", instanceID, "--service", "brokertest-db", "--plan", "large",
				"--param", "size_gb=10", "--wait", "-o", format)
			require.Equal(t, exitOK, got.code, got.stderr)
			assertGolden(t, "provision-wait."+format, got.stdout)
		})
	}
}

func TestProvisionResolvesNamesAndSendsWhatTheSpecRequires(t *testing.T) {
	srv := newBroker(t)
	got := osb(t, srv, "--platform", "cloudfoundry", "--originating-identity", "user-1",
		"provision", "inst", "--service", "brokertest-db", "--plan", "small",
		"--param", `size_gb=10`, "--param", `tags=["a","b"]`, "--param", "note=not json", "--org-guid", "org-1")
	require.Equal(t, exitOK, got.code, got.stderr)

	instances := srv.Instances()
	require.Len(t, instances, 1)
	assert.Equal(t, syncPlan, instances[0].PlanID, "the plan's name was resolved to its id")
	assert.Equal(t, "org-1", instances[0].OrganizationGUID)
	assert.NotEmpty(t, instances[0].SpaceGUID, "a space GUID is generated when not given")
	assert.Contains(t, got.stderr, "space_guid "+instances[0].SpaceGUID+" (derived from the instance id")
	assert.JSONEq(t, `{"size_gb":10,"tags":["a","b"],"note":"not json"}`, string(instances[0].Parameters))
	var provision brokertest.RecordedRequest
	for _, request := range srv.Requests() {
		if request.Method == http.MethodPut {
			provision = request
		}
	}
	platform, identity, err := openservicebrokerv1.ParseOriginatingIdentity(provision.Header.Get(openservicebrokerv1.HeaderOriginatingIdentity))
	require.NoError(t, err)
	assert.Equal(t, "cloudfoundry", platform)
	assert.Equal(t, map[string]any{"user_id": "user-1"}, identity)
}

func TestParametersFromAFileWithFlagsOnTop(t *testing.T) {
	srv := newBroker(t)
	path := filepath.Join(t.TempDir(), "params.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"size_gb": 5, "region": "eu"}`), 0o600))
	got := osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan, "--params", path, "--param", "size_gb=7")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.JSONEq(t, `{"size_gb":7,"region":"eu"}`, string(srv.Instances()[0].Parameters))
}

func TestBindMasksSecretsUnlessAsked(t *testing.T) {
	srv := newBroker(t)
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	outputs := map[string]string{}
	for _, format := range []string{formatTable, formatJSON, formatYAML} {
		got := osb(t, srv, "bind", "inst", "bind-"+format, "--service", service, "--plan", syncPlan, "-o", format)
		require.Equal(t, exitOK, got.code, got.stderr)
		outputs["bind-"+format] = got.stdout + got.stderr
		got = osb(t, srv, "get", "binding", "inst", "bind-"+format, "-o", format)
		require.Equal(t, exitOK, got.code, got.stderr)
		outputs["get-"+format] = got.stdout + got.stderr
	}
	assertGolden(t, "bind.table", outputs["bind-table"])
	for _, binding := range srv.Bindings() {
		for name, output := range outputs {
			// Not assert.NotContains: its message would print the secret.
			assert.False(t, strings.Contains(output, binding.Credentials.Password), "%s prints the password of %s", name, binding.ID)
			assert.Contains(t, output, "****", name)
		}
	}

	got := osb(t, srv, "get", "binding", "inst", "bind-json", "--show-secrets", "-o", "json")
	require.Equal(t, exitOK, got.code, got.stderr)
	var answer struct {
		Answer struct {
			Credentials brokertest.Credentials `json:"credentials"`
		} `json:"answer"`
	}
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &answer))
	assert.NotEqual(t, "****", answer.Answer.Credentials.Password)
	assert.NotEmpty(t, answer.Answer.Credentials.Password)
}

func TestDryRunPrintsTheExactRequestAndSendsNothingElse(t *testing.T) {
	srv := newBroker(t)
	srv.ResetRequests()
	got := osb(t, srv, "provision", "inst", "--service", "brokertest-db", "--plan", "small", "--param", "size_gb=1", "--dry-run", "--wait")
	require.Equal(t, exitOK, got.code, got.stderr)

	for _, request := range srv.Requests() {
		assert.Equal(t, "GET /v2/catalog", request.Method+" "+request.Path, "a dry run reads the catalog, nothing else")
	}
	assert.True(t, strings.HasPrefix(got.stdout, "curl -X PUT '"+srv.URL+"/v2/service_instances/inst?accepts_incomplete=true' "), got.stdout)
	assert.Contains(t, got.stdout, ` -u '`+srv.Username+`' `, "the user given with --user; curl asks for the password")
	assert.Contains(t, got.stdout, `"service_id":"`+service+`"`, "names are resolved to the ids sent")
	assert.Contains(t, got.stdout, `"plan_id":"`+syncPlan+`"`)
	assert.Contains(t, got.stdout, `"organization_guid":"`)
	assert.False(t, strings.Contains(got.stdout+got.stderr, srv.Password), "the password appears in the dry run")
	assert.Empty(t, srv.Instances())
}

func TestDryRunNamesTheVariablesCredentialsCameFrom(t *testing.T) {
	srv := newBroker(t)
	setBrokerVariables(t, srv)
	got := invocation{}.run(t, nil, "deprovision", "inst", "--service", "brokertest-db", "--plan", "small", "--dry-run")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, `-u "$OPEN_SERVICE_BROKER_USERNAME:$OPEN_SERVICE_BROKER_PASSWORD"`)
	assert.Contains(t, got.stdout, "plan_id="+syncPlan)
	assert.False(t, strings.Contains(got.stdout+got.stderr, srv.Password), "the password appears in the dry run")
}

func TestExitCodes(t *testing.T) {
	tests := map[string]struct {
		broker []brokertest.Option
		faults []brokertest.Fault
		args   []string
		want   int
		// stderr is part of what the error lines must say.
		stderr string
	}{
		"success": {args: []string{"catalog"}, want: exitOK},
		"no answer": {
			faults: []brokertest.Fault{{Drop: brokertest.DropBeforeBroker}},
			args:   []string{"catalog"}, want: exitUnexpected,
		},
		"request timed out": {
			faults: []brokertest.Fault{{Delay: 5 * time.Second}},
			args:   []string{"catalog", "--timeout", "100ms"}, want: exitUnexpected,
		},
		"missing required flag": {args: []string{"provision", "inst", "--service", service}, want: exitUsage, stderr: `"plan" not set`},
		"unknown output format": {args: []string{"catalog", "-o", "xml"}, want: exitUsage, stderr: "want table, json or yaml"},
		"plan not in catalog":   {args: []string{"provision", "inst", "--service", service, "--plan", "huge"}, want: exitUsage, stderr: "it offers brokertest-db (plans small, large)"},
		"bad parameter":         {args: []string{"provision", "inst", "--service", service, "--plan", syncPlan, "--param", "novalue"}, want: exitUsage, stderr: "want key=value"},
		"rejected": {
			faults: []brokertest.Fault{{Method: http.MethodPut, Status: http.StatusBadRequest, Body: `{"description":"no such region"}`}},
			args:   []string{"provision", "inst", "--service", service, "--plan", syncPlan}, want: exitRejected, stderr: "no such region",
		},
		"operation failed": {
			broker: []brokertest.Option{brokertest.WithFailingOperations(brokertest.OperationProvision), brokertest.WithAsyncPolls(0)},
			args:   []string{"provision", "inst", "--service", service, "--plan", asyncPlan, "--wait"}, want: exitFailed, stderr: "failed",
		},
		"server error": {
			faults: []brokertest.Fault{{Method: http.MethodDelete, Status: http.StatusServiceUnavailable}},
			args:   []string{"deprovision", "inst", "--service", service, "--plan", syncPlan}, want: exitFailed, stderr: "503",
		},
		"timed out": {
			broker: []brokertest.Option{brokertest.WithAsyncPolls(1000), brokertest.WithLastOperationRetryAfter(30)},
			args:   []string{"provision", "inst", "--service", service, "--plan", asyncPlan, "--wait", "--timeout", "5s"}, want: exitTimeout,
			stderr: "wait longer with: osb resume inst --url ",
		},
		"left behind while waiting": {
			faults: []brokertest.Fault{{Method: http.MethodPut, Status: http.StatusInternalServerError}, {Method: http.MethodDelete, Status: http.StatusInternalServerError}},
			args:   []string{"provision", "inst", "--service", service, "--plan", syncPlan, "--wait"}, want: exitOrphan,
			stderr: "osb deprovision inst --service 3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30 --plan a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09 --wait",
		},
		"left behind without waiting": {
			faults: []brokertest.Fault{{Method: http.MethodPut, Status: http.StatusInternalServerError}},
			args:   []string{"bind", "inst", "bind", "--service", service, "--plan", syncPlan}, want: exitOrphan,
			stderr: "osb unbind inst bind --service 3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30 --plan a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09 --wait",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newBroker(t, tc.broker...)
			for _, fault := range tc.faults {
				require.NoError(t, srv.InjectFault(fault))
			}
			got := osb(t, srv, tc.args...)
			assert.Equal(t, tc.want, got.code, "stderr:\n%s", got.stderr)
			assert.Contains(t, got.stderr, tc.stderr)
			if tc.want != exitOK {
				assertErrorLines(t, got.stderr)
			}
		})
	}
}

// errorLine is the line of an error: the command, then what went wrong.
var errorLine = regexp.MustCompile(`^osb[a-z -]*: `)

// assertErrorLines checks that an error is one line, with at most one hint after it.
func assertErrorLines(t *testing.T, stderr string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	errorAt := slices.IndexFunc(lines, errorLine.MatchString)
	require.GreaterOrEqual(t, errorAt, 0, "no error line in:\n%s", stderr)
	after := lines[errorAt+1:]
	assert.LessOrEqual(t, len(after), 1, "more than a hint after the error:\n%s", stderr)
	for _, line := range after {
		assert.True(t, strings.HasPrefix(line, "hint: "), "%q after the error line", line)
	}
}

func TestAPasswordIsNeverTakenFromTheCommandLine(t *testing.T) {
	srv := newBroker(t)
	got := invocation{}.run(t, nil, "--url", srv.URL, "--user", srv.Username, "catalog")
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "--user needs the password: on stdin with --password-stdin, or at the prompt in a terminal")
	assert.Empty(t, srv.Requests(), "nothing is sent")
}

func TestMachineOutputCarriesTheError(t *testing.T) {
	srv := newBroker(t)
	require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodPut, Status: http.StatusConflict, Body: `{"description":"taken"}`}))
	got := osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan, "-o", "json")
	require.Equal(t, exitRejected, got.code)
	var report outcome
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	assert.Equal(t, http.StatusConflict, report.Status)
	assert.NotEmpty(t, report.RequestIdentity)
	require.NotNil(t, report.Error)
	assert.Equal(t, exitRejected, report.Error.ExitCode)
	assert.Equal(t, "taken", report.Error.Description)
	assert.Contains(t, got.stderr, report.RequestIdentity, "the error line names the request identity")
}

func TestInterruptStopsWaitingDeletesNothingAndSaysHowToResume(t *testing.T) {
	srv := newBroker(t, brokertest.WithAsyncPolls(1000), brokertest.WithLastOperationRetryAfter(0))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for len(srv.Instances()) == 0 || len(srv.Requests()) < 4 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	got := invocation{ctx: ctx}.run(t, srv, "provision", "inst", "--service", service, "--plan", asyncPlan, "--wait")

	assert.Equal(t, exitInterrupted, got.code)
	assert.Contains(t, got.stderr, "stopped waiting, nothing was deleted")
	assert.Contains(t, got.stderr, "resume with: osb resume inst --url "+srv.URL+" --user "+srv.Username+"\n")
	assert.Len(t, srv.Instances(), 1, "the instance is left to the broker")
	for _, request := range srv.Requests() {
		assert.NotEqual(t, http.MethodDelete, request.Method)
	}
}

func TestStateEndpointsMissing(t *testing.T) {
	srv := newBroker(t)
	require.NoError(t, srv.InjectFault(brokertest.Fault{PathPattern: "/bluemix_v1/*/*", Status: http.StatusNotFound, Body: `{}`}))
	got := osb(t, srv, "state", "get", "inst")
	assert.Equal(t, exitRejected, got.code)
	assert.Contains(t, got.stderr, "does not serve IBM Cloud's state endpoints")
}

func TestStateSetAndGet(t *testing.T) {
	srv := newBroker(t)
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	got := osb(t, srv, "state", "set", "inst", "--enabled=false", "--reason-code", "IBMCLOUD_ACCT_SUSPEND")
	require.Equal(t, exitOK, got.code, got.stderr)
	got = osb(t, srv, "state", "get", "inst")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "instance inst: enabled=false active=false")
}

func TestWithoutWaitSaysHowToFollow(t *testing.T) {
	srv := newBroker(t, brokertest.WithAsyncPolls(1), brokertest.WithLastOperationRetryAfter(0))
	got := osb(t, srv, "provision", "inst", "--service", service, "--plan", asyncPlan)
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "202 Accepted: in progress")
	assert.Contains(t, got.stderr, "follow it with: osb last-operation inst --service 3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30 --plan d7e29b45-0c3f-4a18-b6d2-9e5f1a7c3b84 --operation provision-")

	got = osb(t, srv, "last-operation", "inst", "--service", service, "--plan", asyncPlan, "--wait")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "instance inst: succeeded")
}

func TestHelpAndReadmeDocumentTheExitCodes(t *testing.T) {
	got := osb(t, nil, "--help")
	require.Equal(t, exitOK, got.code)
	assert.Contains(t, got.stdout, exitCodesHelp)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(readme), exitCodesHelp), "README's section \"The osb command\" lists the exit codes as osb --help does:\n%s", exitCodesHelp)
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		got := osb(t, nil, "completion", shell)
		assert.Equal(t, exitOK, got.code, shell)
		assert.Contains(t, got.stdout, "osb", shell)
	}
}

// TestDemoBinary builds osb as a user installs it and runs `osb demo`.
func TestDemoBinary(t *testing.T) {
	demo := exec.Command(osbBinary(t), "demo")
	demo.Env = os.Environ()
	output, err := demo.CombinedOutput()
	require.NoError(t, err, "%s", output)
	assert.Contains(t, string(output), "osb demo: the life of a service instance, step by step")
	assert.Contains(t, string(output), "summary: all 10 steps succeeded")
}

func TestAsynchronousLifecycleWithWait(t *testing.T) {
	srv := newBroker(t, brokertest.WithAsyncPolls(1), brokertest.WithLastOperationRetryAfter(0), brokertest.WithAsyncBindings(true))
	steps := [][]string{
		{"provision", "inst", "--service", service, "--plan", asyncPlan, "--wait"},
		{"update", "inst", "--service", service, "--param", "size_gb=20", "--wait"},
		{"bind", "inst", "bind", "--service", service, "--plan", asyncPlan, "--wait"},
		{"unbind", "inst", "bind", "--service", service, "--plan", asyncPlan, "--wait"},
		{"deprovision", "inst", "--service", service, "--plan", asyncPlan, "--wait"},
	}
	for _, args := range steps {
		got := osb(t, srv, args...)
		require.Equal(t, exitOK, got.code, "%v: %s", args, got.stderr)
		assert.Contains(t, got.stdout, "202 Accepted: asynchronous, polled until it ended", args)
		assert.Contains(t, got.stderr, ": succeeded after", "%v shows its progress", args)
	}
	assert.Empty(t, srv.Instances())
}

func TestLastOperationOfABinding(t *testing.T) {
	srv := newBroker(t, brokertest.WithAsyncPolls(1), brokertest.WithLastOperationRetryAfter(0), brokertest.WithAsyncBindings(true))
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", asyncPlan, "--wait").code)
	got := osb(t, srv, "bind", "inst", "bind", "--service", service, "--plan", asyncPlan)
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stderr, "follow it with: osb last-operation inst --binding bind --service 3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30 --plan d7e29b45-0c3f-4a18-b6d2-9e5f1a7c3b84 --operation bind-")

	got = osb(t, srv, "last-operation", "inst", "--binding", "bind", "--service", service, "--plan", asyncPlan, "--wait", "-o", "json")
	require.Equal(t, exitOK, got.code, got.stderr)
	var report outcome
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	assert.Equal(t, map[string]any{"state": "succeeded", "description": "bind succeeded"}, report.Answer)
}

func TestKubernetesContext(t *testing.T) {
	srv := newBroker(t)
	got := osb(t, srv, "--platform", "kubernetes", "provision", "inst", "--service", service, "--plan", syncPlan, "--namespace", "ns", "--cluster-id", "c1")
	require.Equal(t, exitOK, got.code, got.stderr)
	instance := srv.Instances()[0]
	assert.Equal(t, "c1", instance.OrganizationGUID, "the cluster places the instance as an organization would")
	assert.Equal(t, "ns", instance.SpaceGUID)
	assert.JSONEq(t, `{"platform":"kubernetes","namespace":"ns","clusterid":"c1"}`, string(instance.Context))

	got = osb(t, srv, "--platform", "kubernetes", "provision", "inst2", "--service", service, "--plan", syncPlan)
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "organization_guid and space_guid must be set")
}

func TestGetRefusedWhenTheCatalogSaysNotRetrievable(t *testing.T) {
	catalog := brokertest.DefaultCatalog()
	catalog[0].InstancesRetrievable = false
	srv := newBroker(t, brokertest.WithCatalog(catalog))
	srv.ResetRequests()
	got := osb(t, srv, "get", "instance", "inst", "--service", service, "--plan", syncPlan)
	assert.Equal(t, exitUsage, got.code, got.stderr)
	assert.Contains(t, got.stderr, "instances_retrievable")
	for _, request := range srv.Requests() {
		assert.Equal(t, "/v2/catalog", request.Path, "only the catalog is read")
	}
}

func TestDryRunWithATokenNamesItsVariable(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("secret-token-value\n"), 0o600))
	got := invocation{}.run(t, nil, "--url", "https://broker.example.org", "--token-file", tokenFile, "--dry-run",
		"deprovision", "inst", "--service", "s", "--plan", "p")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.True(t, strings.HasPrefix(got.stdout, "curl -X DELETE 'https://broker.example.org/v2/service_instances/inst?"), got.stdout)
	for _, part := range []string{"accepts_incomplete=true", "plan_id=p", "service_id=s",
		` -H "Authorization: Bearer $(cat '` + tokenFile + `')" `, ` -H 'X-Broker-Api-Version: 2.17'`} {
		assert.Contains(t, got.stdout, part)
	}
	assert.NotContains(t, got.stdout, "secret-token-value")
}

func TestNoBrokerConfigured(t *testing.T) {
	got := osb(t, nil, "catalog")
	assert.Equal(t, exitUsage, got.code)
	assertErrorLines(t, got.stderr)
}

func TestVersion(t *testing.T) {
	got := osb(t, nil, "version", "-o", "json")
	require.Equal(t, exitOK, got.code, got.stderr)
	var report struct {
		Answer versionInfo `json:"answer"`
	}
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	assert.Equal(t, openservicebrokerv1.DefaultBrokerAPIVersion, report.Answer.BrokerAPIVersion)
	assert.NotEmpty(t, report.Answer.SDK)
}

func TestMachineOutputNamesTheBrokersCorrelationID(t *testing.T) {
	srv := newBroker(t)
	require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodGet, Header: http.Header{"X-Request-Id": {"broker-log-42"}}}))
	got := osb(t, srv, "catalog", "-o", "json")
	require.Equal(t, exitOK, got.code, got.stderr)
	var report outcome
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	assert.Equal(t, "broker-log-42", report.BrokerCorrelationID)
	assert.Equal(t, "X-Request-Id", report.BrokerCorrelationHeader)
}

func TestDemoAgainstAConfiguredBrokerLeavesNothingBehind(t *testing.T) {
	srv := newBroker(t)
	got := osb(t, srv, "demo", "-o", "json")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stderr, "broker: "+srv.URL, "the story goes to stderr under -o json")
	var report struct {
		Answer struct {
			Steps []struct {
				Name string `json:"name"`
			} `json:"steps"`
		} `json:"answer"`
	}
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	assert.Len(t, report.Answer.Steps, 10)
	assert.Empty(t, srv.Instances())

	got = osb(t, srv, "demo", "--dry-run")
	assert.Equal(t, exitUsage, got.code)
}

func TestDryRunMasksSecretParametersUnlessAsked(t *testing.T) {
	srv := newBroker(t)
	args := []string{"provision", "inst", "--service", service, "--plan", syncPlan, "--param", "admin_password=hunter2-secret", "--param", "size_gb=3", "--dry-run"}
	got := osb(t, srv, args...)
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.False(t, strings.Contains(got.stdout, "hunter2-secret"), "the password parameter is printed")
	assert.Contains(t, got.stdout, `"admin_password":"****"`)
	assert.Contains(t, got.stdout, `"size_gb":3`)
	assert.Contains(t, got.stderr, "--show-secrets prints them")

	got = osb(t, srv, append(args, "--show-secrets")...)
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, `"admin_password":"hunter2-secret"`)
	assert.Empty(t, srv.Instances())
}

func TestOtherPlatformsSendTheFieldsThemselves(t *testing.T) {
	srv := newBroker(t)
	got := osb(t, srv, "--platform", "ibmcloud", "provision", "inst", "--service", service, "--plan", syncPlan,
		"--org-guid", "org-1", "--space-guid", "space-1", "--context", "account_id=acct")
	require.Equal(t, exitOK, got.code, got.stderr)
	instance := srv.Instances()[0]
	assert.Equal(t, "org-1", instance.OrganizationGUID)
	assert.Equal(t, "space-1", instance.SpaceGUID)
	assert.JSONEq(t, `{"platform":"ibmcloud","account_id":"acct"}`, string(instance.Context), "the ibmcloud profile has no organization or space")
}
