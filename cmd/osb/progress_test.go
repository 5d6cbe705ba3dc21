package main

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/internal/testkit"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

var pollEvents = []openservicebrokerv1.PollEvent{
	{State: "in progress", Description: "creating", Attempt: 1, Elapsed: 0},
	{State: "in progress", Description: "creating", Attempt: 2, Elapsed: 1200 * time.Millisecond},
	{Attempt: 3, Elapsed: 2 * time.Second, Err: errors.New("503 Service Unavailable")},
	{State: "in progress", Description: "configuring", Attempt: 4, Elapsed: 3 * time.Second},
	{State: "succeeded", Attempt: 5, Elapsed: 4 * time.Second},
}

func TestProgressForLogsIsOneLinePerChange(t *testing.T) {
	var out testkit.SyncBuffer
	display := newProgress(&out, false, 0, "provision inst")
	for _, event := range pollEvents {
		display.onPoll(event)
	}
	display.finish("succeeded")

	assert.Equal(t, `provision inst: in progress after 0s (creating)
provision inst: no valid answer, polling on after 2s (503 Service Unavailable)
provision inst: in progress after 3s (configuring)
provision inst: succeeded after 4s
`, out.String())
	assert.NotContains(t, out.String(), "\r", "no terminal control for logs")
}

func TestProgressOnATerminalIsOneUpdatingLine(t *testing.T) {
	var out testkit.SyncBuffer
	display := newProgress(&out, true, 0, "provision inst")
	display.onPoll(pollEvents[0])
	time.Sleep(3 * spinnerInterval)
	display.onPoll(pollEvents[3])
	time.Sleep(2 * spinnerInterval)
	display.finish("succeeded")

	text := out.String()
	assert.Equal(t, 1, strings.Count(text, "\n"), "everything but the last line is redrawn in place:\n%q", text)
	assert.Contains(t, text, "\r\x1b[K"+string(spinnerFrames[0])+" provision inst: in progress, 0s: creating")
	assert.Contains(t, text, string(spinnerFrames[1])+" provision inst: in progress", "the spinner turns")
	assert.Contains(t, text, ": configuring", "the broker's latest description is shown")
	assert.Regexp(t, "\r\x1b\\[Kprovision inst: succeeded after [0-9.]+m?s\n$", text, "the status line gives way to the outcome")
}

func TestProgressShowsNothingWithoutPolls(t *testing.T) {
	for _, terminal := range []bool{false, true} {
		var out testkit.SyncBuffer
		newProgress(&out, terminal, 0, "provision inst").finish("succeeded")
		assert.Empty(t, out.String(), "a synchronous answer has no progress (terminal %t)", terminal)
	}
}

func TestProvisionWaitOnATerminal(t *testing.T) {
	srv := newBroker(t, brokertest.WithAsyncPolls(2), brokertest.WithLastOperationRetryAfter(0))
	got := invocation{terminal: true}.run(t, srv, "provision", "inst", "--service", service, "--plan", asyncPlan, "--wait")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stderr, "\r\x1b[K"+string(spinnerFrames[0])+" provision inst: in progress")
	assert.Regexp(t, "\r\x1b\\[Kprovision inst: succeeded after [0-9.]+m?s\n$", got.stderr)
	assert.Contains(t, got.stdout, "instance inst: 202 Accepted: asynchronous, polled until it ended", "stdout has no terminal control")
	assert.NotContains(t, got.stdout, "\r")
}

func TestProgressPrintsNoEscapeTheBrokerSent(t *testing.T) {
	events := map[string]openservicebrokerv1.PollEvent{
		`creating\u000d\u001b]0;title\u0007 db\u001b[31m`: {State: "in progress\x1b[2J", Description: "creating\r\x1b]0;title\x07 db\x1b[31m"},
		`bad answer \u001b[H\u009b1m`:                     {Err: errors.New("bad answer \x1b[H\u009b1m")},
	}
	for want, event := range events {
		for _, terminal := range []bool{false, true} {
			var out testkit.SyncBuffer
			display := newProgress(&out, terminal, 200, "provision inst")
			display.onPoll(event)
			require.Eventually(t, func() bool { return strings.Contains(out.String(), want) }, 10*time.Second, time.Millisecond,
				"terminal %v: %q", terminal, out.String())
			display.finish("succeeded")
			for _, control := range []string{"\x1b[2J", "\x1b]0", "\x07", "\x1b[31m", "\x1b[H", "\u009b"} {
				assert.NotContains(t, out.String(), control, "terminal %v", terminal)
			}
		}
	}
}

func TestProgressStatusLineFitsTheTerminal(t *testing.T) {
	var out testkit.SyncBuffer
	display := newProgress(&out, true, 40, "provision inst")
	display.onPoll(openservicebrokerv1.PollEvent{State: "in progress", Description: strings.Repeat("x", 10<<20)})
	time.Sleep(3 * spinnerInterval)
	display.finish("succeeded")

	lines := strings.Split(out.String(), "\r\x1b[K")
	require.Greater(t, len(lines), 2, "the status line was drawn: %q", out.String())
	for _, line := range lines[1 : len(lines)-1] {
		assert.LessOrEqual(t, utf8.RuneCountInString(line), 39, "a status line fits in the terminal, one column left: %q", line)
		assert.True(t, strings.HasSuffix(line, "…"), "a cut is marked: %q", line)
	}
	assert.Less(t, len(out.String()), 4096, "a huge description is not redrawn whole")
}

func TestProgressAfter410SaysGone(t *testing.T) {
	var out testkit.SyncBuffer
	display := newProgress(&out, false, 0, "unbind b")
	display.onPoll(openservicebrokerv1.PollEvent{State: "in progress", Attempt: 1})
	display.onPoll(openservicebrokerv1.PollEvent{Attempt: 2, Elapsed: time.Second})
	display.finish("succeeded")
	assert.Equal(t, "unbind b: in progress after 0s\nunbind b: gone (410) after 1s\nunbind b: succeeded after 0s\n", out.String())
}

func TestUnbindWaitAfter410PrintsNoEmptyState(t *testing.T) {
	srv := newBroker(t, brokertest.WithAsyncBindings(true), brokertest.WithAsyncPolls(1), brokertest.WithLastOperationRetryAfter(0))
	for _, args := range [][]string{
		{"provision", "inst", "--service", service, "--plan", asyncPlan, "--wait"},
		{"bind", "inst", "b", "--service", service, "--plan", asyncPlan, "--wait"},
	} {
		got := osb(t, srv, args...)
		require.Equal(t, exitOK, got.code, got.stderr)
	}
	require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodGet, PathPattern: "/v2/service_instances/inst/service_bindings/b/last_operation", Status: http.StatusGone, Body: "{}"}))
	got := osb(t, srv, "unbind", "inst", "b", "--service", service, "--plan", asyncPlan, "--wait")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stderr, "unbind b: gone (410) after", got.stdout)
	assert.NotRegexp(t, `: +after`, got.stderr, "no empty state")
}

func TestTheStatusLineNeverWrapsNorCarriesTheBrokersEscapes(t *testing.T) {
	var out bytes.Buffer
	drawStatusLine(&out, "passed lifecycle.provision [db\x1b]0;owned\x07 "+strings.Repeat("very long subject ", 500)+"]", 40)
	line, ok := strings.CutPrefix(out.String(), "\r\x1b[K")
	require.True(t, ok, "the line is redrawn in place: %q", out.String())
	assert.NotContains(t, line, "\x1b")
	assert.LessOrEqual(t, utf8.RuneCountInString(line), 39, "cut to the terminal's width, one column free: %q", line)
	assert.True(t, strings.HasPrefix(line, `passed lifecycle.provision [db\u001b]0`), "the escape is shown, not sent: %q", line)
}
