package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/osbkit/osb-go-sdk/conformance"
	"github.com/osbkit/osb-go-sdk/internal/termtext"
)

// The exit codes of osb check besides exitOK and exitUsage.
const (
	// exitNotConformant: a MUST check failed (with --strict, a SHOULD check too).
	exitNotConformant = 7
	// exitBrokerUnavailable: the broker did not answer, or refused the credentials.
	exitBrokerUnavailable = 8
	// exitLeftovers: the final sweep could not remove everything the run created.
	exitLeftovers = 9
)

const checkLong = `check runs the OSB v2.17 conformance checks against the broker: the catalog, authentication,
headers, and for every plan (or the plans named with --plan) the whole life of an instance and
its bindings, asynchronous polling included. Each check has a stable id, the spec section it
comes from and the spec's level: MUST fails, SHOULD warns, MAY informs.

Everything the run creates carries the run prefix and is removed at the end, even after a failure
or Ctrl-C. Parameters come from the plans' schemas (default, examples) or from --params, a JSON
or YAML file mapping plan ids or names ("*" for all) to {provision, update, bind} objects.

Exit codes:
  0  no MUST check failed (with --strict: no SHOULD check either)
  2  usage error: nothing was sent
  7  a MUST check failed (with --strict: or a SHOULD check)
  8  the broker is not reachable or rejected the credentials
  9  the final sweep left resources on the broker (listed with their ids)
130  interrupted (Ctrl-C): the run is incomplete, what it created is removed`

// checkFlags are the flags of osb check.
type checkFlags struct {
	plans, only, skip, reports []string
	params, prefix             string
	strict, list               bool
	maxWait, pollInterval      time.Duration
}

func (a *app) newCheckCommand() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the broker's conformance to OSB v2.17",
		Long:  checkLong,
		Example: `  osb check --url http://127.0.0.1:8080 --user u --password-stdin <<<"$PASSWORD"
  osb check --plan small --report junit=osb-check.xml --report html=osb-check.html --strict
  osb check --only 'provision.*' --skip provision.async.operation --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runCheck(cmd, f)
		},
	}
	flags := cmd.Flags()
	flags.StringSliceVar(&f.plans, "plan", nil, "plan id or name to check (repeatable; default: every plan)")
	flags.StringVar(&f.params, "params", "", "JSON or YAML file of parameters per plan id or name")
	flags.StringSliceVar(&f.only, "only", nil, "run only these checks: ids, globs or dotted prefixes (repeatable)")
	flags.StringSliceVar(&f.skip, "skip", nil, "skip these checks: ids, globs or dotted prefixes (repeatable)")
	flags.StringArrayVar(&f.reports, "report", nil, "also write the report: json=FILE, junit=FILE or html=FILE (repeatable)")
	flags.StringVar(&f.prefix, "prefix", "", "prefix of every id the run creates (default: osb-check-<random>)")
	flags.BoolVar(&f.strict, "strict", false, "fail on SHOULD checks too")
	flags.BoolVar(&f.list, "list", false, "list the checks (id, level, section) and exit")
	flags.DurationVar(&f.pollInterval, "poll-interval", conformance.DefaultMinPollDelay, "first wait between polls when the broker sends no Retry-After (doubled up to 30s)")
	flags.DurationVar(&f.maxWait, "max-wait", conformance.DefaultMaxWait, "longest wait for one asynchronous operation (a plan's maximum_polling_duration may shorten it)")
	return cmd
}

func (a *app) runCheck(cmd *cobra.Command, f checkFlags) error {
	if f.list {
		return writeCheckList(a.stdout)
	}
	reports, err := parseReportFlags(f.reports)
	if err != nil {
		return usageError{err}
	}
	options := conformance.Options{Plans: f.plans, Platform: a.flags.platform, Prefix: f.prefix, Only: f.only, Skip: f.skip,
		MinPollDelay: f.pollInterval, MaxWait: f.maxWait}
	if f.params != "" {
		if options.Parameters, err = conformance.LoadParameters(f.params); err != nil {
			return usageError{err}
		}
	}
	// Describe checks the selection and the platform, so that a mistake is found before anything is sent.
	planned, err := conformance.Describe(options)
	if err != nil {
		return usageError{err}
	}
	if a.flags.dryRun {
		return conformance.WriteDryRun(a.stdout, planned)
	}
	if options.Client, err = a.newClient(); err != nil {
		return err
	}
	// Every wait and deletion says how long it may last: on a terminal on the progress line,
	// elsewhere as a line of its own.
	options.Notice = func(notice string) {
		if a.terminal {
			drawStatusLine(a.stderr, notice, a.columns)
		} else {
			fmt.Fprintf(a.stderr, "osb check: %s\n", termtext.Clean(notice))
		}
	}
	if a.terminal {
		options.Progress = func(result conformance.Result) {
			drawStatusLine(a.stderr, fmt.Sprintf("%s %s [%s]", result.Outcome, result.Check.ID, result.Subject), a.columns)
		}
	}
	report, runErr := conformance.Run(cmd.Context(), options)
	if a.terminal {
		fmt.Fprint(a.stderr, "\r\x1b[K")
	}
	if report == nil {
		return usageError{runErr}
	}
	if err := a.writeCheckReports(report, reports, f.strict); err != nil {
		return err
	}
	return checkOutcome(report, runErr, f.strict)
}

// writeCheckReports prints the tree on stdout and writes the --report files.
func (a *app) writeCheckReports(report *conformance.Report, files map[string]string, strict bool) error {
	colour := false
	if file, ok := a.stdout.(*os.File); ok {
		colour = term.IsTerminal(int(file.Fd())) && os.Getenv("NO_COLOR") == ""
	}
	if err := conformance.WriteText(a.stdout, report, colour); err != nil {
		return err
	}
	for format, path := range files {
		err := writeFile(path, func(w io.Writer) error {
			switch format {
			case "json":
				return conformance.WriteJSON(w, report)
			case "html":
				return conformance.WriteHTML(w, report)
			default:
				return conformance.WriteJUnit(w, report, strict)
			}
		})
		if err != nil {
			return fmt.Errorf("writing the %s report: %w", format, err)
		}
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(file); err != nil {
		_ = file.Close()
		return err
	}
	return file.Close()
}

// checkError carries the exit code of a finished run.
type checkError struct {
	err  error
	code int
}

func (e *checkError) Error() string { return e.err.Error() }
func (e *checkError) Unwrap() error { return e.err }

// checkOutcome turns the report into the exit code; leftovers come first, since they need a
// person to act, then an interruption (the run is incomplete), then a broker that could not
// be checked at all, then the failed checks, even when the run stopped early on one (a catalog
// answered 503 is a failed MUST).
func checkOutcome(report *conformance.Report, runErr error, strict bool) error {
	switch {
	case len(report.Leftovers) > 0:
		return &checkError{fmt.Errorf("the run left %d resource(s) on the broker (listed above); remove them by hand", len(report.Leftovers)), exitLeftovers}
	case errors.Is(runErr, context.Canceled):
		return &checkError{runErr, exitInterrupted}
	case errors.Is(runErr, conformance.ErrBrokerUnreachable), errors.Is(runErr, conformance.ErrCredentialsRejected):
		return &checkError{runErr, exitBrokerUnavailable}
	case !report.Conformant(strict):
		what := fmt.Sprintf("%d MUST check(s) failed", report.Count(conformance.Fail))
		if strict {
			what += fmt.Sprintf(", %d SHOULD check(s) warned (--strict)", report.Count(conformance.Warn))
		}
		if runErr != nil {
			what += fmt.Sprintf("; the run stopped: %v", runErr)
		}
		return &checkError{errors.New(what), exitNotConformant}
	case runErr != nil:
		return runErr
	}
	return nil
}

// parseReportFlags reads --report json=FILE, junit=FILE and html=FILE.
func parseReportFlags(values []string) (map[string]string, error) {
	files := map[string]string{}
	for _, value := range values {
		format, path, ok := strings.Cut(value, "=")
		if !ok || path == "" || (format != "json" && format != "junit" && format != "html") {
			return nil, fmt.Errorf("--report %q: want json=FILE, junit=FILE or html=FILE", value)
		}
		files[format] = path
	}
	return files, nil
}

func writeCheckList(w io.Writer) error {
	var b strings.Builder
	for _, check := range conformance.Checks() {
		fmt.Fprintf(&b, "%-48s %-6s %s\n", check.ID, check.Level, check.Section)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
