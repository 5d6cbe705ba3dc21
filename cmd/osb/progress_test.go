package main

import (
	"errors"
	"strings"
	"testing"
	"time"

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
	display := newProgress(&out, false, "provision inst")
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
	display := newProgress(&out, true, "provision inst")
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
		newProgress(&out, terminal, "provision inst").finish("succeeded")
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
			display := newProgress(&out, terminal, "provision inst")
			display.onPoll(event)
			require.Eventually(t, func() bool { return strings.Contains(out.String(), want) }, time.Second, time.Millisecond,
				"terminal %v: %q", terminal, out.String())
			display.finish("succeeded")
			for _, control := range []string{"\x1b[2J", "\x1b]0", "\x07", "\x1b[31m", "\x1b[H", "\u009b"} {
				assert.NotContains(t, out.String(), control, "terminal %v", terminal)
			}
		}
	}
}
