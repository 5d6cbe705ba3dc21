package sdkgen

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Generate loads the spec, renders the client and writes it to outDir, skipping the paths that
// the ignore file (relative to root; optional) excludes. It returns the paths it changed.
func Generate(ctx context.Context, cfg Config, outDir, root, ignoreFile string) ([]string, error) {
	api, err := Load(ctx, cfg)
	if err != nil {
		return nil, err
	}
	files, err := Render(api)
	if err != nil {
		return nil, err
	}
	var rules *IgnoreRules
	if ignoreFile != "" {
		f, err := os.Open(ignoreFile)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			defer f.Close()
			if rules, err = ParseIgnore(f); err != nil {
				return nil, fmt.Errorf("%s: %w", ignoreFile, err)
			}
		}
	}
	return Output{Dir: outDir, Root: root, Ignore: rules, Generate: files}.Write()
}
