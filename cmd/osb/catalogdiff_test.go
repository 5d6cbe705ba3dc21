package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func savedFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestCatalogDiffAgainstTheLiveBroker(t *testing.T) {
	srv := newBroker(t)
	for _, format := range []string{formatJSON, formatYAML} {
		t.Run(format, func(t *testing.T) {
			saved := osb(t, srv, "catalog", "-o", format)
			require.Equal(t, exitOK, saved.code, saved.stderr)
			path := savedFile(t, "catalog."+format, saved.stdout)

			same := osb(t, srv, "catalog", "diff", path)
			require.Equal(t, exitOK, same.code, same.stderr)
			assert.Equal(t, "no changes\n", same.stdout)
		})
	}
	saved := osb(t, srv, "catalog", "-o", formatJSON)
	path := savedFile(t, "catalog.json", saved.stdout)
	require.NoError(t, srv.SetPlanMaintenanceInfo(syncPlan, domain.MaintenanceInfo{Version: "1.1.0", Description: "patched"}))

	got := osb(t, srv, "catalog", "diff", path)

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, "changed plan small ("+syncPlan+") of service "+service+"\n"+
		`  * /maintenance_info/version: "1.0.0" -> "1.1.0"`+"\n"+
		`    /maintenance_info/description: "initial release" -> "patched"`+"\n", got.stdout)
}

const diffOld = `{"services": [{"id": "s-db", "name": "db", "description": "d", "bindable": true,
  "dashboard_client": {"id": "dash", "secret": "old-dashboard-secret"},
  "plans": [{"id": "p-small", "name": "small", "description": "d"}, {"id": "p-gone", "name": "gone\u001b[31m", "description": "d"}]}]}`

const diffNew = `{"services": [{"id": "s-db", "name": "db", "description": "d", "bindable": true,
  "dashboard_client": {"id": "dash", "secret": "new-dashboard-secret"},
  "plans": [{"id": "p-small", "name": "small", "description": "d", "plan_updateable": true}, {"id": "p-new", "name": "new", "description": "d"}]}]}`

func TestCatalogDiffOfTwoFiles(t *testing.T) {
	old, new := savedFile(t, "old.json", diffOld), savedFile(t, "new.json", diffNew)

	got := osb(t, nil, "catalog", "diff", old, new)

	require.Equal(t, exitOK, got.code, got.stderr)
	lines := strings.Split(got.stdout, "\n")
	assert.Regexp(t, `^removed plan +gone\S* \(p-gone\) +of service s-db +deactivate: instances may still use it$`, lines[0],
		"plan removals come first, the broker's text without escapes")
	assert.Regexp(t, `^added plan +new \(p-new\) +of service s-db`, lines[1])
	assert.Contains(t, got.stdout, "changed plan small (p-small) of service s-db\n  * /plan_updateable: false -> true\n")
	assert.Contains(t, got.stdout, `/dashboard_client/secret: "****" -> "****"`)
	assert.NotContains(t, got.stdout, "dashboard-secret")
	assert.NotContains(t, got.stdout, "\x1b")
}

func TestCatalogDiffMachineOutput(t *testing.T) {
	old, new := savedFile(t, "old.json", diffOld), savedFile(t, "new.json", diffNew)

	got := osb(t, nil, "catalog", "diff", old, new, "-o", formatJSON)

	require.Equal(t, exitOK, got.code, got.stderr)
	var out struct {
		Answer struct {
			RemovedPlans []struct{ ID, ServiceID string } `json:"removed_plans"`
			ChangedPlans []struct {
				Changes []struct {
					Pointer      string `json:"pointer"`
					PlatformActs bool   `json:"platform_acts"`
				} `json:"changes"`
			} `json:"changed_plans"`
		} `json:"answer"`
	}
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &out))
	require.Len(t, out.Answer.RemovedPlans, 1)
	assert.Equal(t, "p-gone", out.Answer.RemovedPlans[0].ID)
	require.Len(t, out.Answer.ChangedPlans, 1)
	assert.Equal(t, "/plan_updateable", out.Answer.ChangedPlans[0].Changes[0].Pointer)
	assert.True(t, out.Answer.ChangedPlans[0].Changes[0].PlatformActs)
	assert.NotContains(t, got.stdout, "dashboard-secret")
}

func TestCatalogDiffRefusesWhatIsNotACatalog(t *testing.T) {
	cases := map[string]string{
		"not JSON or YAML": "{{{",
		"no services":      `{"status": 200}`,
		"unusable catalog": `{"services": [{"id": "s"}]}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			got := osb(t, nil, "catalog", "diff", savedFile(t, "bad.json", content), savedFile(t, "new.json", diffNew))

			assert.Equal(t, exitUsage, got.code, got.stderr)
		})
	}
}
