package main

import (
	"context"
	"io"
	"regexp"
	"time"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"
)

// app is one run of the command: its streams, its flags and what it found out while running.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// terminal says stderr is a terminal, so progress is one line updated in place, cut to
	// its columns (0 when unknown); stdinTerminal says stdin is one, so a password is asked
	// for with echo off.
	terminal, stdinTerminal bool
	columns                 int
	// readSecret reads a line from the terminal with echo off.
	readSecret func() (string, error)

	flags globalFlags
	// started says a command's RunE began: errors before it are usage errors.
	started bool
	// printedDryRun says a request was printed instead of sent (--dry-run).
	printedDryRun bool
	// password is the password of --user, once read: commands that build several clients
	// (osb resume) ask once.
	password string
	// query is the compiled --jq expression.
	query *gojq.Code
	// commandPath names the command that ran ("osb provision"), in its errors.
	commandPath string
	// accepted takes the operation value of the running request's 202 Accepted answer.
	accepted func(operation string)
	// lastRetryAfter is the Retry-After of the broker's latest answer, to explain a wait that
	// ended before its maximum.
	lastRetryAfter time.Duration
	// cancelCommand ends the running command's context (see stopCommand).
	cancelCommand context.CancelCauseFunc
	// completing says the shell asked for completions: nothing may prompt or wait long.
	completing bool
	// saidConfigurationFile says the file of the broker's configuration was named on stderr.
	saidConfigurationFile bool

	// broker is the configured broker's URL without a password and targetName the named target
	// it came from, if any: they file what the record holds.
	broker, targetName string
	// record is the local record, opened on first use; recordFailed says it is not usable.
	record       *record
	recordFailed bool
}

// globalFlags are the flags every command takes.
type globalFlags struct {
	output              string
	jq                  string
	verbose             bool
	target              string
	url                 string
	user                string
	passwordStdin       bool
	tokenFile           string
	apiVersion          string
	insecure            bool
	timeout             time.Duration
	dryRun              bool
	showSecrets         bool
	platform            string
	originatingIdentity string
}

const exitCodesHelp = `Exit codes:
  0  success
  1  unexpected error (no answer from the broker, an unreadable answer)
  2  usage or configuration error: nothing was sent
  3  the broker rejected the request (4xx)
  4  the operation failed: last_operation said "failed", or 5xx after retries
  5  timed out waiting (--wait with --timeout)
  6  a provision or bind may have left something behind and orphan mitigation did not complete
130  interrupted (Ctrl-C): a wait stops, nothing is deleted; osb resume waits again`

const rootLong = `osb talks to an Open Service Broker (OSB v2.17).

Configuration, first found wins: flags (--url, --user with the password at a prompt or with
--password-stdin, --token-file, --api-version, --insecure, --timeout), then the
OPEN_SERVICE_BROKER_* variables (_URL, _AUTH_TYPE, _USERNAME, _PASSWORD, _BEARER_TOKEN_FILE, ...),
then the named target (--target, else osb target use), then the credentials file ibm-credentials.env.
The broker and its credentials come whole from one source. osb target shows what is in effect.

Services and plans are given by id or by name. Machine output (-o json|yaml) goes to stdout and
carries the HTTP status, the request identity and the broker's answer; --jq selects from it;
progress and hints go to stderr. Every credential value and other secrets in answers are masked
unless --show-secrets. The broker's text never reaches the terminal as it is: control, escape,
bidi and other format characters are shown as escapes (\u001b, \u202e) and long text is cut.

` + exitCodesHelp

// execute runs the command line args and returns the exit code.
func (a *app) execute(ctx context.Context, args []string) int {
	root := a.commandTree()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	a.commandPath = "osb"
	if cmd != nil {
		a.commandPath = cmd.CommandPath()
	}
	a.record.close()
	if err == nil {
		return exitOK
	}
	if !a.started {
		// cobra's own checks (arguments, required flags, unknown commands) run before RunE.
		err = usageError{err}
	}
	code := exitCode(err)
	if ctx.Err() != nil {
		code = exitInterrupted
	}
	a.printError(err)
	return code
}

func (a *app) newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "osb",
		Short:         "Talk to an Open Service Broker",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetContext(a.commandContext(cmd.Context()))
			return a.checkGlobalFlags()
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	a.addGlobalFlags(root)
	// The command tree: one line per command.
	root.AddCommand(
		a.newCatalogCommand(),
		a.newProvisionCommand(),
		a.newUpdateCommand(),
		a.newDeprovisionCommand(),
		a.newBindCommand(),
		a.newUnbindCommand(),
		a.newRotateCommand(),
		a.newGetCommand(),
		a.newLastOperationCommand(),
		a.newStateCommand(),
		a.newParamsCommand(),
		a.newDemoCommand(),
		a.newCheckCommand(),
		a.newInstancesCommand(),
		a.newBindingsCommand(),
		a.newResumeCommand(),
		a.newTargetCommand(),
		a.newConfigCommand(),
		a.newVersionCommand(),
	)
	return root
}

// commandTree is the whole command tree on the app's streams, with every command's examples.
func (a *app) commandTree() *cobra.Command {
	root := a.newRootCommand()
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	// cobra's completion commands take the output stream when they are built.
	withCompletionHelp(root)
	addExamples(root)
	a.addRecordedCompletion(root)
	return root
}

func (a *app) addGlobalFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	f.StringVarP(&a.flags.output, "output", "o", formatTable, "output format: table, json or yaml (yml), in any case")
	f.StringVar(&a.flags.jq, "jq", "", "print what this jq expression selects from the JSON output (strings as they are, other values as JSON)")
	f.BoolVarP(&a.flags.verbose, "verbose", "v", false, "trace each HTTP request and answer on stderr, secrets masked")
	f.StringVar(&a.flags.target, "target", "", "named target to use instead of the current one (osb target list)")
	f.StringVar(&a.flags.url, "url", "", "broker URL (default: OPEN_SERVICE_BROKER_URL, else the current target)")
	f.StringVar(&a.flags.user, "user", "", "basic-auth user; the password is asked for in a terminal, or read from stdin with --password-stdin")
	f.BoolVar(&a.flags.passwordStdin, "password-stdin", false, "read the basic-auth password from the first line of stdin")
	f.StringVar(&a.flags.tokenFile, "token-file", "", "file holding a bearer token, re-read when it changes")
	f.StringVar(&a.flags.apiVersion, "api-version", "", "X-Broker-API-Version to send (default: OPEN_SERVICE_BROKER_API_VERSION, else 2.17)")
	f.BoolVar(&a.flags.insecure, "insecure", false, "do not verify the broker's TLS certificate (tests only)")
	f.DurationVar(&a.flags.timeout, "timeout", 0, "bound on each request and, with --wait, on the whole wait (default wait: the plan's maximum_polling_duration, else 1h)")
	f.BoolVar(&a.flags.dryRun, "dry-run", false, "print the request as a curl command line, credentials as variables, and send nothing (--service and --plan are then sent as given: no catalog lookup)")
	f.BoolVar(&a.flags.showSecrets, "show-secrets", false, "print credentials and other secrets unmasked")
	f.StringVar(&a.flags.platform, "platform", "", "platform profile of the context and the originating identity: cloudfoundry, kubernetes or ibmcloud (default for provision: cloudfoundry)")
	f.StringVar(&a.flags.originatingIdentity, "originating-identity", "", `X-Broker-API-Originating-Identity of --platform: a JSON object (kubernetes: username, uid, groups, extra), or for cloudfoundry and ibmcloud the user alone (user_id, iam_id)`)
	_ = root.RegisterFlagCompletionFunc("output", fixedCompletion(formatTable, formatJSON, formatYAML))
	_ = root.RegisterFlagCompletionFunc("platform", fixedCompletion(platforms...))
}

// fixedCompletion completes a flag from a fixed list of values.
func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// printError writes err in one or two lines on stderr: what went wrong (with the request
// identity the SDK's errors carry) and, when there is one, what to do.
func (a *app) printError(err error) {
	printf(a.stderr, "%s: %s\n", a.commandPath, sdkMethods.ReplaceAllString(err.Error(), "$1"))
	hint := hintFor(err)
	if hint == "" && exitCode(err) == exitUsage {
		hint = "see " + a.commandPath + " --help"
	}
	if hint != "" {
		printf(a.stderr, "hint: %s\n", hint)
	}
}

// sdkMethods are the SDK's method names that start its errors: osb names its command instead.
var sdkMethods = regexp.MustCompile(`(^|: )(?:ListCatalog|(?:Replace|Update|Delete|Get)Service(?:Instance|Binding)(?:State|LastOperation)?|GetLastOperation|(?:Provision|Bind|Update|Deprovision|Unbind|RotateBinding)AndWait|WaitFor(?:Binding)?LastOperation|Await(?:ServiceBinding)?LastOperation|AwaitRecord): `)
