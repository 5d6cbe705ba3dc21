package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   float64
	}{
		{"one value", []float64{7}, 7},
		{"odd count, unsorted", []float64{9, 1, 5}, 5},
		{"even count takes the mean of the middle two", []float64{4, 1, 3, 100}, 3.5},
		{"outlier does not move it", []float64{10, 11, 12, 13, 1000}, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, median(tt.values))
		})
	}
}

func TestMedianLeavesItsInputUnsorted(t *testing.T) {
	values := []float64{3, 1, 2}

	median(values)

	assert.Equal(t, []float64{3, 1, 2}, values)
}

func TestSummarizeTakesMediansPerCaseAndContender(t *testing.T) {
	out, err := parseBenchOutput(strings.NewReader(sampleOutput))
	require.NoError(t, err)

	results := summarize(out.samples)

	require.Len(t, results, 2)
	assert.Equal(t, "P2LastOperation", results[0].name, "cases keep their first order")
	assert.Equal(t, "P4SharedClient", results[1].name)
	oursP2 := results[0].byContender[ours]
	assert.Equal(t, 2, oursP2.runs)
	assert.Equal(t, 31000.0, oursP2.median[nsPerOp])
	assert.Equal(t, 70.5, oursP2.median[allocsPerOp])
	assert.Equal(t, []string{ibm, plain}, results[1].missingContenders())
}

func TestRatioIsOursOverBaseline(t *testing.T) {
	c := caseResult{name: "P2LastOperation", byContender: map[string]measurement{
		ours:  {median: map[string]float64{nsPerOp: 30, allocsPerOp: 10}},
		ibm:   {median: map[string]float64{nsPerOp: 120, allocsPerOp: 0}},
		plain: {median: map[string]float64{nsPerOp: 25}},
	}}

	r, ok := c.ratio(ibm, nsPerOp)
	assert.True(t, ok)
	assert.Equal(t, 0.25, r)
	r, ok = c.ratio(plain, nsPerOp)
	assert.True(t, ok)
	assert.Equal(t, 1.2, r)
	_, ok = c.ratio(ibm, allocsPerOp)
	assert.False(t, ok, "zero baseline")
	_, ok = c.ratio(plain, allocsPerOp)
	assert.False(t, ok, "baseline without the unit")
}

// catalogCase returns a P1 decode case with the given ns/op and allocs/op of ours, IBM and plain.
func catalogCase(ns, allocs [3]float64) caseResult {
	c := caseResult{name: "P1CatalogDecode", byContender: map[string]measurement{}}
	for i, name := range contenderOrder {
		c.byContender[name] = measurement{median: map[string]float64{nsPerOp: ns[i], allocsPerOp: allocs[i]}, runs: 5}
	}
	return c
}

func TestCheckTargetsMarksEachCriterion(t *testing.T) {
	tests := []struct {
		name   string
		result caseResult
		want   []bool // faster than IBM, fewer allocations than IBM, close to plain
	}{
		{"all met", catalogCase([3]float64{100, 900, 90}, [3]float64{10, 40, 12}), []bool{true, true, true}},
		{"exactly on the limits", catalogCase([3]float64{130, 390, 100}, [3]float64{10, 30, 12}), []bool{true, true, true}},
		{"too slow against IBM", catalogCase([3]float64{100, 200, 90}, [3]float64{10, 40, 12}), []bool{false, true, true}},
		{"too many allocations", catalogCase([3]float64{100, 900, 90}, [3]float64{20, 40, 12}), []bool{true, false, true}},
		{"too slow against plain", catalogCase([3]float64{140, 900, 100}, [3]float64{10, 40, 12}), []bool{true, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verdicts := checkTargets([]caseResult{tt.result})

			require.Len(t, verdicts, 3)
			for i, v := range verdicts {
				assert.Equal(t, tt.want[i], v.met(), v.String())
			}
		})
	}
}

func TestUnmeasuredTargetIsNotMet(t *testing.T) {
	c := caseResult{name: "P2LastOperation", byContender: map[string]measurement{
		ours: {median: map[string]float64{nsPerOp: 30}},
	}}

	verdicts := checkTargets([]caseResult{c})

	require.Len(t, verdicts, 1)
	assert.False(t, verdicts[0].met())
	assert.Contains(t, verdicts[0].String(), "not measured")
}

func TestCasesWithoutTargetsHaveNoVerdicts(t *testing.T) {
	c := caseResult{name: "P3Provision", byContender: map[string]measurement{}}

	assert.Empty(t, checkTargets([]caseResult{c}))
}
