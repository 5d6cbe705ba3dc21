package brokertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/pivotal-cf/brokerapi/v12/domain/apiresponses"
)

// ReasonCodes are the reason_code values IBM Cloud accepts when it enables or disables an
// instance through PUT /bluemix_v1/service_instances/{instance_id}.
var ReasonCodes = []string{
	"IBMCLOUD_ACCT_ACTIVATE",
	"IBMCLOUD_RECLAMATION_RESTORE",
	"IBMCLOUD_SERVICE_INSTANCE_BELOW_CAP",
	"IBMCLOUD_ACCT_SUSPEND",
	"IBMCLOUD_RECLAMATION_SCHEDULE",
	"IBMCLOUD_SERVICE_INSTANCE_ABOVE_CAP",
	"IBMCLOUD_ADMIN_REQUEST",
	"IBMCLOUD_SERVICE_ADMIN",
	"IBMCLOUD_ADMIN_AUP_REQUEST",
	"IBMCLOUD_SERVICE_SUSPEND",
	"IBMCLOUD_SERVICE_ACTIVATE",
}

// instanceState is the body of the IBM state endpoints' answers.
type instanceState struct {
	Enabled    bool  `json:"enabled"`
	Active     bool  `json:"active"`
	LastActive int64 `json:"last_active"` // milliseconds since the epoch
}

// stateChange is the body of PUT /bluemix_v1/service_instances/{instance_id}.
type stateChange struct {
	Enabled     *bool  `json:"enabled"`
	InitiatorID string `json:"initiator_id"`
	ReasonCode  string `json:"reason_code"`
}

func (c stateChange) validate() error {
	if c.Enabled == nil {
		return errors.New("enabled is required")
	}
	if c.ReasonCode != "" && !slices.Contains(ReasonCodes, c.ReasonCode) {
		return fmt.Errorf("reason_code %q is not one of %s", c.ReasonCode, strings.Join(ReasonCodes, ", "))
	}
	return nil
}

// bluemixRoutes serves IBM's instance state endpoints, which brokerapi does not know.
func (b *backend) bluemixRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /bluemix_v1/service_instances/{instance_id}", b.getInstanceState)
	mux.HandleFunc("PUT /bluemix_v1/service_instances/{instance_id}", b.putInstanceState)
	return mux
}

func (b *backend) getInstanceState(w http.ResponseWriter, r *http.Request) {
	state, ok := b.instanceState(r.PathValue("instance_id"), nil)
	if !ok {
		writeOSBError(w, http.StatusNotFound, "instance does not exist or its provisioning has not succeeded")
		return
	}
	writeJSON(w, http.StatusOK, state)
}

func (b *backend) putInstanceState(w http.ResponseWriter, r *http.Request) {
	var change stateChange
	if err := json.NewDecoder(r.Body).Decode(&change); err != nil {
		writeOSBError(w, http.StatusBadRequest, "body is not a JSON object {enabled, initiator_id, reason_code}: "+err.Error())
		return
	}
	if err := change.validate(); err != nil {
		writeOSBError(w, http.StatusBadRequest, err.Error())
		return
	}
	state, ok := b.instanceState(r.PathValue("instance_id"), change.Enabled)
	if !ok {
		writeOSBError(w, http.StatusNotFound, "instance does not exist or its provisioning has not succeeded")
		return
	}
	writeJSON(w, http.StatusOK, state)
}

// instanceState returns the state of a provisioned instance after setting enabled, when given.
func (b *backend) instanceState(id string, enabled *bool) (instanceState, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst := b.lookup(id)
	if inst == nil || !inst.ready {
		return instanceState{}, false
	}
	if enabled != nil && *enabled != inst.enabled {
		inst.enabled = *enabled
		inst.lastActive = b.now()
	}
	return instanceState{Enabled: inst.enabled, Active: inst.enabled, LastActive: inst.lastActive.UnixMilli()}, true
}

func writeOSBError(w http.ResponseWriter, status int, description string) {
	writeJSON(w, status, apiresponses.ErrorResponse{Description: description})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body) // the client went away; nothing left to tell it
}
