package main

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"go.yaml.in/yaml/v3"

	"github.com/osbkit/osb-go-sdk/common"
)

// targetsFile is the file of named targets, of mode 0600: it may hold broker passwords.
type targetsFile struct {
	Current string             `yaml:"current,omitempty"`
	Targets map[string]*target `yaml:"targets,omitempty"`
}

// target is one named broker and how to authenticate to it. A basic-auth password is stored
// here, or referenced from a file or an environment variable, as its owner chose.
type target struct {
	URL          string `yaml:"url"`
	AuthType     string `yaml:"auth_type"`
	Username     string `yaml:"username,omitempty"`
	Password     string `yaml:"password,omitempty"`
	PasswordFile string `yaml:"password_file,omitempty"`
	PasswordEnv  string `yaml:"password_env,omitempty"`
	TokenFile    string `yaml:"token_file,omitempty"`
	APIVersion   string `yaml:"api_version,omitempty"`
	Insecure     bool   `yaml:"insecure,omitempty"`
}

// maxTargetsFile bounds what is read of the targets file.
const maxTargetsFile = 1 << 20

// targetsPath is the targets file: $XDG_CONFIG_HOME/osb/targets.yaml, else under ~/.config.
func (a *app) targetsPath() (string, error) {
	dir, err := userDir("XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "osb", "targets.yaml"), nil
}

// userDir is the directory an XDG variable names, else home/fallback.
func userDir(variable, fallback string) (string, error) {
	if dir := os.Getenv(variable); filepath.IsAbs(dir) {
		return dir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no %s and no home directory: %w", variable, err)
	}
	return filepath.Join(home, fallback), nil
}

// loadTargets reads the targets file; a missing file is an empty one.
func (a *app) loadTargets() (*targetsFile, string, error) {
	path, err := a.targetsPath()
	if err != nil {
		return nil, "", err
	}
	file := &targetsFile{Targets: map[string]*target{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return file, path, nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("targets file: %w", err)
	}
	if len(data) > maxTargetsFile {
		return nil, "", fmt.Errorf("targets file %s: larger than %d bytes", path, maxTargetsFile)
	}
	if err := yaml.Unmarshal(data, file); err != nil {
		return nil, "", fmt.Errorf("targets file %s: %w", path, err)
	}
	if file.Targets == nil {
		file.Targets = map[string]*target{}
	}
	return file, path, nil
}

// saveTargets writes the targets file with mode 0600 (its directory 0700), replacing it whole.
func saveTargets(path string, file *targetsFile) error {
	data, err := yaml.Marshal(file)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("targets file: %w", err)
	}
	temporary, err := os.CreateTemp(filepath.Dir(path), ".targets-*.yaml")
	if err != nil {
		return fmt.Errorf("targets file: %w", err)
	}
	defer os.Remove(temporary.Name())
	if err := temporary.Chmod(0o600); err != nil {
		temporary.Close()
		return fmt.Errorf("targets file: %w", err)
	}
	if _, err := temporary.Write(data); err != nil {
		temporary.Close()
		return fmt.Errorf("targets file: %w", err)
	}
	if err := temporary.Close(); err != nil {
		return fmt.Errorf("targets file: %w", err)
	}
	return os.Rename(temporary.Name(), path)
}

// namedTarget is the source of --target, else of the current target; nil when neither is set.
func (a *app) namedTarget() (*source, error) {
	file, path, err := a.loadTargets()
	if err != nil {
		return nil, err
	}
	name, how := a.flags.target, "--target"
	if name == "" {
		name, how = file.Current, "current target"
	}
	if name == "" {
		return nil, nil
	}
	t, ok := file.Targets[name]
	if !ok {
		return nil, usageError{fmt.Errorf("%s %q: no such target in %s; osb target list shows them", how, name, path)}
	}
	props, curlAuth, err := t.properties(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("target %q in %s: %w", name, path, err)}
	}
	return &source{name: fmt.Sprintf("target %q", name), file: path, props: props, curlAuth: curlAuth, target: name}, nil
}

// properties are the target's settings as configuration properties, with how --dry-run
// passes its credentials to curl.
func (t *target) properties(path string) (map[string]string, []string, error) {
	props := map[string]string{common.PropertyURL: t.URL, common.PropertyAuthType: t.AuthType}
	if t.APIVersion != "" {
		props[common.PropertyAPIVersion] = t.APIVersion
	}
	if t.Insecure {
		props[common.PropertyDisableSSL] = "true"
	}
	switch t.AuthType {
	case core.AUTHTYPE_BASIC:
		password, curlPassword, err := t.password(path)
		if err != nil {
			return nil, nil, err
		}
		props[core.PROPNAME_USERNAME], props[core.PROPNAME_PASSWORD] = t.Username, password
		return props, []string{"-u", shellQuote(t.Username) + curlPassword}, nil
	case common.AuthTypeBearerTokenFile:
		props[common.PropertyBearerTokenFile] = t.TokenFile
		return props, bearerAuth("$(cat " + shellQuote(t.TokenFile) + ")"), nil
	}
	return props, nil, nil
}

// password reads the target's password where it is kept, and says how curl gets it: from
// the same file or variable, else at curl's own prompt.
func (t *target) password(path string) (password, curlPassword string, err error) {
	switch {
	case t.PasswordFile != "":
		data, err := os.ReadFile(t.PasswordFile)
		if err != nil {
			return "", "", fmt.Errorf("password_file: %w", err)
		}
		return strings.TrimSpace(string(data)), `:"$(cat ` + shellQuote(t.PasswordFile) + `)"`, nil
	case t.PasswordEnv != "":
		password := os.Getenv(t.PasswordEnv)
		if password == "" {
			return "", "", fmt.Errorf("password_env: the variable %s is not set", t.PasswordEnv)
		}
		return password, `:"$` + t.PasswordEnv + `"`, nil
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return "", "", fmt.Errorf("holds a password but others may read the file (mode %s): chmod 600 %s", info.Mode().Perm(), shellWord(path))
	}
	return t.Password, "", nil
}

// sortedTargetNames lists the targets by name.
func (file *targetsFile) sortedTargetNames() []string {
	return slices.Sorted(maps.Keys(file.Targets))
}

// describeAuth says how a target authenticates, without any secret.
func (t *target) describeAuth() string {
	switch {
	case t.AuthType != core.AUTHTYPE_BASIC:
		return t.AuthType
	case t.PasswordFile != "":
		return fmt.Sprintf("basic as %s, password in %s", t.Username, t.PasswordFile)
	case t.PasswordEnv != "":
		return fmt.Sprintf("basic as %s, password in $%s", t.Username, t.PasswordEnv)
	}
	return fmt.Sprintf("basic as %s, password stored", t.Username)
}
