package seedsnippets

import (
	"fmt"
	"io"
	"os"
)

// Run runs snippet and returns what it printed to standard output and the value it panicked with,
// nil when it returned. When standard output cannot be redirected, Run does not run snippet and
// returns that error as panicked, so that the caller fails either way.
//
// Run swaps os.Stdout while snippet runs: it must not run in parallel with anything that prints.
func Run(snippet func()) (printed string, panicked any) {
	reader, writer, err := os.Pipe()
	if err != nil {
		return "", fmt.Errorf("redirecting standard output: %w", err)
	}
	defer func() { _ = reader.Close() }()
	output := make(chan string, 1)
	go func() {
		data, _ := io.ReadAll(reader) // ends when the writer is closed, after snippet
		output <- string(data)
	}()
	stdout := os.Stdout
	os.Stdout = writer
	panicked = runRecovering(snippet)
	os.Stdout = stdout
	_ = writer.Close()
	return <-output, panicked
}

// runRecovering runs snippet and returns the value it panicked with, nil if it did not.
func runRecovering(snippet func()) (panicked any) {
	defer func() { panicked = recover() }()
	snippet()
	return nil
}
