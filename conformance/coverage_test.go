package conformance

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1/cataloglint"
)

// TestCoverageMatrixAccountsForEveryCheckAndEveryMust: every check tests at least one sentence
// of the specification; every MUST sentence has a check, a reason no check can test it, or the
// reason it has none yet; and the matrix with the sentences it leaves out adds up to every
// sentence scripts/specclauses finds.
func TestCoverageMatrixAccountsForEveryCheckAndEveryMust(t *testing.T) {
	tested := map[CheckID]bool{}
	keys := map[string]bool{}
	key := regexp.MustCompile(`^(spec|profile)\.md#[a-z0-9-]+:[0-9]+$`)
	for _, clause := range coverage {
		assert.Regexp(t, key, clause.Key)
		assert.False(t, keys[clause.Key], "%s has one row", clause.Key)
		keys[clause.Key] = true
		assert.NotEmpty(t, clause.Rule, clause.Key)
		assert.Contains(t, []cataloglint.Level{must, should, may}, clause.Level, clause.Key)
		reasons := 0
		for _, reason := range []string{clause.Untestable, clause.Gap} {
			if reason != "" {
				reasons++
			}
		}
		assert.LessOrEqual(t, reasons, 1, "%s: one reason at most", clause.Key)
		assert.False(t, len(clause.Checks) > 0 && reasons > 0, "%s: checks or a reason, not both", clause.Key)
		if clause.Level == must {
			assert.True(t, len(clause.Checks) > 0 || reasons > 0, "%s: a MUST row needs a check or a reason", clause.Key)
		}
		for _, id := range clause.Checks {
			_, known := checkByID[id]
			assert.True(t, known, "%s names the unknown check %s", clause.Key, id)
			tested[id] = true
		}
	}
	for _, check := range allChecks {
		assert.True(t, tested[check.ID], "%s tests no sentence of the coverage matrix", check.ID)
	}
	assert.Equal(t, specClauses, len(coverage)+platformClauses+notationClauses, "every sentence is a row or counted as left out")
}
