package openservicebrokerv1

import (
	"bytes"
	"encoding/json"
)

// UnmarshalJSON decodes the device of a volume mount in either shape a broker sends: an object,
// as OSB defines it (Binding, Volume Mount Object), or a string, as IBM's SDK models it. A string
// is taken as the volume ID, so that a broker written against IBM's model does not make a
// successful bind fail.
func (device *VolumeMountDevice) UnmarshalJSON(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '"' {
		var volumeID string
		if err := json.Unmarshal(trimmed, &volumeID); err != nil {
			return err
		}
		*device = VolumeMountDevice{VolumeID: &volumeID}
		return nil
	}
	// The conversion drops this method, so the object decodes field by field.
	type deviceObject VolumeMountDevice
	return json.Unmarshal(data, (*deviceObject)(device))
}
