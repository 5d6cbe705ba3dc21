package conformance_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/conformance"
	"github.com/osbkit/osb-go-sdk/internal/secret"
)

const chromium = "/usr/bin/chromium"

// chromiumOwnHosts are the services Chromium itself calls, whatever page it shows.
var chromiumOwnHosts = regexp.MustCompile(`(^|\.)(google\.com|googleapis\.com|gstatic\.com)$`)

// TestHTMLReportReadsAsItShouldInABrowser opens the HTML report of a run that found failures in
// headless Chromium: the reader sees the summary counts, the failures before the passes, the
// evidence with its secrets masked, and the page asks nothing of the network. A screenshot is
// kept in the test's artifact directory (go test -artifacts).
func TestHTMLReportReadsAsItShouldInABrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed (.ci/run installs Debian's chromium): %v", chromium, err)
		}
		t.Skipf("%s is not installed", chromium)
	}
	srv := brokertest.NewServer(brokertest.WithMisbehaviour(brokertest.MisbehaveDeleteMissingAnswers404))
	defer srv.Close()
	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client(), Plans: []string{brokertest.DefaultSyncPlanID}}))
	require.NoError(t, err)
	require.Positive(t, report.Count(conformance.Fail))

	dir := t.ArtifactDir()
	page := filepath.Join(dir, "osb-check.html")
	file, err := os.Create(page)
	require.NoError(t, err)
	require.NoError(t, conformance.WriteHTML(file, report))
	require.NoError(t, file.Close())
	written, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.NotContains(t, string(written), srv.Password, "the broker's password stays out")
	assert.Contains(t, string(written), secret.Masked, "credentials and Authorization are masked")

	netLog := filepath.Join(t.TempDir(), "netlog.json")
	dom := runChromium(t, "--log-net-log="+netLog, "--dump-dom", (&url.URL{Scheme: "file", Path: page}).String())
	screenshot := filepath.Join(dir, "osb-check.png")
	runChromium(t, "--window-size=1280,2400", "--screenshot="+screenshot, (&url.URL{Scheme: "file", Path: page}).String())
	require.FileExists(t, screenshot)
	t.Logf("report %s, screenshot %s", page, screenshot)

	assert.True(t, strings.Contains(dom, `<p id="summary">`+report.Summary()+`</p>`), "the summary line reads %q", report.Summary())
	for _, outcome := range []conformance.Outcome{conformance.Fail, conformance.Warn, conformance.Pass, conformance.Skip} {
		total := regexp.MustCompile(`data-outcome="` + string(outcome) + `">(\d+)</td>`).FindStringSubmatch(dom)
		require.Len(t, total, 2, "the summary's total of %s", outcome)
		assert.Equal(t, strconv.Itoa(report.Count(outcome)), total[1], outcome)
	}
	order := regexp.MustCompile(`<section class="result [a-z]+" data-outcome="([a-z]+)">`).FindAllStringSubmatch(dom, -1)
	require.Len(t, order, len(report.Results))
	lastFail, firstPass := -1, len(order)
	for i, match := range order {
		switch conformance.Outcome(match[1]) {
		case conformance.Fail:
			lastFail = i
		case conformance.Pass:
			firstPass = min(firstPass, i)
		}
	}
	assert.Less(t, lastFail, firstPass, "failures are listed before passes")
	assert.True(t, strings.Contains(dom, `href="https://github.com/openservicebrokerapi/servicebroker/blob/v2.17/spec.md#response-10"`), "deprovision.missing-410 links its rule")
	assertNoRequestLeftThePage(t, netLog)
}

// runChromium runs headless Chromium as the developers' guide says, on a profile of its own.
func runChromium(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--user-data-dir=" + t.TempDir()}
	output, err := exec.CommandContext(ctx, chromium, append(base, args...)...).Output()
	require.NoError(t, err, "chromium %v", args)
	return string(output)
}

// assertNoRequestLeftThePage reads Chromium's net log: every URL it fetched belongs to
// Chromium's own services, none to the page.
func assertNoRequestLeftThePage(t *testing.T, netLog string) {
	t.Helper()
	raw, err := os.ReadFile(netLog)
	require.NoError(t, err)
	require.True(t, json.Valid(raw) || strings.HasPrefix(string(raw), "{"), "a net log was written")
	for _, match := range regexp.MustCompile(`"url":"([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		requested, err := url.Parse(match[1])
		if err != nil || requested.Scheme == "file" || requested.Scheme == "data" {
			continue
		}
		assert.Regexp(t, chromiumOwnHosts, requested.Hostname(), "the page requested %s", match[1])
	}
}
