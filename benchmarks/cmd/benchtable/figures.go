package main

import (
	"fmt"
	"slices"
	"strings"
)

// A figure case is measured once by a figure test (`go test -run ... -figures FILE`) rather than
// timed by a benchmark: its figures are shown in a table of their own, one row per figure and
// one column per contender measured.
type figureCase struct {
	label   string
	figures []figureRow // in the order shown
}

// figureRow names one figure of a figure case.
type figureRow struct {
	unit  string // as the figure test writes it
	label string
}

var figureCases = map[string]figureCase{
	"S1ScaleWaits": {
		label: "S1 10,000 asynchronous provisions waited at once through one client",
		figures: []figureRow{
			{"heap-B/wait", "live heap per wait in progress (bytes)"},
			{"stack-B/wait", "goroutine stack per wait in progress (bytes)"},
			{"polls/fewest", "polls per operation / the fewest Retry-After allows"},
			{"fewest-polls/op", "the fewest polls Retry-After allows per operation"},
			{"max-polls/op", "most polls of one operation"},
			{"goroutines-left", "goroutines left after every wait returned"},
			{"s-to-provision", "time to send the 10,000 provisions (s)"},
			{"s/run", "time of the whole run (s)"},
		},
	},
	"S2Outage": {
		label: "S2 outage: 64 callers sharing one client with default settings, 503 to everything for 8 s",
		figures: []figureRow{
			{"requests/call", "requests to the failing broker per call started during the outage"},
			{"s-to-notice-recovery", "from the recovery to the slowest caller's first success (s)"},
			{"calls/outage", "calls started during the outage"},
			{"failed-calls/outage", "calls that failed"},
		},
	},
}

func isFigureCase(name string) bool {
	_, ok := figureCases[name]
	return ok
}

// writeFigureTables writes one table per figure case present in results.
func writeFigureTables(b *strings.Builder, results []caseResult) {
	heading := false
	for _, c := range results {
		fc, ok := figureCases[c.name]
		if !ok {
			continue
		}
		if !heading {
			b.WriteString("\n## Scale and outage\n\nEach figure is from one run of the figure tests.\n")
			heading = true
		}
		var measured []string
		for _, name := range contenderOrder {
			if _, ok := c.byContender[name]; ok {
				measured = append(measured, name)
			}
		}
		fmt.Fprintf(b, "\n### %s\n\n| figure |", fc.label)
		for _, name := range measured {
			fmt.Fprintf(b, " %s |", contenderLabels[name])
		}
		b.WriteString("\n|---|" + strings.Repeat("--:|", len(measured)) + "\n")
		for _, row := range fc.figures {
			fmt.Fprintf(b, "| %s |", row.label)
			for _, name := range measured {
				cell := ""
				if value, ok := c.byContender[name].median[row.unit]; ok {
					cell = formatFigure(value)
				}
				fmt.Fprintf(b, " %s |", cell)
			}
			b.WriteString("\n")
		}
	}
}

// orderCases keeps the benchmark cases in the order they ran and puts the figure cases after
// them, by name, whatever order the figure tests ran in.
func orderCases(results []caseResult) []caseResult {
	slices.SortStableFunc(results, func(a, b caseResult) int {
		aFigure, bFigure := isFigureCase(a.name), isFigureCase(b.name)
		switch {
		case aFigure && bFigure:
			return strings.Compare(a.name, b.name)
		case aFigure:
			return 1
		case bFigure:
			return -1
		default:
			return 0
		}
	})
	return results
}
