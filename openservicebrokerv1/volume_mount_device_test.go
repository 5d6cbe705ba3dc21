package openservicebrokerv1

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVolumeMountDevice_DecodesAnObjectOrAString(t *testing.T) {
	cases := map[string]struct {
		device string
		want   *VolumeMountDevice
	}{
		"object, as OSB defines it": {
			device: `{"volume_id": "vol-1", "mount_config": {"uid": "1000"}}`,
			want:   &VolumeMountDevice{VolumeID: core.StringPtr("vol-1"), MountConfig: map[string]any{"uid": "1000"}},
		},
		"string, as IBM's SDK models it": {device: ` "vol-1"`, want: &VolumeMountDevice{VolumeID: core.StringPtr("vol-1")}},
		"null":                           {device: `null`, want: nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var mount VolumeMount

			require.NoError(t, json.Unmarshal([]byte(`{"driver": "nfs", "device": `+c.device+`}`), &mount))

			assert.Equal(t, c.want, mount.Device)
			assert.Equal(t, "nfs", *mount.Driver)
		})
	}
}

func TestVolumeMountDevice_RejectsOtherShapes(t *testing.T) {
	for _, device := range []string{`42`, `["vol-1"]`, `{"volume_id": 7}`} {
		var mount VolumeMount

		assert.Error(t, json.Unmarshal([]byte(`{"device": `+device+`}`), &mount), device)
	}
}

func TestReplaceServiceBinding_SucceedsWhenTheBrokerSendsTheDeviceAsAString(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusCreated, `{"volume_mounts": [{"driver": "nfs", "container_dir": "/data", "mode": "rw",
		"device_type": "shared", "device": "vol-1"}]}`)

	result, _, err := client.ReplaceServiceBinding(client.NewReplaceServiceBindingOptions(mockBindingID, mockInstanceID).
		SetServiceID(mockServiceID).SetPlanID(mockPlanID))

	require.NoError(t, err)
	require.Len(t, result.VolumeMounts, 1)
	assert.Equal(t, "vol-1", *result.VolumeMounts[0].Device.VolumeID)
}
