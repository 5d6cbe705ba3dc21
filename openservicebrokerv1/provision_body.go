package openservicebrokerv1

import "strings"

// completeProvisionBody gives a provision request the organization_guid and space_guid that
// Provisioning, Body requires, taking what the caller did not set from the context's profile:
// cloudfoundry has both GUIDs, and kubernetes maps its cluster to the organization and its
// namespace to the space, as Kubernetes' service catalog did. It works on the request body, never
// on the caller's Options. Without a value from either source the request is refused before it is
// sent.
func completeProvisionBody(body *replaceServiceInstanceBody) error {
	organization, space := profileOrganizationAndSpace(body.Context)
	body.OrganizationGUID = firstSet(body.OrganizationGUID, organization)
	body.SpaceGUID = firstSet(body.SpaceGUID, space)
	var missing []string
	if isBlank(body.OrganizationGUID) {
		missing = append(missing, "organization_guid")
	}
	if isBlank(body.SpaceGUID) {
		missing = append(missing, "space_guid")
	}
	if len(missing) == 0 {
		return nil
	}
	return &ParameterError{
		Operation: "ReplaceServiceInstance",
		Parameter: strings.Join(missing, " and "),
		Problem: "must be set: OSB v2.17 requires organization_guid and space_guid in every provision request " +
			"(Provisioning, Body); set them with SetOrganizationGUID and SetSpaceGUID, or send a Context whose " +
			"platform is cloudfoundry (with OrganizationGuid and SpaceGuid) or kubernetes (with ClusterID and Namespace)",
	}
}

// profileOrganizationAndSpace returns what the context's profile offers for the organization and
// the space (profile.md, Context Object); nil for a profile without equivalents.
func profileOrganizationAndSpace(context *Context) (organization, space *string) {
	if context == nil || context.Platform == nil {
		return nil, nil
	}
	switch *context.Platform {
	case PlatformCloudFoundry:
		return context.OrganizationGuid, context.SpaceGuid
	case PlatformKubernetes:
		return context.ClusterID, context.Namespace
	}
	return nil, nil
}

// firstSet returns value unless it is unset or blank, and fallback otherwise.
func firstSet(value, fallback *string) *string {
	if isBlank(value) {
		return fallback
	}
	return value
}

func isBlank(value *string) bool {
	return value == nil || strings.TrimSpace(*value) == ""
}
