package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// sample is one result line of `go test -bench`, such as
// "BenchmarkP2LastOperation/ours-2  40000  29876 ns/op  5678 B/op  61 allocs/op".
type sample struct {
	caseName  string             // the top-level benchmark without "Benchmark": "P2LastOperation"
	contender string             // the sub-benchmark: "ours", "ibm" or "plain"
	metrics   map[string]float64 // value by unit: "ns/op", "B/op", "allocs/op", and any custom unit
}

// benchOutput is what a `go test -bench` run printed, possibly over several -count runs.
type benchOutput struct {
	samples []sample
	goos    string
	goarch  string
	cpu     string
	procs   int // the GOMAXPROCS suffix of the benchmark names
}

// errRunFailed reports that the benchmark run itself failed, so no table should be trusted.
var errRunFailed = errors.New("the benchmark run failed")

// procsSuffix is the "-N" that go test appends to benchmark names when GOMAXPROCS > 1.
var procsSuffix = regexp.MustCompile(`-(\d+)$`)

// parseBenchOutput reads `go test -bench` output. It fails on a line that reports a failed
// test, benchmark or panic, and on a malformed result line.
func parseBenchOutput(r io.Reader) (*benchOutput, error) {
	out := &benchOutput{procs: 1}
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for scanner.Scan() {
		if err := out.parseLine(scanner.Text()); err != nil {
			return nil, err
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark output: %w", err)
	}
	if len(out.samples) == 0 {
		return nil, errors.New("no benchmark results in the input; pipe the output of `go test -bench` into benchtable")
	}
	return out, nil
}

func (out *benchOutput) parseLine(line string) error {
	trimmed := strings.TrimSpace(line)
	switch {
	case strings.HasPrefix(trimmed, "--- FAIL"), strings.HasPrefix(trimmed, "FAIL"), strings.HasPrefix(trimmed, "panic:"):
		return fmt.Errorf("%w: %s", errRunFailed, trimmed)
	case strings.HasPrefix(line, "goos: "):
		out.goos = strings.TrimPrefix(line, "goos: ")
	case strings.HasPrefix(line, "goarch: "):
		out.goarch = strings.TrimPrefix(line, "goarch: ")
	case strings.HasPrefix(line, "cpu: "):
		out.cpu = strings.TrimPrefix(line, "cpu: ")
	case strings.HasPrefix(line, "Benchmark"):
		return out.parseResult(line)
	}
	return nil
}

// parseResult parses a result line. A line naming a benchmark without figures (printed
// before a benchmark's own log output) is skipped.
func (out *benchOutput) parseResult(line string) error {
	fields := strings.Fields(line)
	if len(fields) < 4 {
		return nil
	}
	if _, err := strconv.Atoi(fields[1]); err != nil {
		return nil
	}
	if len(fields)%2 != 0 {
		return fmt.Errorf("malformed benchmark line (value without unit): %q", line)
	}
	name := strings.TrimPrefix(fields[0], "Benchmark")
	if m := procsSuffix.FindStringSubmatch(name); m != nil {
		out.procs, _ = strconv.Atoi(m[1])
		name = strings.TrimSuffix(name, m[0])
	}
	caseName, contender, ok := strings.Cut(name, "/")
	if !ok {
		return fmt.Errorf("benchmark %s has no contender: name sub-benchmarks after the contender (ours, ibm, plain)", fields[0])
	}
	metrics := make(map[string]float64, (len(fields)-2)/2)
	for i := 2; i < len(fields); i += 2 {
		value, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return fmt.Errorf("malformed value %q in benchmark line %q: %w", fields[i], line, err)
		}
		metrics[fields[i+1]] = value
	}
	out.samples = append(out.samples, sample{caseName: caseName, contender: contender, metrics: metrics})
	return nil
}
