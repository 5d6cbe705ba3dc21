package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"

	"github.com/osbkit/osb-go-sdk/internal/termtext"
)

// compileQuery compiles the --jq expression, so that a mistake in it is found before anything
// is sent.
func compileQuery(expression string) (*gojq.Code, error) {
	parsed, err := gojq.Parse(expression)
	if err != nil {
		return nil, usageError{fmt.Errorf("--jq %q: %w", expression, err)}
	}
	code, err := gojq.Compile(parsed)
	if err != nil {
		return nil, usageError{fmt.Errorf("--jq %q: %w", expression, err)}
	}
	return code, nil
}

// printQuery writes what the --jq expression extracts from the outcome's JSON (what -o json
// prints), one value a line: strings as they are but with their control, format and bidi
// characters shown as escapes, anything else as compact JSON.
func (a *app) printQuery(o *outcome) error {
	encoded, err := json.Marshal(o)
	if err != nil {
		return err
	}
	var document any
	if err := json.Unmarshal(encoded, &document); err != nil {
		return err
	}
	results := a.query.RunWithContext(context.Background(), document)
	for {
		value, ok := results.Next()
		if !ok {
			return nil
		}
		if err, isErr := value.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil
			}
			return fmt.Errorf("--jq: %w", err)
		}
		if err := writeQueryResult(a.stdout, value); err != nil {
			return err
		}
	}
}

func writeQueryResult(w io.Writer, value any) error {
	if s, ok := value.(string); ok {
		_, err := fmt.Fprintln(w, termtext.Escape(s))
		return err
	}
	return writeJSON(w, value, "")
}
