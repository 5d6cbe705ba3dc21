// Package testkit holds the helpers that the project's tests share: a hermetic environment, a
// fake clock, a timed cancellation, a goroutine-safe buffer, a test PKI and the identifiers every
// provision needs.
// It is imported by test files only.
package testkit

// OrganizationGUID and SpaceGUID are the platform organization and space that tests provision
// into; Provisioning, Body requires both in every provision request.
const (
	OrganizationGUID = "f4663bbe-e8ea-478c-8956-e3afee1087ab"
	SpaceGUID        = "54557f98-83f0-4eca-ae04-9ea35277a539"
)
