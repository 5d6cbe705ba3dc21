package chaos

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

// ServeBrokers starts a broker per fault rate, writes their addresses as one JSON line to out
// (named "faults-20" and the like), serves until in ends, then writes their reports to out.
func ServeBrokers(settings BrokerSettings, in io.Reader, out io.Writer) error {
	addresses := map[string]BrokerAddress{}
	servers := map[string]*brokertest.Server{}
	for i, rate := range settings.FaultRates {
		server, err := brokertest.Start(
			brokertest.WithAsyncPolls(1),
			brokertest.WithAsyncBindings(true),
			brokertest.WithRandomFaults(rate, settings.Seed+int64(i)),
			brokertest.WithRandomFaultRetryAfter(1),
		)
		if err != nil {
			return err
		}
		defer server.Close()
		name := BrokerName(rate)
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
	for i, rate := range settings.FaultRates {
		name := BrokerName(rate)
		if err := encoder.Encode(report(name, settings.FaultRates[i], servers[name])); err != nil {
			return err
		}
	}
	return nil
}

// BrokerName names the broker of a fault rate.
func BrokerName(rate float64) string { return fmt.Sprintf("faults-%.0f", rate*100) }

func report(name string, rate float64, server *brokertest.Server) BrokerReport {
	r := BrokerReport{Name: name, FaultRate: rate, Instances: len(server.Instances()), Bindings: len(server.Bindings())}
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
