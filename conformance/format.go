package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/osbkit/osb-go-sdk/internal/termtext"
)

// ansi colours of the outcomes in a terminal.
var outcomeColour = map[Outcome]string{Pass: "\x1b[32m", Fail: "\x1b[31m", Warn: "\x1b[33m", Info: "\x1b[36m", Inconclusive: "\x1b[35m", Skip: "\x1b[90m"}

const colourReset = "\x1b[0m"

// WriteText writes the report as a tree: subjects, then their checks with level, section and
// what was seen. colour adds ANSI colours, for a terminal. What the broker sent is printed
// without escape sequences or control characters (internal/termtext).
func WriteText(w io.Writer, report *Report, colour bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "osb check %s (run prefix %s)\n", report.Broker, report.Prefix)
	for i, subject := range subjects(report) {
		branch, indent := "├─", "│  "
		if i == len(subjects(report))-1 {
			branch, indent = "└─", "   "
		}
		fmt.Fprintf(&b, "%s %s\n", branch, termtext.Clean(subject))
		for _, result := range report.Results {
			if result.Subject != subject {
				continue
			}
			label := strings.ToUpper(string(result.Outcome))
			if colour {
				label = outcomeColour[result.Outcome] + label + colourReset
			}
			fmt.Fprintf(&b, "%s%s %-48s %-6s %s\n", indent, label, result.Check.ID, result.Check.Level, result.Check.Section)
			for line := range strings.SplitSeq(result.Message, "\n") {
				fmt.Fprintf(&b, "%s       %s\n", indent, termtext.Clean(line))
			}
		}
	}
	fmt.Fprintf(&b, "\n%s in %s\n", report.Summary(), report.Duration.Round(time.Millisecond))
	for _, leftover := range report.Leftovers {
		fmt.Fprintf(&b, "LEFT BEHIND: instance %q binding %q (service %q, plan %q): %s\n",
			leftover.InstanceID, leftover.BindingID, leftover.ServiceID, leftover.PlanID, termtext.Clean(leftover.Problem))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// subjects lists the report's subjects in the order they first appear.
func subjects(report *Report) []string {
	var names []string
	seen := map[string]bool{}
	for _, result := range report.Results {
		if !seen[result.Subject] {
			seen[result.Subject] = true
			names = append(names, result.Subject)
		}
	}
	return names
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, report *Report) error {
	encoder := json.NewEncoder(w)
	encoder.SetIndent("", "  ")
	return encoder.Encode(report)
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Name    string       `xml:"name,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: a suite per subject, a testcase per check, with
// the spec section and the evidence. A warning is a failure when strict.
func WriteJUnit(w io.Writer, report *Report, strict bool) error {
	suites := junitSuites{Name: "osb check " + report.Broker}
	for _, subject := range subjects(report) {
		suite := junitSuite{Name: subject}
		for _, result := range report.Results {
			if result.Subject != subject {
				continue
			}
			testcase := junitCase{Name: string(result.Check.ID), Classname: "osb." + subject, SystemOut: evidenceText(result)}
			if result.Evidence != nil {
				testcase.Time = fmt.Sprintf("%.3f", result.Evidence.Duration.Seconds())
			}
			message := fmt.Sprintf("%s (%s, %s): %s", result.Check.Rule, result.Check.Level, result.Check.Section, result.Message)
			switch {
			case result.Outcome == Fail || (strict && result.Outcome == Warn):
				testcase.Failure = &junitMessage{Message: message, Type: string(result.Check.Level), Text: testcase.SystemOut}
				suite.Failures++
			case result.Outcome == Skip:
				testcase.Skipped = &junitMessage{Message: result.Message}
				suite.Skipped++
			case result.Outcome == Inconclusive:
				testcase.Skipped = &junitMessage{Message: "inconclusive: " + result.Message}
				suite.Skipped++
			}
			suite.Cases = append(suite.Cases, testcase)
			suite.Tests++
		}
		suites.Suites = append(suites.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	encoder := xml.NewEncoder(w)
	encoder.Indent("", "  ")
	if err := encoder.Encode(suites); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// evidenceText describes a result and its deciding exchange, secrets already masked.
func evidenceText(result Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s): %s\n", strings.ToUpper(string(result.Outcome)), result.Check.ID, result.Check.Section, result.Message)
	if e := result.Evidence; e != nil {
		fmt.Fprintf(&b, "\n> %s %s\n", e.Method, e.URL)
		writeHeaders(&b, "> ", e.RequestHeaders)
		if e.RequestBody != "" {
			fmt.Fprintf(&b, "> %s\n", e.RequestBody)
		}
		if e.Error != "" {
			fmt.Fprintf(&b, "< no answer: %s\n", e.Error)
		} else {
			fmt.Fprintf(&b, "< %d (%s)\n", e.Status, e.Duration.Round(time.Millisecond))
			writeHeaders(&b, "< ", e.ResponseHeaders)
			if e.ResponseBody != "" {
				fmt.Fprintf(&b, "< %s\n", e.ResponseBody)
			}
		}
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, marker string, headers map[string]string) {
	for _, name := range sortedKeys(headers) {
		fmt.Fprintf(b, "%s%s: %s\n", marker, name, headers[name])
	}
}
