package conformance

import (
	"fmt"
	"time"
)

// Outcome is what one check gave for one subject.
type Outcome string

// The outcomes, from best to worst.
const (
	Pass Outcome = "pass"
	// Skip: the check did not run; Result.Message says why.
	Skip Outcome = "skip"
	// Inconclusive: the check ran but a limit the specification does not set (the checker's
	// maximum wait, a Retry-After beyond it) or an earlier refusal kept it from a verdict.
	Inconclusive Outcome = "inconclusive"
	// Info: the broker chose an answer the specification allows; worth knowing, never a failure.
	Info Outcome = "info"
	// Warn: a SHOULD of the specification was broken.
	Warn Outcome = "warn"
	// Fail: a MUST of the specification was broken.
	Fail Outcome = "fail"
)

// Result is the outcome of one check for one subject (the broker or a plan).
type Result struct {
	Check Check `json:"check"`
	// Subject is "broker" or the plan the check ran on, as "service/plan".
	Subject string  `json:"subject"`
	Outcome Outcome `json:"outcome"`
	// Message says what was seen, or why the check was skipped.
	Message string `json:"message"`
	// Evidence is the exchange that decided the outcome, when there was one.
	Evidence *Exchange `json:"evidence,omitempty"`
}

// Resource is an instance or binding the checker created.
type Resource struct {
	InstanceID string `json:"instance_id"`
	// BindingID is empty for an instance.
	BindingID string `json:"binding_id,omitempty"`
	ServiceID string `json:"service_id"`
	PlanID    string `json:"plan_id"`
	// Problem says why the final sweep could not remove it.
	Problem string `json:"problem,omitempty"`
}

// Report is everything a run found.
type Report struct {
	Broker   string        `json:"broker"`
	Prefix   string        `json:"run_prefix"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	Results  []Result      `json:"results"`
	// Leftovers are what the final sweep could not remove; remove them by hand.
	Leftovers []Resource `json:"leftovers,omitempty"`
}

// Count returns how many results have the outcome.
func (r *Report) Count(outcome Outcome) int {
	n := 0
	for _, result := range r.Results {
		if result.Outcome == outcome {
			n++
		}
	}
	return n
}

// Summary counts the results by outcome, in one line.
func (r *Report) Summary() string {
	return fmt.Sprintf("%d passed, %d failed (MUST), %d warnings (SHOULD), %d info (MAY), %d inconclusive, %d skipped",
		r.Count(Pass), r.Count(Fail), r.Count(Warn), r.Count(Info), r.Count(Inconclusive), r.Count(Skip))
}

// Conformant reports whether no MUST failed and, when strict, no SHOULD either.
func (r *Report) Conformant(strict bool) bool {
	return r.Count(Fail) == 0 && (!strict || r.Count(Warn) == 0)
}
