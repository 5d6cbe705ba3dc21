package conformance

import (
	"fmt"
	"io"
	"strings"
)

// PlannedScenario is what a run would do, as --dry-run lists it.
type PlannedScenario struct {
	Name string `json:"name"`
	// Subjects says what the scenario runs on: the broker, every plan, or the plans named.
	Subjects string   `json:"subjects"`
	Checks   []Check  `json:"checks"`
	Requests []string `json:"requests"`
}

// Describe lists the scenarios and requests a run with these options would send, without
// sending any: the plans are named as selected, since the catalog is not read.
func Describe(options Options) ([]PlannedScenario, error) {
	selection, err := newSelection(options.Only, options.Skip)
	if err != nil {
		return nil, err
	}
	if _, err := newPlatform(options.Platform); err != nil {
		return nil, err
	}
	plans := "every plan of the catalog"
	if len(options.Plans) > 0 {
		plans = "plan(s) " + strings.Join(options.Plans, ", ")
	}
	planned := []PlannedScenario{{Name: "catalog fetch", Subjects: "broker", Checks: []Check{checkByID[CatalogFetch]},
		Requests: []string{"GET /v2/catalog"}}}
	for _, s := range scenarios {
		subjects := "broker"
		switch {
		case s.firstPlanOnly:
			subjects = "the first of " + plans
		case s.perPlan:
			subjects = plans
		}
		var checks []Check
		for _, id := range s.checks {
			if selection.selected(id) {
				checks = append(checks, checkByID[id])
			}
		}
		if len(checks) > 0 {
			planned = append(planned, PlannedScenario{Name: s.name, Subjects: subjects, Checks: checks, Requests: s.requests})
		}
	}
	if selection.selected(BrokerAnswersWithin60s) {
		planned = append(planned, PlannedScenario{Name: "answer times", Subjects: "broker",
			Checks: []Check{checkByID[BrokerAnswersWithin60s]}, Requests: []string{"none: every answer of the run is timed"}})
	}
	return planned, nil
}

// WriteDryRun writes what Describe returned, for a terminal.
func WriteDryRun(w io.Writer, planned []PlannedScenario) error {
	var b strings.Builder
	b.WriteString("dry run: nothing is sent; every id created carries the run prefix ({prefix-...})\n")
	for _, s := range planned {
		fmt.Fprintf(&b, "\nscenario %s (on %s)\n", s.Name, s.Subjects)
		for _, request := range s.Requests {
			fmt.Fprintf(&b, "  request  %s\n", request)
		}
		for _, check := range s.Checks {
			fmt.Fprintf(&b, "  check    %-48s %-6s %s\n", check.ID, check.Level, check.Section)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
