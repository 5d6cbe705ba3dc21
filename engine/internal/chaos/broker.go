package chaos

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

// ServeBrokers starts the brokers, writes their addresses as one JSON line to out (by
// BrokerSpec.Name), serves until in ends, then writes their reports to out, a line each.
func ServeBrokers(settings BrokerSettings, in io.Reader, out io.Writer) error {
	addresses := map[string]BrokerAddress{}
	servers := map[string]*brokertest.Server{}
	for i, spec := range settings.Brokers {
		options := []brokertest.Option{
			brokertest.WithAsyncPolls(1),
			brokertest.WithAsyncBindings(true),
			brokertest.WithRandomFaults(spec.FaultRate, settings.Seed+int64(i)),
			brokertest.WithRandomFaultRetryAfter(1),
			brokertest.WithAsyncDuration(time.Duration(spec.AsyncDuration)),
			brokertest.WithLastOperationRetryAfter(spec.RetryAfter),
		}
		if spec.FailBinds {
			options = append(options, brokertest.WithFailingOperations(brokertest.OperationBind))
		}
		server, err := brokertest.Start(options...)
		if err != nil {
			return err
		}
		defer server.Close()
		name := spec.Name()
		servers[name] = server
		addresses[name] = BrokerAddress{URL: server.URL, Username: server.Username, Password: server.Password}
	}
	encoder := json.NewEncoder(out)
	if err := encoder.Encode(addresses); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, in); err != nil {
		return fmt.Errorf("waiting for the end of input: %w", err)
	}
	for _, spec := range settings.Brokers {
		if err := encoder.Encode(report(spec, servers[spec.Name()])); err != nil {
			return err
		}
	}
	return nil
}

func report(spec BrokerSpec, server *brokertest.Server) BrokerReport {
	r := BrokerReport{Name: spec.Name(), FaultRate: spec.FaultRate, Instances: len(server.Instances()), Bindings: len(server.Bindings())}
	for _, request := range server.Requests() {
		r.Requests++
		if request.Fault != "" {
			r.Faults++
		}
		if strings.HasSuffix(request.Path, "/last_operation") {
			r.Polls++
		}
	}
	creations := server.Creations()
	r.CreatedTwice = brokertest.CreatedTwice(creations)
	for _, c := range creations {
		r.Creations = append(r.Creations, Creation{InstanceID: c.InstanceID, BindingID: c.BindingID, Username: c.Username})
	}
	return r
}
