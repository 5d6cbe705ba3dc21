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

// provisionContext is the context of a provision, which the spec requires to place the
// instance (Provisioning, Body: organization_guid and space_guid): without flags, the
// cloudfoundry profile with generated GUIDs, said on stderr. It also returns the
// organization_guid and space_guid to send: the cloudfoundry GUIDs, or the kubernetes
// profile's cluster id and namespace, as Kubernetes' service catalog sent them.
func (a *app) provisionContext(c contextFlags) (context *openservicebrokerv1.Context, organizationGUID, spaceGUID string, err error) {
	platform := a.flags.platform
	if platform == "" {
		platform = openservicebrokerv1.PlatformCloudFoundry
	}
	if platform == openservicebrokerv1.PlatformCloudFoundry && (c.organizationGUID == "" || c.spaceGUID == "") {
		if c.organizationGUID == "" {
			c.organizationGUID = uuid.NewString()
		}
		if c.spaceGUID == "" {
			c.spaceGUID = uuid.NewString()
		}
		a.hint("context: platform cloudfoundry, organization_guid %s, space_guid %s (generated; set --org-guid and --space-guid to choose)", c.organizationGUID, c.spaceGUID)
	}
	if context, err = c.build(platform); err != nil {
		return nil, "", "", err
	}
	switch platform {
	case openservicebrokerv1.PlatformCloudFoundry:
		return context, c.organizationGUID, c.spaceGUID, nil
	case openservicebrokerv1.PlatformKubernetes:
		if c.namespace == "" || c.clusterID == "" {
			return nil, "", "", usageError{errors.New("the kubernetes profile places an instance by --namespace and --cluster-id; set both")}
		}
		return context, c.clusterID, c.namespace, nil
	}
	if c.organizationGUID == "" || c.spaceGUID == "" {
		return nil, "", "", usageError{fmt.Errorf("provisioning requires organization_guid and space_guid (Provisioning, Body); for --platform %s set --org-guid and --space-guid", platform)}
	}
	return context, c.organizationGUID, c.spaceGUID, nil
}

// hint writes a line for the person at the terminal on stderr.
func (a *app) hint(format string, args ...any) {
	fmt.Fprintf(a.stderr, format+"\n", args...)
}
