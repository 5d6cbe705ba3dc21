package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/osbkit/osb-go-sdk/internal/termtext"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// spinnerFrames turn once per spinnerInterval on the terminal's status line.
var spinnerFrames = []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

const spinnerInterval = 100 * time.Millisecond

// progress shows an operation being waited for on stderr. On a terminal it is one status line
// updated in place (spinner, elapsed time, the broker's latest state and description); on
// anything else it is one line per change of state or description, for logs.
type progress struct {
	w        io.Writer
	terminal bool
	// columns is the terminal's width: the status line is cut to fit it, so that it never
	// wraps and is redrawn in place, however long the broker's description.
	columns int
	label   string
	start   time.Time

	mu sync.Mutex
	// polled says a poll was answered: a synchronous answer shows no progress at all.
	polled             bool
	state, description string
	frame              int
	done               chan struct{}
	stopped            sync.WaitGroup
}

// defaultColumns is the width of a terminal that does not say its own.
const defaultColumns = 80

func newProgress(w io.Writer, terminal bool, columns int, label string) *progress {
	if columns <= 0 {
		columns = defaultColumns
	}
	return &progress{w: w, terminal: terminal, columns: columns, label: label, start: time.Now(), done: make(chan struct{})}
}

func (p *progress) spin() {
	defer p.stopped.Done()
	ticker := time.NewTicker(spinnerInterval)
	defer ticker.Stop()
	for {
		p.mu.Lock()
		p.drawStatusLine()
		p.frame++
		p.mu.Unlock()
		select {
		case <-p.done:
			return
		case <-ticker.C:
		}
	}
}

// drawStatusLine rewrites the terminal's status line; p.mu is held.
func (p *progress) drawStatusLine() {
	line := fmt.Sprintf("%c %s: %s, %s", spinnerFrames[p.frame%len(spinnerFrames)], p.label, p.state, time.Since(p.start).Round(time.Second))
	if p.description != "" {
		line += ": " + p.description
	}
	drawStatusLine(p.w, line, p.columns)
}

// drawStatusLine replaces the terminal's status line with line, cleaned and cut to fit columns
// (defaultColumns when unknown), so that it never wraps and is redrawn in place.
func drawStatusLine(w io.Writer, line string, columns int) {
	if columns <= 0 {
		columns = defaultColumns
	}
	// One column is left free: a line filling the last column wraps on some terminals.
	fmt.Fprintf(w, "\r\x1b[K%s", termtext.Fit(line, columns-1))
}

// onPoll takes one poll's answer; it is the waiter's OnPoll.
func (p *progress) onPoll(event openservicebrokerv1.PollEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// The broker's words reach a terminal or a log: no escape sequence of theirs does.
	state, description := termtext.Clean(event.State), termtext.Clean(event.Description)
	switch {
	case event.Err != nil:
		state, description = "no valid answer, polling on", termtext.Clean(event.Err.Error())
	case state == "":
		// The only valid answer without a state: 410 Gone, which ends a deletion.
		state = "gone (410)"
	}
	if p.polled && state == p.state && description == p.description {
		return
	}
	p.state, p.description = state, description
	if p.terminal {
		if !p.polled {
			p.stopped.Add(1)
			go p.spin()
		}
		p.polled = true
		return
	}
	p.polled = true
	if description != "" {
		printf(p.w, "%s: %s after %s (%s)\n", p.label, state, event.Elapsed.Round(100*time.Millisecond), description)
		return
	}
	printf(p.w, "%s: %s after %s\n", p.label, state, event.Elapsed.Round(100*time.Millisecond))
}

// finish ends the display with a last line saying how the wait ended and after how long, if
// anything was polled and, for logs, the broker's last answer did not say it already.
func (p *progress) finish(outcome string) {
	p.finishWith(outcome, "")
}

// finishAtLimit ends the display of a wait that reached its limit: the line states the limit
// the user gave, not the time of the last poll (the wait ends early when the next poll would
// come after the limit).
func (p *progress) finishAtLimit(limit string) {
	p.finishWith("timed out", limit)
}

// finishWith writes the last line: outcome, then when (the elapsed time when empty).
func (p *progress) finishWith(outcome, when string) {
	close(p.done)
	p.stopped.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.polled || (!p.terminal && p.state == outcome) {
		return
	}
	if p.terminal {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	if when == "" {
		when = "after " + time.Since(p.start).Round(100*time.Millisecond).String()
	}
	printf(p.w, "%s: %s %s\n", p.label, outcome, when)
}
