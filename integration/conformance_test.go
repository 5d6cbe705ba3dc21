//go:build integration

package integration

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/osbkit/osb-go-sdk/conformance"
)

// copedWith are the MUST checks whose failure the SDK copes with: they are reported as the
// broker's deviation (t.Log with the spec section) instead of failing the suite.
var copedWith = map[conformance.CheckID]string{
	conformance.CatalogNamesUnique:           "the SDK addresses services and plans by id",
	conformance.CatalogMaintenanceInfoSemver: "the SDK passes maintenance_info through",
	conformance.CatalogSchemasValid:          "the SDK does not validate parameters against the catalog's schemas",
	conformance.ProvisionSync201New:          "the SDK treats 200 and 201 alike as success",
	conformance.Bind201New:                   "the SDK treats 200 and 201 alike as success",
	conformance.ProvisionMetadataShape:       "metadata is optional for the SDK",
	conformance.BindShape:                    "the SDK hands endpoints and volume mounts through",
	conformance.ErrorsErrorCode:              "the SDK matches a 422 by its status (ErrUnprocessable) when the error code is missing",
	conformance.CatalogOtherRules:            "the SDK reads catalogs that break the lint's other rules",
}

// TestConformance runs the conformance checks of package conformance, the engine of
// `osb check`, against the broker under test, one subtest per check and subject, graded by
// the specification's level: a MUST the SDK depends on fails, a broken SHOULD or a MUST the
// SDK copes with is logged with its section, a MAY answer and a skipped check say why.
func TestConformance(t *testing.T) {
	options := conformance.Options{Client: target.client, Prefix: "osb-go-sdk-it", MinPollDelay: pollMinDelay, MaxPollDelay: pollMaxDelay, MaxWait: maxWait}
	if target.embedded != nil {
		options.MinPollDelay = time.Millisecond
	}
	for _, name := range []string{envPlanID, envAsyncPlanID} {
		if plan := os.Getenv(name); plan != "" && target.embedded == nil {
			options.Plans = append(options.Plans, plan)
		}
	}
	report, err := conformance.Run(context.Background(), options)
	if err != nil {
		t.Fatalf("the conformance run did not complete: %v", err)
	}
	for _, result := range report.Results {
		t.Run(string(result.Check.ID)+"/"+strings.ReplaceAll(result.Subject, "/", ":"), func(t *testing.T) {
			gradeResult(t, result)
		})
	}
	for _, leftover := range report.Leftovers {
		t.Errorf("left on the broker: instance %q binding %q: %s", leftover.InstanceID, leftover.BindingID, leftover.Problem)
	}
}

func gradeResult(t *testing.T, result conformance.Result) {
	check := result.Check
	switch result.Outcome {
	case conformance.Skip:
		t.Skip(result.Message)
	case conformance.Inconclusive:
		t.Skipf("inconclusive (%s, %s): %s", check.Level, check.Section, result.Message)
	case conformance.Info:
		t.Logf("the broker chose an answer the specification allows (%s, %s): %s", check.Level, check.Section, result.Message)
	case conformance.Warn:
		t.Skipf("the broker breaks a SHOULD (%s): %s", check.Section, result.Message)
	case conformance.Fail:
		if why, ok := copedWith[check.ID]; ok {
			t.Logf("the broker deviates from a MUST (%s) that the SDK copes with (%s): %s", check.Section, why, result.Message)
			return
		}
		t.Errorf("%s (%s, %s): %s", check.Rule, check.Level, check.Section, result.Message)
	}
}
