package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/common"
	"github.com/osbkit/osb-go-sdk/internal/secret"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func (a *app) newTargetCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "target [add|use|list|remove]",
		Short: "Show the broker osb talks to, and manage named targets",
		Long: `Without a subcommand, show the effective target: the broker URL, the authentication type and
where each setting comes from (flags, then OPEN_SERVICE_BROKER_* variables, then the named
target, then the credentials file), never a secret.

Named targets live in $XDG_CONFIG_HOME/osb/targets.yaml (else ~/.config/osb/targets.yaml),
mode 0600. A basic-auth password is stored there (typed at the prompt or given with
--password-stdin), or referenced from a file (--password-file) or a variable (--password-env).`,
		Example: `  osb target
  osb target add dev --url http://127.0.0.1:8080 --user admin --password-env DEV_BROKER_PASSWORD
  osb target use dev
  osb target list
  osb --target prod catalog`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) (*outcome, error) { return a.showConfiguration() }),
	}
	cmd.AddCommand(a.newTargetAddCommand(), a.newTargetUseCommand(), a.newTargetListCommand(), a.newTargetRemoveCommand())
	return cmd
}

func (a *app) newConfigCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config view",
		Short: "Show the effective configuration (as osb target does)",
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "view",
		Short:   "Show the broker URL, the authentication type and the source of each setting, never a secret",
		Example: "  osb config view\n  osb config view -o json",
		Args:    cobra.NoArgs,
		RunE:    a.run(func(*cobra.Command, []string) (*outcome, error) { return a.showConfiguration() }),
	})
	return cmd
}

// targetPasswordFlags say where a new target's password is kept when it is not stored.
type targetPasswordFlags struct {
	file, env string
	use       bool
}

func (a *app) newTargetAddCommand() *cobra.Command {
	var flags targetPasswordFlags
	cmd := &cobra.Command{
		Use:   "add <name> --url <url> [--user <user> | --token-file <file>]",
		Short: "Add or replace a named target",
		Example: `  osb target add dev --url http://127.0.0.1:8080 --user admin       # asks for the password, stores it
  echo "$PW" | osb target add ci --url https://broker.example.com --user ci --password-stdin
  osb target add prod --url https://broker.example.com --user platform --password-file ~/.broker-password
  osb target add k8s --url https://broker.svc --token-file /var/run/secrets/tokens/broker-token --use`,
		Args: cobra.ExactArgs(1),
		RunE: a.run(func(_ *cobra.Command, args []string) (*outcome, error) {
			return nil, a.addTarget(args[0], flags)
		}),
	}
	cmd.Flags().StringVar(&flags.file, "password-file", "", "with --user: read the password from this file at each use instead of storing it")
	cmd.Flags().StringVar(&flags.env, "password-env", "", "with --user: read the password from this variable at each use instead of storing it")
	cmd.Flags().BoolVar(&flags.use, "use", false, "make it the current target")
	return cmd
}

// addTarget writes a target made of the flags.
func (a *app) addTarget(name string, flags targetPasswordFlags) error {
	t, err := a.targetOfFlags(flags)
	if err != nil {
		return usageError{err}
	}
	file, path, err := a.loadTargets()
	if err != nil {
		return err
	}
	file.Targets[name] = t
	if flags.use || file.Current == "" {
		file.Current = name
	}
	if err := saveTargets(path, file); err != nil {
		return err
	}
	a.hint("target %q: %s, %s, in %s%s", name, redactedURL(t.URL), t.describeAuth(), path, currentNote(file, name))
	return nil
}

func currentNote(file *targetsFile, name string) string {
	if file.Current == name {
		return " (current)"
	}
	return ""
}

// targetOfFlags builds a target from --url and the credential flags.
func (a *app) targetOfFlags(flags targetPasswordFlags) (*target, error) {
	f := a.flags
	if f.url == "" {
		return nil, errors.New("a target needs --url")
	}
	if parsed, err := url.Parse(f.url); err != nil || parsed.Host == "" {
		return nil, errors.New("--url: want an absolute URL such as https://broker.example.com")
	}
	if (flags.file != "" || flags.env != "") && f.user == "" {
		return nil, errors.New("--password-file and --password-env need --user")
	}
	t := &target{URL: f.url, AuthType: core.AUTHTYPE_NOAUTH, APIVersion: f.apiVersion, Insecure: f.insecure}
	switch {
	case f.tokenFile != "":
		t.AuthType, t.TokenFile = common.AuthTypeBearerTokenFile, f.tokenFile
	case f.user != "":
		t.AuthType, t.Username, t.PasswordFile, t.PasswordEnv = core.AUTHTYPE_BASIC, f.user, flags.file, flags.env
		if flags.file == "" && flags.env == "" {
			password, _, err := a.flagPassword(true)
			if err != nil {
				return nil, err
			}
			t.Password = password
		}
	}
	return t, nil
}

func (a *app) newTargetUseCommand() *cobra.Command {
	return a.newTargetChangeCommand("use <name>", "Make a named target the current one", "  osb target use prod",
		func(file *targetsFile, name string) { file.Current = name })
}

func (a *app) newTargetRemoveCommand() *cobra.Command {
	return a.newTargetChangeCommand("remove <name>", "Remove a named target", "  osb target remove old-broker",
		func(file *targetsFile, name string) {
			delete(file.Targets, name)
			if file.Current == name {
				file.Current = ""
			}
		})
}

// newTargetChangeCommand is a command that changes the targets file for the one named target it
// takes (see changeTargets).
func (a *app) newTargetChangeCommand(use, short, example string, change func(file *targetsFile, name string)) *cobra.Command {
	return &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: a.run(func(_ *cobra.Command, args []string) (*outcome, error) {
			return nil, a.changeTargets(args[0], func(file *targetsFile) { change(file, args[0]) })
		}),
		ValidArgsFunction: a.completeTargetNames,
	}
}

// changeTargets applies change to the targets file, after checking that name is a target.
func (a *app) changeTargets(name string, change func(*targetsFile)) error {
	file, path, err := a.loadTargets()
	if err != nil {
		return err
	}
	if _, ok := file.Targets[name]; !ok {
		return usageError{fmt.Errorf("no target %q in %s; osb target list shows them", name, path)}
	}
	change(file)
	if err := saveTargets(path, file); err != nil {
		return err
	}
	if file.Current == "" {
		a.hint("no current target")
	} else {
		a.hint("current target: %s (%s)", file.Current, redactedURL(file.Targets[file.Current].URL))
	}
	return nil
}

func (a *app) completeTargetNames(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	file, _, err := a.loadTargets()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return file.sortedTargetNames(), cobra.ShellCompDirectiveNoFileComp
}

// targetRow is one target as osb target list prints it.
type targetRow struct {
	Name     string `json:"name"`
	Current  bool   `json:"current"`
	URL      string `json:"url"`
	AuthType string `json:"auth_type"`
	Auth     string `json:"auth"`
}

func (a *app) newTargetListCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List the named targets; * marks the current one",
		Example: "  osb target list\n  osb target list -o json",
		Args:    cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) (*outcome, error) {
			file, _, err := a.loadTargets()
			if err != nil {
				return nil, err
			}
			var rows []targetRow
			for _, name := range file.sortedTargetNames() {
				t := file.Targets[name]
				rows = append(rows, targetRow{Name: name, Current: name == file.Current, URL: redactedURL(t.URL), AuthType: t.AuthType, Auth: t.describeAuth()})
			}
			return &outcome{Answer: rows, table: func(w io.Writer) { printTargets(w, rows) }}, nil
		}),
	}
}

func printTargets(w io.Writer, rows []targetRow) {
	table := newTable(w)
	fmt.Fprintln(table, "CURRENT\tNAME\tURL\tAUTH")
	for _, row := range rows {
		current := ""
		if row.Current {
			current = "*"
		}
		fmt.Fprintf(table, "%s\t%s\t%s\t%s\n", current, row.Name, row.URL, row.Auth)
	}
	table.Flush()
}

// setting is one configuration property as osb target shows it.
type setting struct {
	Variable string `json:"variable"`
	Value    string `json:"value"`
	Source   string `json:"source"`
}

// effectiveTarget is what osb target shows.
type effectiveTarget struct {
	Target   string    `json:"target,omitempty"`
	URL      string    `json:"url"`
	AuthType string    `json:"auth_type"`
	Settings []setting `json:"settings"`
}

// defaultSettings are shown with their defaults when no source sets them.
var defaultSettings = map[string]string{
	common.PropertyAPIVersion: openservicebrokerv1.DefaultBrokerAPIVersion,
	common.PropertyTimeout:    openservicebrokerv1.DefaultTimeout.String(),
}

// showConfiguration shows the effective configuration without reading or printing a secret.
func (a *app) showConfiguration() (*outcome, error) {
	c, err := a.effectiveConfiguration(false)
	if err != nil {
		return nil, err
	}
	view := effectiveTarget{URL: redactedURL(c.props[common.PropertyURL]), AuthType: authType(c.props)}
	if c.broker != nil && c.origin[common.PropertyURL] == c.broker.name {
		view.Target = c.broker.target
	}
	if a.flags.timeout > 0 {
		c.props[common.PropertyTimeout] = a.flags.timeout.String()
	}
	for property, value := range defaultSettings {
		if c.props[property] == "" {
			c.set(property, value, "default")
		}
	}
	for _, property := range slices.Sorted(maps.Keys(c.props)) {
		value := c.props[property]
		switch {
		case value == "":
			value = "(read when used)"
		case property == common.PropertyURL:
			value = view.URL
		case isSecretProperty(property):
			value = secret.Masked
		}
		view.Settings = append(view.Settings, setting{Variable: variable(property), Value: value, Source: c.origin[property]})
	}
	return &outcome{Answer: view, table: func(w io.Writer) { printEffectiveTarget(w, view) }}, nil
}

// isSecretProperty says a configuration property holds a credential (a password, a token, an
// API key, a client secret), never shown.
func isSecretProperty(property string) bool {
	for _, part := range []string{"PASSWORD", "SECRET", "APIKEY", "API_KEY"} {
		if strings.Contains(property, part) {
			return true
		}
	}
	return strings.HasSuffix(property, "TOKEN")
}

func printEffectiveTarget(w io.Writer, view effectiveTarget) {
	if view.Target != "" {
		fmt.Fprintf(w, "target:    %s\n", view.Target)
	}
	if view.URL == "" {
		view.URL = "(none)"
	}
	if view.AuthType == "" {
		view.AuthType = "(none)"
	}
	fmt.Fprintf(w, "url:       %s\nauth type: %s\n\n", view.URL, view.AuthType)
	table := newTable(w)
	fmt.Fprintln(table, "SETTING\tVALUE\tSOURCE")
	for _, s := range view.Settings {
		fmt.Fprintf(table, "%s\t%s\t%s\n", s.Variable, s.Value, s.Source)
	}
	table.Flush()
}
