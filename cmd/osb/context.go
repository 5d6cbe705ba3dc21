package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// contextFlags build the context object of the platform profiles (Context Object): the
// cloudfoundry profile's organization and space, the kubernetes profile's namespace and
// cluster, and any other property as key=value.
type contextFlags struct {
	organizationGUID, spaceGUID string
	namespace, clusterID        string
	instanceName                string
	properties                  []string
}

func addContextFlags(cmd *cobra.Command, c *contextFlags) {
	f := cmd.Flags()
	f.StringVar(&c.organizationGUID, "org-guid", "", "cloudfoundry context organization_guid")
	f.StringVar(&c.spaceGUID, "space-guid", "", "cloudfoundry context space_guid")
	f.StringVar(&c.namespace, "namespace", "", "kubernetes context namespace")
	f.StringVar(&c.clusterID, "cluster-id", "", "kubernetes context clusterid")
	f.StringVar(&c.instanceName, "instance-name", "", "context instance_name")
	f.StringArrayVar(&c.properties, "context", nil, "other context property key=value, repeatable (JSON values as for --param)")
}

func (c contextFlags) empty() bool {
	return c.organizationGUID == "" && c.spaceGUID == "" && c.namespace == "" &&
		c.clusterID == "" && c.instanceName == "" && len(c.properties) == 0
}

// build returns the context of platform, or nil when neither the flags nor the platform ask
// for one.
func (c contextFlags) build(platform string) (*openservicebrokerv1.Context, error) {
	if c.empty() && platform == "" {
		return nil, nil
	}
	if platform == "" {
		return nil, usageError{errors.New("context flags need --platform (cloudfoundry, kubernetes or ibmcloud)")}
	}
	context := &openservicebrokerv1.Context{Platform: core.StringPtr(platform)}
	set := func(field **string, value string) {
		if value != "" {
			*field = core.StringPtr(value)
		}
	}
	set(&context.OrganizationGuid, c.organizationGUID)
	set(&context.SpaceGuid, c.spaceGUID)
	set(&context.Namespace, c.namespace)
	set(&context.ClusterID, c.clusterID)
	set(&context.InstanceName, c.instanceName)
	for _, pair := range c.properties {
		key, value, found := strings.Cut(pair, "=")
		if !found || key == "" {
			return nil, usageError{fmt.Errorf("--context %q: want key=value", pair)}
		}
		context.SetProperty(key, parseParameterValue(value))
	}
	return context, nil
}

// provisionContext is the context of a provision, which places the instance: the client fills
// the organization_guid and space_guid that Provisioning, Body requires from a cloudfoundry or
// kubernetes context. Without flags it is the cloudfoundry profile with GUIDs derived from the
// instance id, said on stderr: the same provision repeated is the identical request, which the
// broker answers 200 (Provisioning, Response). Other platforms' profiles have no equivalents,
// so for them --org-guid and --space-guid are returned to be sent as the fields themselves.
func (a *app) provisionContext(instanceID string, c contextFlags) (context *openservicebrokerv1.Context, organizationGUID, spaceGUID string, err error) {
	platform := a.flags.platform
	switch platform {
	case "", openservicebrokerv1.PlatformCloudFoundry:
		platform = openservicebrokerv1.PlatformCloudFoundry
		if c.organizationGUID == "" || c.spaceGUID == "" {
			c.organizationGUID = orDerived(c.organizationGUID, "organization_guid", instanceID)
			c.spaceGUID = orDerived(c.spaceGUID, "space_guid", instanceID)
			a.hint("context: platform cloudfoundry, organization_guid %s, space_guid %s (derived from the instance id; set --org-guid and --space-guid to choose)", c.organizationGUID, c.spaceGUID)
		}
	case openservicebrokerv1.PlatformKubernetes:
	default:
		organizationGUID, spaceGUID = c.organizationGUID, c.spaceGUID
		c.organizationGUID, c.spaceGUID = "", ""
	}
	context, err = c.build(platform)
	return context, organizationGUID, spaceGUID, err
}

// derivedGUIDs is the namespace of the GUIDs osb derives (a name-based UUID of its own).
var derivedGUIDs = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/osbkit/osb-go-sdk/cmd/osb#derived-guid"))

// orDerived is value, or when it is empty the GUID of field derived from the instance id: the
// same every time, so that repeating a provision repeats its request.
func orDerived(value, field, instanceID string) string {
	if value == "" {
		return uuid.NewSHA1(derivedGUIDs, []byte(field+"\x00"+instanceID)).String()
	}
	return value
}

// hint writes a line for the person at the terminal on stderr.
func (a *app) hint(format string, args ...any) {
	printf(a.stderr, format+"\n", args...)
}
