package benchmarks

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
)

// brokerServer is the loopback broker every contender talks to. It answers from memory and
// does as little work as it can, so that differences in the results come from the clients.
type brokerServer struct {
	*httptest.Server
	catalog     []byte
	connections atomic.Int64
	onProvision func(instanceID string, body []byte)
}

// lastOperationBody is the broker's fixed answer to a poll, worded like a real progress message.
var lastOperationBody = []byte(`{"state":"in progress","description":"Provisioning: 3 of 5 steps done, creating replicas."}`)

// dashboardPrefix starts the dashboard URL the broker returns for a new instance.
const dashboardPrefix = "https://dashboard.acme.example.com/instances/"

// newBrokerServer starts a loopback broker that serves catalog on GET /v2/catalog and, when
// onProvision is not nil, hands it each provision request's instance id and body.
// Call Close when done.
func newBrokerServer(catalog []byte, onProvision func(instanceID string, body []byte)) *brokerServer {
	broker := &brokerServer{catalog: catalog, onProvision: onProvision}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/catalog", broker.serveCatalog)
	mux.HandleFunc("GET /v2/service_instances/{id}/last_operation", broker.serveLastOperation)
	mux.HandleFunc("PUT /v2/service_instances/{id}", broker.serveProvision)
	broker.Server = httptest.NewUnstartedServer(mux)
	broker.Config.ConnState = broker.countNewConnections
	broker.Start()
	return broker
}

// Connections returns how many TCP connections clients have opened so far.
func (s *brokerServer) Connections() int64 {
	return s.connections.Load()
}

func (s *brokerServer) countNewConnections(_ net.Conn, state http.ConnState) {
	if state == http.StateNew {
		s.connections.Add(1)
	}
}

func (s *brokerServer) serveCatalog(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.catalog)
}

func (s *brokerServer) serveLastOperation(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, lastOperationBody)
}

func (s *brokerServer) serveProvision(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, `{"description":"cannot read request body"}`, http.StatusBadRequest)
		return
	}
	id := r.PathValue("id")
	if s.onProvision != nil {
		s.onProvision(id, body)
	}
	answer := make([]byte, 0, 128)
	answer = append(answer, `{"dashboard_url":`...)
	answer = strconv.AppendQuote(answer, dashboardPrefix+id)
	answer = append(answer, `,"operation":`...)
	answer = strconv.AppendQuote(answer, "provision-"+id)
	answer = append(answer, '}')
	writeJSON(w, http.StatusCreated, answer)
}

// writeJSON answers with a JSON body and its length, so the client can keep the connection alive.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	header := w.Header()
	header.Set("Content-Type", "application/json")
	header.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
