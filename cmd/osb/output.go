package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/osbkit/osb-go-sdk/internal/secret"
	"github.com/osbkit/osb-go-sdk/internal/termtext"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// outcome is what a command prints: the whole of it as -o json or yaml, its table otherwise.
type outcome struct {
	// Status is the HTTP status of the broker's answer to the command's request.
	Status int `json:"status,omitempty"`
	// RequestIdentity is the X-Broker-API-Request-Identity of that request.
	RequestIdentity string `json:"request_identity,omitempty"`
	// BrokerCorrelationID is the broker's own id of the exchange and BrokerCorrelationHeader
	// the header that carried it, to find the request in the broker's logs; left out when it
	// is the request identity.
	BrokerCorrelationID     string `json:"broker_correlation_id,omitempty"`
	BrokerCorrelationHeader string `json:"broker_correlation_header,omitempty"`
	// Answer is the broker's answer, secrets masked unless --show-secrets.
	Answer any `json:"answer,omitempty"`
	// LastOperation is how an operation waited for (--wait) ended.
	LastOperation *lastOperation `json:"last_operation,omitempty"`
	// Error says why the command failed, with the exit code it ends with.
	Error *errorReport `json:"error,omitempty"`

	// table prints the outcome for a person.
	table func(w io.Writer)
	// tableOnFailure says the table is printed even with an error: the answer is the failure
	// (a single poll that says "failed").
	tableOnFailure bool
}

type lastOperation struct {
	State       string `json:"state"`
	Description string `json:"description,omitempty"`
}

type errorReport struct {
	ExitCode    int    `json:"exit_code"`
	Message     string `json:"message"`
	ErrorCode   string `json:"error_code,omitempty"`
	Description string `json:"description,omitempty"`
}

// newOutcome starts the outcome of a request from its response.
func newOutcome(response *core.DetailedResponse, answer any) *outcome {
	o := &outcome{Answer: answer}
	if response != nil {
		o.Status = response.StatusCode
		o.RequestIdentity = response.Headers.Get(openservicebrokerv1.HeaderRequestIdentity)
		o.BrokerCorrelationHeader, o.BrokerCorrelationID = openservicebrokerv1.BrokerCorrelationID(response)
		o.dropEchoedCorrelation()
	}
	return o
}

// dropEchoedCorrelation leaves out a broker correlation id that only repeats the request identity.
func (o *outcome) dropEchoedCorrelation() {
	if o.BrokerCorrelationID == o.RequestIdentity {
		o.BrokerCorrelationID, o.BrokerCorrelationHeader = "", ""
	}
}

// operationFunc does a command's work and returns what to print, or nil when nothing was
// answered; it may return both an outcome and an error.
type operationFunc func(cmd *cobra.Command, args []string) (*outcome, error)

// run turns an operationFunc into a cobra RunE: it prints the outcome in the chosen format
// (a table only on success) and, for machine formats, the error as part of it.
func (a *app) run(do operationFunc) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.started = true
		result, err := do(cmd, args)
		switch {
		case a.printedDryRun:
			return nil
		case a.flags.output == formatTable:
			if result != nil && result.table != nil && (err == nil || result.tableOnFailure) {
				result.table(a.stdout)
			}
			return err
		case err != nil:
			result = withError(result, err)
		case result == nil:
			return nil
		}
		if printErr := a.print(result); printErr != nil && err == nil {
			return printErr
		}
		return err
	}
}

// withError records err in the outcome, creating one from a broker error when the command had none.
func withError(o *outcome, err error) *outcome {
	var brokerErr *openservicebrokerv1.BrokerError
	hasBrokerErr := errors.As(err, &brokerErr)
	if o == nil {
		o = &outcome{}
		if hasBrokerErr {
			o.Status, o.RequestIdentity = brokerErr.StatusCode, brokerErr.RequestIdentity
			o.BrokerCorrelationID, o.BrokerCorrelationHeader = brokerErr.BrokerCorrelationID, brokerErr.BrokerCorrelationHeader
			o.dropEchoedCorrelation()
		}
	}
	o.Error = &errorReport{ExitCode: exitCode(err), Message: err.Error()}
	if hasBrokerErr {
		o.Error.ErrorCode, o.Error.Description = brokerErr.ErrorCode, brokerErr.Description
	}
	return o
}

// print writes the outcome as -o json or yaml, or what --jq extracts from it.
func (a *app) print(o *outcome) error {
	switch {
	case a.flags.jq != "":
		return a.printQuery(o)
	case a.flags.output == formatYAML:
		return writeYAML(a.stdout, o)
	}
	return writeJSON(a.stdout, o, "  ")
}

// writeJSON writes value as JSON, every format and bidi character of its strings escaped
// (\u202e): the document means the same and cannot act on a terminal.
func writeJSON(w io.Writer, value any, indent string) error {
	var encoded bytes.Buffer
	encoder := json.NewEncoder(&encoded)
	encoder.SetIndent("", indent)
	if err := encoder.Encode(value); err != nil {
		return err
	}
	_, err := w.Write(termtext.EscapeJSON(encoded.Bytes()))
	return err
}

// writeYAML writes value as YAML with the fields in the order its JSON has them: it goes
// through JSON, so json tags and encoders apply to both formats alike. A string holding a
// character that could act on a terminal is double-quoted and the character escaped.
func writeYAML(w io.Writer, value any) error {
	encoded, err := json.Marshal(value)
	if err != nil {
		return err
	}
	// The YAML parser refuses the DEL and C1 characters encoding/json writes as they are.
	var document yaml.Node
	if err := yaml.Unmarshal(termtext.EscapeJSON(encoded), &document); err != nil {
		return err
	}
	setStyle(&document)
	var out bytes.Buffer
	encoder := yaml.NewEncoder(&out)
	encoder.SetIndent(2)
	if err := encoder.Encode(&document); err != nil {
		return err
	}
	if err := encoder.Close(); err != nil {
		return err
	}
	_, err = w.Write(termtext.EscapeYAML(out.Bytes()))
	return err
}

// setStyle drops the JSON flow style of a decoded document, so it encodes as block YAML, and
// double-quotes the scalars that need escapes, the only YAML style that has them.
func setStyle(node *yaml.Node) {
	node.Style = 0
	if node.Kind == yaml.ScalarNode && termtext.NeedsEscape(node.Value) {
		node.Style = yaml.DoubleQuotedStyle
	}
	for _, child := range node.Content {
		setStyle(child)
	}
}

// answerOf turns a typed answer into plain JSON values, secrets masked unless showSecrets.
func answerOf(value any, showSecrets bool) (any, error) {
	if core.IsNil(value) {
		return nil, nil
	}
	encoded, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("encoding the broker's answer: %w", err)
	}
	var plain any
	decoder := json.NewDecoder(bytes.NewReader(encoded))
	decoder.UseNumber()
	if err := decoder.Decode(&plain); err != nil {
		return nil, fmt.Errorf("encoding the broker's answer: %w", err)
	}
	if showSecrets {
		return plain, nil
	}
	return secret.Mask(plain), nil
}

// newTable returns a tabwriter for aligned columns; flush it when done.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// printf is how every table, hint and error reaches a terminal: format is the command's own
// text, and each argument, which may come from the broker, is shown through termtext.Clean
// (escapes visible, one line, long text cut). Formats use %s only.
func printf(w io.Writer, format string, args ...any) {
	cleaned := make([]any, len(args))
	for i, arg := range args {
		cleaned[i] = termtext.Clean(fmt.Sprint(arg))
	}
	fmt.Fprintf(w, format, cleaned...)
}

// plainValue prints a string as it is and anything else as compact JSON.
func plainValue(value any) string {
	if s, ok := value.(string); ok {
		return s
	}
	encoded, err := json.Marshal(value)
	if err != nil {
		return fmt.Sprint(value)
	}
	return string(encoded)
}
