package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// maxParametersFile bounds what --params reads.
const maxParametersFile = 4 << 20

// parameterFlags are --param key=value (repeatable) and --params file|-.
type parameterFlags struct {
	pairs []string
	file  string
}

func addParameterFlags(cmd *cobra.Command, p *parameterFlags) {
	cmd.Flags().StringArrayVar(&p.pairs, "param", nil, "parameter key=value, repeatable; a value that parses as JSON is sent as that JSON")
	cmd.Flags().StringVar(&p.file, "params", "", "JSON object of parameters, from a file or - for stdin; --param values override its keys")
}

// parameters returns the object the flags describe, nil when none was given.
func (a *app) parameters(p parameterFlags) (map[string]any, error) {
	var parameters map[string]any
	if p.file != "" {
		data, err := a.readInput(p.file, "--params")
		if err != nil {
			return nil, err
		}
		if parameters, err = decodeJSONObject(data); err != nil {
			return nil, usageError{fmt.Errorf("--params %s: %w", p.file, err)}
		}
	}
	for _, pair := range p.pairs {
		key, value, found := strings.Cut(pair, "=")
		if !found || key == "" {
			return nil, usageError{fmt.Errorf("--param %q: want key=value", pair)}
		}
		if parameters == nil {
			parameters = map[string]any{}
		}
		parameters[key] = parseParameterValue(value)
	}
	return parameters, nil
}

// parseParameterValue is the JSON value a --param value spells, else the string itself.
func parseParameterValue(value string) any {
	decoder := json.NewDecoder(strings.NewReader(value))
	decoder.UseNumber()
	var parsed any
	if decoder.Decode(&parsed) != nil || decoder.More() {
		return value
	}
	return parsed
}

// readInput reads a file, or stdin for "-", bounded. Stdin can be read once: not both for a
// password and for a file.
func (a *app) readInput(name, flag string) ([]byte, error) {
	var source io.Reader
	if name == "-" {
		if a.flags.passwordStdin {
			return nil, usageError{fmt.Errorf("%s - and --password-stdin both read stdin; put one of them in a file", flag)}
		}
		source = a.stdin
	} else {
		file, err := os.Open(name)
		if err != nil {
			return nil, usageError{fmt.Errorf("%s: %w", flag, err)}
		}
		defer file.Close()
		source = file
	}
	data, err := io.ReadAll(io.LimitReader(source, maxParametersFile+1))
	if err != nil {
		return nil, usageError{fmt.Errorf("%s %s: %w", flag, name, err)}
	}
	if len(data) > maxParametersFile {
		return nil, usageError{fmt.Errorf("%s %s: larger than %d bytes", flag, name, maxParametersFile)}
	}
	return data, nil
}

// decodeJSONObject decodes one JSON object, numbers kept exact.
func decodeJSONObject(data []byte) (map[string]any, error) {
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber()
	var object map[string]any
	if err := decoder.Decode(&object); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if decoder.More() {
		return nil, errors.New("more than one JSON value")
	}
	if object == nil {
		return nil, errors.New("not a JSON object: null")
	}
	return object, nil
}
