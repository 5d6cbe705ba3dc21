package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatFigure(t *testing.T) {
	tests := []struct {
		value float64
		want  string
	}{
		{0, "0"},
		{12.345, "12.35"},
		{99.5, "99.5"},
		{100, "100"},
		{1234.4, "1,234"},
		{1941373352, "1,941,373,352"},
		{-123456, "-123,456"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, formatFigure(tt.value), "%v", tt.value)
	}
}

func TestRunWritesTheTable(t *testing.T) {
	input := sampleOutput + "BenchmarkP2LastOperation/ibm-2   40000   34000 ns/op   8000 B/op   90 allocs/op\n"
	outputPath := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	notesPath := filepath.Join(t.TempDir(), "notes.md")
	require.NoError(t, os.WriteFile(notesPath, []byte("## Notes\n\nHow to read it.\n"), 0o600))
	var stdout, diag bytes.Buffer

	err := run(strings.NewReader(input), &stdout, &diag, outputPath, "make bench", notesPath)

	require.NoError(t, err)
	written, err := os.ReadFile(outputPath)
	require.NoError(t, err)
	assert.Equal(t, stdout.String(), string(written), "file and stdout hold the same table")
	table := stdout.String()
	assert.Contains(t, table, "- Command: `make bench`")
	assert.Contains(t, table, "GOMAXPROCS 2, linux/amd64")
	assert.Contains(t, table, "each figure is the median of 1 runs")
	assert.Contains(t, table, "| P2 last_operation over loopback, per-call overhead | ours | 31,000 | 6,000 | 70.5 | 0.89x | 0.78x | 1.24x | 1.18x |  |")
	assert.Contains(t, table, "|  | IBM | 35,000 | 8,000 | 90 |  |  |  |  |  |")
	assert.Contains(t, table, "|  | IBM | missing |", "P4 has no IBM result")
	assert.Contains(t, table, "12.5 conns/op")
	assert.Contains(t, table, "time within 1.2x of plain: MISSED (ns/op ours/plain 1.24x)")
	assert.Contains(t, table, "## Notes\n\nHow to read it.")
	assert.Contains(t, diag.String(), "P4SharedClient has no results for [ibm plain]")
	assert.Contains(t, diag.String(), "MISSED")
}

func TestRunFailsOnAFailedBenchmarkRun(t *testing.T) {
	outputPath := filepath.Join(t.TempDir(), "BENCHMARKS.md")

	err := run(strings.NewReader(sampleOutput+"--- FAIL: BenchmarkP3Provision/ibm\n"), &bytes.Buffer{}, &bytes.Buffer{}, outputPath, "make bench", "")

	require.ErrorIs(t, err, errRunFailed)
	assert.NoFileExists(t, outputPath, "a failed run leaves the previous table alone")
}

func TestModelNameReadsTheFirstModelNameLine(t *testing.T) {
	cpuinfo := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"

	assert.Equal(t, "AMD EPYC 7B13", modelName(bufio.NewScanner(strings.NewReader(cpuinfo)), "fallback"))
	assert.Equal(t, "fallback", modelName(bufio.NewScanner(strings.NewReader("processor\t: 0\n")), "fallback"))
}

func TestFigureCasesHaveTablesOfTheirOwn(t *testing.T) {
	input := "BenchmarkS2Outage/ours\t1\t6.1 requests/call\t8.3 s-to-notice-recovery\n" +
		"BenchmarkS2Outage/ibm\t1\t1 requests/call\t0.02 s-to-notice-recovery\n" +
		"BenchmarkS1ScaleWaits/ours\t1\t5146.2 heap-B/wait\t0.999 polls/fewest\t0 goroutines-left\n" +
		sampleOutput
	var stdout, diag bytes.Buffer

	err := run(strings.NewReader(input), &stdout, &diag, "", "make bench", "")

	require.NoError(t, err)
	table := stdout.String()
	assert.Contains(t, table, "each figure is the median of 1 runs", "figure cases do not count as runs")
	assert.NotContains(t, table, "| S1 10,000", "no row in the benchmark table")
	assert.Contains(t, table, "### S1 10,000 asynchronous provisions waited at once through one client\n\n| figure | ours |\n|---|--:|\n")
	assert.Contains(t, table, "| live heap per wait in progress (bytes) | 5,146 |")
	assert.Contains(t, table, "| goroutines left after every wait returned | 0 |")
	assert.Contains(t, table, "| goroutine stack per wait in progress (bytes) |  |", "figures not measured stay empty")
	assert.Contains(t, table, "| figure | ours | IBM |\n|---|--:|--:|\n| requests to the failing broker per call started during the outage | 6.1 | 1 |")
	assert.Contains(t, table, "at most 16 KB of heap per wait: met (heap-B/wait 5,146)")
	assert.Contains(t, table, "at most 1.5 requests per call to the failing broker: MISSED (requests/call 6.1)")
	assert.NotContains(t, diag.String(), "S1ScaleWaits has no results", "figure cases need only the contenders they measure")
	assert.Less(t, strings.Index(table, "| P4 64 goroutines"), strings.Index(table, "### S1"), "benchmarks first")
	assert.Less(t, strings.Index(table, "### S1"), strings.Index(table, "### S2"), "figure cases by name")
	assert.Less(t, strings.Index(table, "- P2 last_operation"), strings.Index(table, "- S1 10,000"), "targets in the same order")
}
