package benchmarks

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The figure tests (scale and outage) take seconds to minutes at full size, so they run small,
// asserting only that their counting works, unless -figures names a file: then they run at full
// size and append their figures to it as benchmark result lines, which benchtable reads with
// the benchmarks' output (make bench does).
var figuresPath = flag.String("figures", "", "run the figure tests at full size and append their figures to this file")

// fullSize reports whether the figure tests run at full size.
func fullSize() bool { return *figuresPath != "" }

// figure is one measured value and its unit, such as 1.02 "polls/fewest".
type figure struct {
	value float64
	unit  string
}

// writeFigures appends one result line for the case and contender to the -figures file, in the
// format of `go test -bench` (one iteration, then value-unit pairs), and logs it.
func writeFigures(tb testing.TB, caseName, contenderName string, figures ...figure) {
	tb.Helper()
	var line strings.Builder
	fmt.Fprintf(&line, "Benchmark%s/%s\t1", caseName, contenderName)
	for _, f := range figures {
		fmt.Fprintf(&line, "\t%g %s", f.value, f.unit)
	}
	tb.Log(line.String())
	if !fullSize() {
		return
	}
	file, err := os.OpenFile(*figuresPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		tb.Fatalf("open the figures file: %v", err)
	}
	_, writeErr := fmt.Fprintln(file, line.String())
	if err := file.Close(); err != nil || writeErr != nil {
		tb.Fatalf("write the figures file: %v %v", writeErr, err)
	}
}
