package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileText is what a hostile broker puts in every piece of text it sends: it retitles the
// terminal (OSC 0), clears the screen (CSI 2J), writes to the clipboard (OSC 52), reverses
// the text that follows (U+202E), and forges a green "succeeded" over the line (CR, erase
// line), with a C1 CSI and a zero-width space besides.
const hostileText = "\x1b]0;owned\x07\x1b[2J\x1b]52;c;b3duZWQ=\x07\u202eevil\u2066 \u200b\r\x1b[K\x1b[32msucceeded\x1b[0m\u009b2J\x7f"

// The hostile broker's basic-auth credentials and the secrets it plants in credentials and
// parameters, none of which may be printed without --show-secrets.
const (
	hostileUser     = "hostile-user"
	hostilePassword = "broker-pw-7Hq"
)

var plantedSecrets = []string{"cred-pass-1Zx", "uri-pw-2Yw", "jdbc-pw-3Xv", "conn-pw-4Wu", "dsn-pw-5Vt", "json-pw-6Us", "bearer-7Tr", "dash-secret-8Sq", "param-pass-9Rp", "user-a1Qo"}

// hostileBroker answers every OSB endpoint the CLI calls with hostileText in each string and
// the planted secrets in credentials, parameters and the dashboard client. state and
// description are what the instance's last_operation reports: by default the operation
// failed, with hostileText as its description.
type hostileBroker struct {
	state, description string
}

func newHostileBroker(t *testing.T, b hostileBroker) *httptest.Server {
	t.Helper()
	failFast(t)
	if b.description == "" {
		b.description = hostileText
	}
	if b.state == "" {
		b.state = "failed"
	}
	srv := httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(srv.Close)
	return srv
}

func (b hostileBroker) serve(w http.ResponseWriter, r *http.Request) {
	if user, password, ok := r.BasicAuth(); !ok || user != hostileUser || password != hostilePassword {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-\u202elive")
	path := strings.TrimPrefix(r.URL.Path, "/v2/")
	binding := strings.Contains(path, "/service_bindings/")
	switch {
	case path == "catalog":
		writeAnswer(w, http.StatusOK, hostileCatalog())
	case strings.HasSuffix(path, "/last_operation") && binding:
		writeAnswer(w, http.StatusOK, map[string]any{"state": "succeeded", "description": hostileText})
	case strings.HasSuffix(path, "/last_operation"):
		writeAnswer(w, http.StatusOK, map[string]any{"state": b.state, "description": b.description})
	case r.Method == http.MethodPut && binding:
		writeAnswer(w, http.StatusCreated, map[string]any{"credentials": hostileCredentials()})
	case r.Method == http.MethodGet && binding:
		writeAnswer(w, http.StatusOK, map[string]any{"credentials": hostileCredentials(), "parameters": hostileParameters()})
	case r.Method == http.MethodPut:
		writeAnswer(w, http.StatusAccepted, map[string]any{"dashboard_url": "https://dash.example/" + hostileText, "operation": "op-" + hostileText})
	case r.Method == http.MethodGet:
		writeAnswer(w, http.StatusOK, map[string]any{"service_id": "svc-1", "plan_id": "plan-1", "dashboard_url": "https://dash.example/" + hostileText, "parameters": hostileParameters()})
	case r.Method == http.MethodPatch:
		writeAnswer(w, http.StatusUnprocessableEntity, map[string]any{"error": "Refused" + hostileText, "description": hostileText})
	case r.Method == http.MethodDelete:
		writeAnswer(w, http.StatusOK, map[string]any{})
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func writeAnswer(w http.ResponseWriter, status int, answer any) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(answer)
}

func hostileCatalog() map[string]any {
	schema := map[string]any{"parameters": map[string]any{"type": "object", "properties": map[string]any{
		"size" + hostileText: map[string]any{"type": "string", "description": hostileText},
	}}}
	return map[string]any{"services": []any{map[string]any{
		"id": "svc-1", "name": "db" + hostileText, "description": hostileText, "bindable": true,
		"instances_retrievable": true, "bindings_retrievable": true, "tags": []any{hostileText},
		"metadata":         map[string]any{"displayName": hostileText},
		"dashboard_client": map[string]any{"id": "dash", "secret": plantedSecrets[7], "redirect_uri": "https://dash.example"},
		"plans": []any{map[string]any{
			"id": "plan-1", "name": "small" + hostileText, "description": hostileText, "free": true,
			"metadata": map[string]any{"bullets": []any{hostileText}},
			"schemas":  map[string]any{"service_instance": map[string]any{"create": schema}, "service_binding": map[string]any{"create": schema}},
		}},
	}}}
}

// hostileCredentials holds a secret under each kind of key and in each kind of string that
// masking must find, and hostile keys and values.
func hostileCredentials() map[string]any {
	return map[string]any{
		"pass":         plantedSecrets[0],
		"uri":          "postgres://u:" + plantedSecrets[1] + "@ss@db:5432/app",
		"username":     plantedSecrets[9],
		hostileText:    hostileText,
		"auth":         map[string]any{"bearer": plantedSecrets[6]},
		"replicas":     []any{"redis://:" + plantedSecrets[1] + "@r1:6379/0"},
		"port":         5432,
		"nested_json":  `{"password":"` + plantedSecrets[5] + `"}`,
		"jdbc":         "jdbc:postgresql://db/app?user=u&password=" + plantedSecrets[2],
		"conn":         "Server=db;Password=" + plantedSecrets[3] + ";",
		"dsn":          "u:" + plantedSecrets[4] + "@tcp(db:3306)/app",
		"hostile_note": hostileText,
	}
}

// hostileParameters are an instance's or binding's parameters with secrets a user gave.
func hostileParameters() map[string]any {
	return map[string]any{
		"pass":  plantedSecrets[8],
		"jdbc":  "jdbc:mysql://db/app?password=" + plantedSecrets[2],
		"conn":  "Data Source=db;Password=" + plantedSecrets[3] + ";",
		"dsn":   "app:" + plantedSecrets[4] + "@tcp(db:3306)/app",
		"json":  `{"password":"` + plantedSecrets[5] + `"}`,
		"auth":  map[string]any{"bearer": plantedSecrets[6]},
		"note":  hostileText,
		"other": []any{hostileText, map[string]any{hostileText: 1}},
	}
}

// terminalActive returns a description of the first character in s that could act on a
// terminal: a control character other than newline and tab, a C1 control, a bidi or other
// format character, a line or paragraph separator, or invalid UTF-8. It is written apart
// from termtext so that it checks it.
func terminalActive(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for i, r := range s {
		switch {
		case r < 0x20 && r != '\n' && r != '\t', r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
			r == 0x2028, r == 0x2029, r == 0x061c, r == 0xfeff:
			return fmt.Sprintf("%U at byte %d: %q", r, i, s[max(0, i-40):min(len(s), i+40)])
		}
	}
	return ""
}

// assertHarmless checks that a run printed nothing that acts on a terminal and no secret.
func assertHarmless(t *testing.T, name string, got result) {
	t.Helper()
	for stream, text := range map[string]string{"stdout": got.stdout, "stderr": got.stderr} {
		if active := terminalActive(text); active != "" {
			t.Errorf("%s: %s holds %s", name, stream, active)
		}
		for _, planted := range append([]string{hostilePassword}, plantedSecrets...) {
			// Not assert.NotContains: its message would print the secret.
			assert.False(t, strings.Contains(text, planted), "%s: %s shows the planted secret %.6s…", name, stream, planted)
		}
	}
}

// hostileCommands are every command that prints the broker's text, with the exit code each
// ends with against the hostile broker.
var hostileCommands = []struct {
	args []string
	code int
}{
	{[]string{"catalog"}, exitOK},
	{[]string{"catalog", "plan", "plan-1"}, exitOK},
	{[]string{"provision", "inst", "--service", "svc-1", "--plan", "plan-1"}, exitOK},
	{[]string{"provision", "inst", "--service", "svc-1", "--plan", "plan-1", "--wait"}, exitFailed},
	{[]string{"update", "inst", "--service", "svc-1", "--plan", "plan-1"}, exitRejected},
	{[]string{"get", "instance", "inst"}, exitOK},
	{[]string{"bind", "inst", "b", "--service", "svc-1", "--plan", "plan-1"}, exitOK},
	{[]string{"rotate", "inst", "b", "b2", "--service", "svc-1", "--plan", "plan-1"}, exitUsage},
	{[]string{"get", "binding", "inst", "b"}, exitOK},
	// A single poll that says "failed" exits 4, as a wait does.
	{[]string{"last-operation", "inst"}, exitFailed},
	{[]string{"last-operation", "inst", "--binding", "b", "--wait"}, exitOK},
	// The local record keeps the catalog's names of what the commands above created.
	{[]string{"instances"}, exitOK},
	{[]string{"bindings"}, exitOK},
	{[]string{"deprovision", "inst", "--service", "svc-1", "--plan", "plan-1"}, exitOK},
	{[]string{"unbind", "inst", "b", "--service", "svc-1", "--plan", "plan-1"}, exitOK},
}

func TestHostileBrokerCannotActOnTheTerminalNorLeakSecrets(t *testing.T) {
	srv := newHostileBroker(t, hostileBroker{})
	variants := map[string][]string{
		"table": nil, "json": {"-o", "json"}, "yaml": {"-o", "yaml"}, "verbose": {"-v"},
		// Every string of the output, raw.
		"jq": {"--jq", "..|strings"},
	}
	for _, command := range hostileCommands {
		for variant, flags := range variants {
			name := strings.Join(command.args, " ") + " " + variant
			got := invocation{}.runAt(t, srv.URL, hostileUser, hostilePassword, append(command.args, flags...)...)
			assert.Equal(t, command.code, got.code, "%s: %s", name, got.stderr)
			assertHarmless(t, name, got)
		}
	}
}

func TestHostileBrokerTextIsShownNotDropped(t *testing.T) {
	srv := newHostileBroker(t, hostileBroker{})
	got := invocation{}.runAt(t, srv.URL, hostileUser, hostilePassword, "catalog")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, `db\u001b]0;owned\u0007\u001b[2J\u001b]52;c;b3duZWQ=\u0007\u202eevil\u2066 \u200b\u000d\u001b[K\u001b[32msucceeded\u001b[0m\u009b2J\u007f`)

	got = invocation{}.runAt(t, srv.URL, hostileUser, hostilePassword, "catalog", "-o", "json")
	require.Equal(t, exitOK, got.code, got.stderr)
	var decoded struct {
		Answer struct {
			Services []struct{ Name string } `json:"services"`
		} `json:"answer"`
	}
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &decoded))
	assert.Equal(t, "db"+hostileText, decoded.Answer.Services[0].Name, "the JSON, escaped, still means what the broker sent")
}

func TestHostileFailedOperationCannotLookSucceeded(t *testing.T) {
	srv := newHostileBroker(t, hostileBroker{})
	for _, terminal := range []bool{false, true} {
		got := invocation{terminal: terminal}.runAt(t, srv.URL, hostileUser, hostilePassword, "provision", "inst", "--service", "svc-1", "--plan", "plan-1", "--wait")
		assert.Equal(t, exitFailed, got.code)
		assert.Contains(t, got.stderr, "provision inst: failed", "terminal %v", terminal)
		assert.NotContains(t, got.stderr, "\x1b[32m", "terminal %v", terminal)
		for _, line := range strings.Split(got.stderr, "\n") {
			assert.False(t, strings.HasPrefix(line, "succeeded"), "no forged line: %q", line)
		}
	}
}

func TestHostileHugeDescriptionIsCut(t *testing.T) {
	huge := strings.Repeat("x", 10<<20)
	srv := newHostileBroker(t, hostileBroker{state: "in progress", description: huge})
	got := invocation{}.runAt(t, srv.URL, hostileUser, hostilePassword, "last-operation", "inst")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Less(t, len(got.stdout), 4096, "the table cuts the description")
	assert.Contains(t, got.stdout, "… [cut: 10485760 bytes in all]")

	got = invocation{terminal: true}.runAt(t, srv.URL, hostileUser, hostilePassword, "provision", "inst", "--service", "svc-1", "--plan", "plan-1", "--wait", "--timeout", "1s")
	assert.Equal(t, exitTimeout, got.code, got.stderr)
	assert.Less(t, len(got.stderr), 16<<10, "the status line and the error do not redraw the description whole")
}

// TestHostileTransportsEndCleanly drives the answers that never end well: a redirect to
// another host, a body dripped slower than the timeout, a body without end.
func TestHostileTransportsEndCleanly(t *testing.T) {
	handlers := map[string]http.HandlerFunc{
		"redirect": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "http://127.0.0.2:1/v2/catalog?"+hostileText)
			w.WriteHeader(http.StatusFound)
		},
		"drip": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			for _, c := range []byte(`{"services":[{"name":"` + hostileText) {
				if _, err := w.Write([]byte{c}); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		},
		"endless": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			chunk := []byte(`{"description":"` + strings.Repeat(hostileText, 1000))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
	}
	for name, handler := range handlers {
		t.Run(name, func(t *testing.T) {
			failFast(t)
			srv := httptest.NewServer(handler)
			defer srv.Close()
			for _, flags := range [][]string{nil, {"-o", "json"}, {"-v"}} {
				got := invocation{}.runAt(t, srv.URL, hostileUser, hostilePassword, append([]string{"catalog", "--timeout", "500ms"}, flags...)...)
				assert.NotEqual(t, exitOK, got.code, "%v: %s", flags, got.stderr)
				assertHarmless(t, name, got)
				assert.Less(t, len(got.stdout+got.stderr), 64<<10, "%v", flags)
			}
		})
	}
}
