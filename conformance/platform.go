package conformance

import (
	"fmt"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Platforms lists the values of Options.Platform.
var Platforms = []string{openservicebrokerv1.PlatformCloudFoundry, openservicebrokerv1.PlatformKubernetes, openservicebrokerv1.PlatformIBMCloud}

// platform fills what a platform sends with every request: the context object, the
// organization and space of a provision, and the originating identity.
type platform struct {
	name                    string
	organizationID, spaceID string
	originatingIdentity     string
	context                 func(instanceName string) *openservicebrokerv1.Context
}

// newPlatform builds the identities of one run; every id is fresh, so runs never share them.
func newPlatform(name string) (*platform, error) {
	switch name {
	case "", openservicebrokerv1.PlatformCloudFoundry:
		return cloudFoundry()
	case openservicebrokerv1.PlatformKubernetes:
		return kubernetes()
	case openservicebrokerv1.PlatformIBMCloud:
		return ibmCloud()
	default:
		return nil, fmt.Errorf("platform %q is not one of %s", name, strings.Join(Platforms, ", "))
	}
}

// cloudFoundry fills context as the cloudfoundry profile defines it.
func cloudFoundry() (*platform, error) {
	p := &platform{name: openservicebrokerv1.PlatformCloudFoundry, organizationID: uuid.NewString(), spaceID: uuid.NewString()}
	identity, err := openservicebrokerv1.NewOriginatingIdentity(p.name, openservicebrokerv1.CloudFoundryIdentity{UserID: uuid.NewString()})
	p.originatingIdentity = identity
	p.context = func(instanceName string) *openservicebrokerv1.Context {
		return &openservicebrokerv1.Context{Platform: core.StringPtr(p.name),
			OrganizationGuid: core.StringPtr(p.organizationID), OrganizationName: core.StringPtr("osb-check-org"),
			SpaceGuid: core.StringPtr(p.spaceID), SpaceName: core.StringPtr("osb-check-space"),
			InstanceName: core.StringPtr(instanceName)}
	}
	return p, err
}

// kubernetes fills context as the kubernetes profile defines it; organization and space carry
// the cluster id and the namespace, as Kubernetes' service catalog sent them.
func kubernetes() (*platform, error) {
	p := &platform{name: openservicebrokerv1.PlatformKubernetes, organizationID: uuid.NewString(), spaceID: "osb-check"}
	identity, err := openservicebrokerv1.NewOriginatingIdentity(p.name, openservicebrokerv1.KubernetesIdentity{
		Username: "osb-check", UID: uuid.NewString(), Groups: []string{"system:authenticated"}})
	p.originatingIdentity = identity
	p.context = func(instanceName string) *openservicebrokerv1.Context {
		return &openservicebrokerv1.Context{Platform: core.StringPtr(p.name), Namespace: core.StringPtr(p.spaceID),
			ClusterID: core.StringPtr(p.organizationID), InstanceName: core.StringPtr(instanceName)}
	}
	return p, err
}

// ibmCloud fills context as IBM Cloud does: account, the instance's CRN, resource group and target.
func ibmCloud() (*platform, error) {
	account := strings.ReplaceAll(uuid.NewString(), "-", "")
	resourceGroup := strings.ReplaceAll(uuid.NewString(), "-", "")
	p := &platform{name: openservicebrokerv1.PlatformIBMCloud, organizationID: account, spaceID: resourceGroup}
	identity, err := openservicebrokerv1.NewOriginatingIdentity(p.name, openservicebrokerv1.IBMCloudIdentity{IAMID: "IBMid-osb-check"})
	p.originatingIdentity = identity
	p.context = func(instanceName string) *openservicebrokerv1.Context {
		return &openservicebrokerv1.Context{Platform: core.StringPtr(p.name), AccountID: core.StringPtr(account),
			Crn: core.StringPtr(ibmCRN(account, instanceName)), Name: core.StringPtr(instanceName),
			ResourceGroupCrn: core.StringPtr("crn:v1:bluemix:public:resource-controller::a/" + account + "::resource-group:" + resourceGroup),
			TargetCrn:        core.StringPtr("crn:v1:bluemix:public:globalcatalog::::deployment:osb-check-us-south")}
	}
	return p, err
}

// ibmCRN is the CRN IBM Cloud gives an instance: crn:v1:...:a/<account>:<instance>::
func ibmCRN(account, instance string) string {
	return "crn:v1:bluemix:public:osb-check:us-south:a/" + account + ":" + instance + "::"
}
