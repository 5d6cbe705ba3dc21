package conformance

import (
	"cmp"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"
)

// specBase is where the report links a check's rule: the specification as released.
const specBase = "https://github.com/openservicebrokerapi/servicebroker/blob/v2.17/"

// htmlOrder puts what a reader must act on first.
var htmlOrder = map[Outcome]int{Fail: 0, Warn: 1, Inconclusive: 2, Info: 3, Pass: 4, Skip: 5}

// htmlOutcomes are the columns of the summary.
var htmlOutcomes = []Outcome{Fail, Warn, Inconclusive, Info, Pass, Skip}

type htmlSummaryRow struct {
	Section, Level string
	Counts         []int
}

type htmlResult struct {
	Result
	Link     string
	Evidence string
}

type htmlPage struct {
	Report   *Report
	Summary  string
	Outcomes []Outcome
	Totals   []int
	Rows     []htmlSummaryRow
	Results  []htmlResult
	Duration string
}

// WriteHTML writes the report as one self-contained HTML page: its style inline, no script and
// nothing fetched (its Content-Security-Policy forbids it), a summary by section and level, then
// every result, failures first, with the check's rule, a link to the specification and the
// evidence, secrets masked as in the other reports.
func WriteHTML(w io.Writer, report *Report) error {
	page := htmlPage{Report: report, Summary: report.Summary(), Outcomes: htmlOutcomes, Duration: report.Duration.Round(time.Millisecond).String()}
	rows := map[[2]string]*htmlSummaryRow{}
	var keys [][2]string
	page.Totals = make([]int, len(htmlOutcomes))
	for _, result := range report.Results {
		key := [2]string{result.Check.Section, string(result.Check.Level)}
		if rows[key] == nil {
			rows[key] = &htmlSummaryRow{Section: key[0], Level: key[1], Counts: make([]int, len(htmlOutcomes))}
			keys = append(keys, key)
		}
		column := slices.Index(htmlOutcomes, result.Outcome)
		rows[key].Counts[column]++
		page.Totals[column]++
		page.Results = append(page.Results, htmlResult{Result: result, Link: specLink(result.Check.ID), Evidence: evidenceText(result)})
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	for _, key := range keys {
		page.Rows = append(page.Rows, *rows[key])
	}
	slices.SortStableFunc(page.Results, func(a, b htmlResult) int { return cmp.Compare(htmlOrder[a.Outcome], htmlOrder[b.Outcome]) })
	return htmlTemplate.Execute(w, page)
}

// specLink is the address of the sentence of the specification the check tests first: one
// whose first check it is, else any that names it.
func specLink(id CheckID) string {
	for _, first := range []bool{true, false} {
		for _, clause := range coverage {
			if (first && len(clause.Checks) > 0 && clause.Checks[0] == id) || (!first && slices.Contains(clause.Checks, id)) {
				document, anchor, _ := strings.Cut(strings.Split(clause.Key, ":")[0], "#")
				return specBase + document + "#" + anchor
			}
		}
	}
	return specBase + "spec.md"
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"upper": func(o Outcome) string { return strings.ToUpper(string(o)) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>osb check {{.Report.Broker}}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.count { text-align: right; } tfoot td { font-weight: bold; }
.result { border-left: 6px solid #999; padding: 0.4em 0.8em; margin: 0.6em 0; background: #fafafa; }
.fail { border-color: #c62828; } .warn { border-color: #f9a825; } .inconclusive { border-color: #8e24aa; }
.info { border-color: #0277bd; } .pass { border-color: #2e7d32; } .skip { border-color: #9e9e9e; }
.outcome { font-weight: bold; } .id { font-family: monospace; }
pre { white-space: pre-wrap; word-break: break-all; background: #fff; border: 1px solid #ddd; padding: 0.5em; }
</style>
</head>
<body>
<h1>osb check {{.Report.Broker}}</h1>
<p>Run prefix <code>{{.Report.Prefix}}</code>, started {{.Report.Started.UTC.Format "2006-01-02 15:04:05 UTC"}}, {{.Duration}}.</p>
<p id="summary">{{.Summary}}</p>
<h2>Summary by section and level</h2>
<table id="summary-table">
<thead><tr><th>Section</th><th>Level</th>{{range .Outcomes}}<th>{{upper .}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr><td>{{.Section}}</td><td>{{.Level}}</td>{{range .Counts}}<td class="count">{{.}}</td>{{end}}</tr>
{{end}}</tbody>
<tfoot><tr><td colspan="2">All</td>{{range $i, $n := .Totals}}<td class="count" data-outcome="{{index $.Outcomes $i}}">{{$n}}</td>{{end}}</tr></tfoot>
</table>
{{if .Report.Leftovers}}<h2>Left on the broker</h2>
<ul id="leftovers">{{range .Report.Leftovers}}<li>instance <code>{{.InstanceID}}</code>{{if .BindingID}} binding <code>{{.BindingID}}</code>{{end}} (service {{.ServiceID}}, plan {{.PlanID}}): {{.Problem}}</li>{{end}}</ul>
{{end}}<h2>Results, failures first</h2>
{{range .Results}}<section class="result {{.Outcome}}" data-outcome="{{.Outcome}}">
<div><span class="outcome">{{upper .Outcome}}</span> <span class="id">{{.Check.ID}}</span> {{.Check.Level}} &middot; {{.Subject}}</div>
<div>{{.Check.Rule}} (<a href="{{.Link}}">{{.Check.Section}}</a>)</div>
<div class="message">{{.Message}}</div>
{{if .Evidence}}<details><summary>Evidence</summary><pre>{{.Evidence}}</pre></details>{{end}}
</section>
{{end}}</body>
</html>
`))
