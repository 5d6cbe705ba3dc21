package main

import (
	"fmt"
	"slices"
)

// The contenders, in table order, and the one the ratios are about.
const (
	ours  = "ours"
	ibm   = "ibm"
	plain = "plain"
)

var contenderOrder = []string{ours, ibm, plain}

// Units of the standard benchmark figures.
const (
	nsPerOp     = "ns/op"
	bytesPerOp  = "B/op"
	allocsPerOp = "allocs/op"
)

// measurement is the median of each figure of one contender in one case over all runs.
type measurement struct {
	median map[string]float64
	runs   int
}

// caseResult holds the measurements of one benchmark case by contender.
type caseResult struct {
	name        string
	byContender map[string]measurement
}

// summarize groups samples by case and contender and takes the median of every figure.
// Cases keep the order in which they first appear.
func summarize(samples []sample) []caseResult {
	type key struct{ caseName, contender string }
	values := make(map[key]map[string][]float64)
	var cases []string
	for _, s := range samples {
		if !slices.Contains(cases, s.caseName) {
			cases = append(cases, s.caseName)
		}
		k := key{s.caseName, s.contender}
		if values[k] == nil {
			values[k] = make(map[string][]float64)
		}
		for unit, value := range s.metrics {
			values[k][unit] = append(values[k][unit], value)
		}
	}
	results := make([]caseResult, len(cases))
	for i, name := range cases {
		results[i] = caseResult{name: name, byContender: make(map[string]measurement)}
	}
	for k, byUnit := range values {
		m := measurement{median: make(map[string]float64, len(byUnit))}
		for unit, vs := range byUnit {
			m.median[unit] = median(vs)
			m.runs = max(m.runs, len(vs))
		}
		results[slices.Index(cases, k.caseName)].byContender[k.contender] = m
	}
	return results
}

// median returns the middle value, or the mean of the two middle values; values must not be empty.
func median(values []float64) float64 {
	sorted := slices.Sorted(slices.Values(values))
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid]
	}
	return (sorted[mid-1] + sorted[mid]) / 2
}

// ratio returns ours' median of unit divided by baseline's, and false when either is missing
// or the baseline is zero.
func (c caseResult) ratio(baseline, unit string) (float64, bool) {
	num, okNum := c.byContender[ours].median[unit]
	den, okDen := c.byContender[baseline].median[unit]
	if !okNum || !okDen || den == 0 {
		return 0, false
	}
	return num / den, true
}

// missingContenders lists the contenders without results in this case.
func (c caseResult) missingContenders() []string {
	var missing []string
	for _, name := range contenderOrder {
		if _, ok := c.byContender[name]; !ok {
			missing = append(missing, name)
		}
	}
	return missing
}

// criterion is one performance target: ours' figure over the baseline's must not exceed max;
// without a baseline, ours' figure itself must not exceed max.
type criterion struct {
	unit     string
	baseline string
	max      float64
	label    string
}

// measure returns what the criterion compares with max: ours' figure, over the baseline's when
// there is one; false when a figure is missing.
func (crit criterion) measure(c caseResult) (float64, bool) {
	if crit.baseline != "" {
		return c.ratio(crit.baseline, crit.unit)
	}
	value, ok := c.byContender[ours].median[crit.unit]
	return value, ok
}

// targets are the performance goals of the project, by case.
var targets = map[string][]criterion{
	"P1CatalogEndToEnd": catalogTargets,
	"P1CatalogDecode":   catalogTargets,
	"P2LastOperation": {
		{unit: nsPerOp, baseline: plain, max: 1.2, label: "time within 1.2x of plain"},
	},
	"P2LastOperationInMemory": {
		{unit: nsPerOp, baseline: plain, max: 1.3, label: "time within 1.3x of plain"},
		{unit: allocsPerOp, baseline: plain, max: 1.1, label: "at most 1.1x plain's allocations"},
	},
	"S1ScaleWaits": {
		{unit: "heap-B/wait", max: 16 << 10, label: "at most 16 KB of heap per wait"},
		{unit: "polls/fewest", max: 1.05, label: "at most 1.05x the fewest polls Retry-After allows"},
		{unit: "goroutines-left", max: 0, label: "no goroutine left afterwards"},
	},
	"S2Outage": {
		{unit: "requests/call", max: 1.5, label: "at most 1.5 requests per call to the failing broker"},
	},
}

var catalogTargets = []criterion{
	{unit: nsPerOp, baseline: ibm, max: 1.0 / 3, label: "at least 3x faster than IBM"},
	{unit: allocsPerOp, baseline: ibm, max: 1.0 / 3, label: "at most 1/3 of IBM's allocations"},
	{unit: nsPerOp, baseline: plain, max: 1.3, label: "time within 1.3x of plain"},
}

// verdict is the outcome of one criterion in one case.
type verdict struct {
	caseName string
	criterion
	value    float64 // what the criterion measured: a ratio, or ours' figure without a baseline
	measured bool
}

// met reports whether the target holds; an unmeasured target is not met.
func (v verdict) met() bool {
	return v.measured && v.value <= v.max
}

// String describes the verdict in one line, such as
// "P2 last_operation over loopback, per-call overhead: time within 1.2x of plain: met (ns/op ours/plain 1.05x)".
func (v verdict) String() string {
	if !v.measured {
		return fmt.Sprintf("%s: %s: not measured (a contender or a figure is missing)", caseLabel(v.caseName), v.label)
	}
	outcome := "MISSED"
	if v.met() {
		outcome = "met"
	}
	if v.baseline == "" {
		return fmt.Sprintf("%s: %s: %s (%s %s)", caseLabel(v.caseName), v.label, outcome, v.unit, formatFigure(v.value))
	}
	return fmt.Sprintf("%s: %s: %s (%s %s/%s %.2fx)", caseLabel(v.caseName), v.label, outcome, v.unit, ours, v.baseline, v.value)
}

// checkTargets evaluates every target of every case present in results.
func checkTargets(results []caseResult) []verdict {
	var verdicts []verdict
	for _, c := range results {
		for _, crit := range targets[c.name] {
			r, ok := crit.measure(c)
			verdicts = append(verdicts, verdict{caseName: c.name, criterion: crit, value: r, measured: ok})
		}
	}
	return verdicts
}
