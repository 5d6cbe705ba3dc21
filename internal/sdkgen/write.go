package sdkgen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Output says where generated files go and which of them are hand-maintained instead.
type Output struct {
	Dir      string       // directory of the generated package
	Root     string       // directory the ignore rules are relative to
	Ignore   *IgnoreRules // may be nil
	Generate []File
}

// Write writes every file the ignore rules do not exclude, and removes generated files
// (those starting with GeneratedHeader) that the spec no longer produces. It returns the
// paths it wrote or removed, relative to Root.
func (o Output) Write() ([]string, error) {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	var changed []string
	want := map[string]bool{}
	for _, f := range o.Generate {
		rel, err := o.relative(f.Path)
		if err != nil {
			return nil, err
		}
		want[f.Path] = true
		if o.Ignore.Ignored(rel) {
			continue
		}
		target := filepath.Join(o.Dir, f.Path)
		if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, f.Content) {
			continue
		}
		if err := os.WriteFile(target, f.Content, 0o644); err != nil {
			return nil, err
		}
		changed = append(changed, rel)
	}
	entries, err := os.ReadDir(o.Dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() || want[e.Name()] || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		rel, err := o.relative(e.Name())
		if err != nil {
			return nil, err
		}
		if o.Ignore.Ignored(rel) || !isGenerated(filepath.Join(o.Dir, e.Name())) {
			continue
		}
		if err := os.Remove(filepath.Join(o.Dir, e.Name())); err != nil {
			return nil, err
		}
		changed = append(changed, rel)
	}
	return changed, nil
}

func (o Output) relative(name string) (string, error) {
	rel, err := filepath.Rel(o.Root, filepath.Join(o.Dir, name))
	if err != nil {
		return "", fmt.Errorf("output %s is not below %s: %w", o.Dir, o.Root, err)
	}
	return filepath.ToSlash(rel), nil
}

func isGenerated(path string) bool {
	content, err := os.ReadFile(path)
	return err == nil && bytes.HasPrefix(content, []byte(GeneratedHeader))
}
