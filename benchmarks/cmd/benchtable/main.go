// Command benchtable turns the output of `go test -bench` (any -count) into one markdown
// table comparing this SDK with IBM's SDK and plain net/http: the median ns/op, B/op and
// allocs/op per contender, the ratios ours/IBM and ours/plain, and the performance targets.
// Lines of the figure tests (scale and outage, written by `go test -run ... -figures FILE` in
// the same format) go into tables of their own, one per case.
//
//	go test -run '^$' -bench . -benchmem -count 5 | go run ./cmd/benchtable -o ../BENCHMARKS.md -cmd "make bench"
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

func main() {
	output := flag.String("o", "", "also write the table to this file")
	command := flag.String("cmd", "go test -bench", "the command that produced the input, recorded in the table")
	notesPath := flag.String("notes", "", "markdown file appended below the table")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, os.Stderr, *output, *command, *notesPath); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// run reads benchmark output from in, writes the markdown table to out (and to the file
// outputPath when not empty), and reports missed targets and missing contenders on diag.
func run(in io.Reader, out, diag io.Writer, outputPath, command, notesPath string) error {
	parsed, err := parseBenchOutput(in)
	if err != nil {
		return err
	}
	notes, err := readNotes(notesPath)
	if err != nil {
		return err
	}
	results := orderCases(summarize(parsed.samples))
	verdicts := checkTargets(results)
	reportProblems(diag, results, verdicts)
	env := environment{
		cpuModel:  cpuModel(parsed.cpu),
		cores:     runtime.NumCPU(),
		procs:     parsed.procs,
		goos:      parsed.goos,
		goarch:    parsed.goarch,
		goVersion: runtime.Version(),
		command:   command,
		date:      time.Now().UTC().Format(time.DateOnly),
	}
	var table bytes.Buffer
	if err := renderMarkdown(&table, env, results, verdicts, notes); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	if _, err := out.Write(table.Bytes()); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	if outputPath == "" {
		return nil
	}
	if err := os.WriteFile(outputPath, table.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", outputPath, err)
	}
	return nil
}

func readNotes(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	notes, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read notes: %w", err)
	}
	return string(notes), nil
}

// reportProblems names, on diag, every missed target and every case missing a contender.
func reportProblems(diag io.Writer, results []caseResult, verdicts []verdict) {
	for _, c := range results {
		if missing := c.missingContenders(); len(missing) > 0 && !isFigureCase(c.name) {
			fmt.Fprintf(diag, "benchtable: %s has no results for %v\n", c.name, missing)
		}
	}
	for _, v := range verdicts {
		if !v.met() {
			fmt.Fprintf(diag, "benchtable: target %s\n", v)
		}
	}
}
