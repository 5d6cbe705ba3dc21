package brokertest

import (
	"encoding/json"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// Instance is a copy of a service instance the broker holds, as returned by Server.Instances.
type Instance struct {
	ID               string
	ServiceID        string
	PlanID           string
	OrganizationGUID string
	SpaceGUID        string
	Parameters       json.RawMessage
	Context          json.RawMessage
	// Ready reports whether provisioning has succeeded; false while it runs or after it failed.
	Ready bool
	// Enabled is the IBM state set through PUT /bluemix_v1/service_instances/{instance_id}.
	Enabled bool
	// MaintenanceVersion is the instance's maintenance_info version ("" when its plan has none).
	MaintenanceVersion string
	LastOperation      LastOperation
}

// Binding is a copy of a service binding the broker holds, as returned by Server.Bindings.
type Binding struct {
	InstanceID string
	ID         string
	ServiceID  string
	PlanID     string
	AppGUID    string
	Parameters json.RawMessage
	// PredecessorBindingID is the binding this one rotated ("" when it rotated none).
	PredecessorBindingID string
	Credentials          Credentials
	// ExpiresAt is when the binding expires (zero without WithBindingLifetime).
	ExpiresAt time.Time
	// Ready reports whether binding has succeeded; false while it runs or after it failed.
	Ready         bool
	LastOperation LastOperation
}

// Credentials are what a bind answer carries: a database login and a URI that embeds it.
type Credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
	URI      string `json:"uri"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
}

func newCredentials(database string) Credentials {
	username := "user-" + randomToken(8)
	password := randomToken(26)
	const host, port = "localhost", 5432
	uri := url.URL{
		Scheme: "postgres",
		User:   url.UserPassword(username, password),
		Host:   net.JoinHostPort(host, strconv.Itoa(port)),
		Path:   "/" + database,
	}
	return Credentials{Username: username, Password: password, URI: uri.String(), Host: host, Port: port}
}

type instance struct {
	id      string
	attrs   attributes
	context json.RawMessage
	ready   bool
	enabled bool
	// lastActive is reported by the IBM state endpoint.
	lastActive time.Time
	ops        operationLog
	bindings   map[string]*binding
	// unbound holds the ids of bindings removed by unbind, so their last_operation answers 410.
	unbound map[string]bool
}

type binding struct {
	id          string
	attrs       attributes
	credentials Credentials
	// expiresAt and renewBefore are zero when bindings have no lifetime.
	expiresAt   time.Time
	renewBefore time.Time
	ready       bool
	ops         operationLog
}

// metadataTime is the form the Binding Metadata Object gives its times: yyyy-mm-ddThh:mm:ss.sZ.
const metadataTime = "2006-01-02T15:04:05.0Z"

// metadata is the binding's Binding Metadata Object, empty without a lifetime.
func (b *binding) metadata() domain.BindingMetadata {
	if b.expiresAt.IsZero() {
		return domain.BindingMetadata{}
	}
	return domain.BindingMetadata{
		ExpiresAt:   b.expiresAt.UTC().Format(metadataTime),
		RenewBefore: b.renewBefore.UTC().Format(metadataTime),
	}
}

func (i *instance) view() Instance {
	view := Instance{
		ID:               i.id,
		ServiceID:        i.attrs.ServiceID,
		PlanID:           i.attrs.PlanID,
		OrganizationGUID: i.attrs.OrganizationGUID,
		SpaceGUID:        i.attrs.SpaceGUID,
		Parameters:       cloneBytes(i.attrs.Parameters),
		Context:          cloneBytes(i.context),
		Ready:            i.ready,
		Enabled:          i.enabled,
		LastOperation:    i.ops.current.view(),
	}
	if i.attrs.Maintenance != nil {
		view.MaintenanceVersion = i.attrs.Maintenance.Version
	}
	return view
}

func (b *binding) view(instanceID string) Binding {
	return Binding{
		InstanceID:           instanceID,
		ID:                   b.id,
		ServiceID:            b.attrs.ServiceID,
		PlanID:               b.attrs.PlanID,
		AppGUID:              b.attrs.AppGUID,
		Parameters:           cloneBytes(b.attrs.Parameters),
		PredecessorBindingID: b.attrs.PredecessorBindingID,
		Credentials:          b.credentials,
		ExpiresAt:            b.expiresAt,
		Ready:                b.ready,
		LastOperation:        b.ops.current.view(),
	}
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
