package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sampleOutput = `goos: linux
goarch: amd64
pkg: github.com/osbkit/osb-go-sdk/benchmarks
cpu: AMD EPYC
BenchmarkP2LastOperation/ours-2         	   40000	     30000 ns/op	    6000 B/op	      70 allocs/op
BenchmarkP2LastOperation/ibm-2          	   40000	     36000 ns/op	    8000 B/op	      90 allocs/op
BenchmarkP2LastOperation/plain-2        	   50000	     25000 ns/op	    5000 B/op	      60 allocs/op
BenchmarkP4SharedClient/ours-2          	       4	 300000000 ns/op	    12.5 conns/op	 9000000 B/op	  700000 allocs/op
BenchmarkP2LastOperation/ours-2         	   40000	     32000 ns/op	    6000 B/op	      71 allocs/op
PASS
ok  	github.com/osbkit/osb-go-sdk/benchmarks	12.3s
`

func TestParseBenchOutputReadsResultsAndEnvironment(t *testing.T) {
	out, err := parseBenchOutput(strings.NewReader(sampleOutput))

	require.NoError(t, err)
	assert.Equal(t, "linux", out.goos)
	assert.Equal(t, "amd64", out.goarch)
	assert.Equal(t, "AMD EPYC", out.cpu)
	assert.Equal(t, 2, out.procs)
	require.Len(t, out.samples, 5)
	assert.Equal(t, sample{caseName: "P2LastOperation", contender: "ours",
		metrics: map[string]float64{"ns/op": 30000, "B/op": 6000, "allocs/op": 70}}, out.samples[0])
	assert.Equal(t, 12.5, out.samples[3].metrics["conns/op"], "custom units are kept")
}

func TestParseBenchOutputRejects(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		wantErr string
	}{
		{"empty input", "", "no benchmark results"},
		{"failed benchmark", "--- FAIL: BenchmarkP3Provision/ours\n", "the benchmark run failed"},
		{"failed package", "FAIL\tgithub.com/osbkit/osb-go-sdk/benchmarks\t1.2s\n", "the benchmark run failed"},
		{"panic", "panic: runtime error: invalid memory address\n", "the benchmark run failed"},
		{"no contender", "BenchmarkP2LastOperation-2 100 30000 ns/op\n", "has no contender"},
		{"value without unit", "BenchmarkP2LastOperation/ours-2 100 30000 ns/op 12\n", "value without unit"},
		{"value not a number", "BenchmarkP2LastOperation/ours-2 100 fast ns/op\n", "malformed value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBenchOutput(strings.NewReader(tt.input))

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestParseBenchOutputSkipsNamesWithoutFigures(t *testing.T) {
	input := "BenchmarkP1CatalogDecode/ours\n    bench_test.go:12: log line\n" +
		"BenchmarkP1CatalogDecode/ours-2   3   400000000 ns/op\n"

	out, err := parseBenchOutput(strings.NewReader(input))

	require.NoError(t, err)
	require.Len(t, out.samples, 1)
	assert.Equal(t, "P1CatalogDecode", out.samples[0].caseName)
}
