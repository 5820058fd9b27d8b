package buildcache

import (
	"bytes"
	"testing"
)

// FuzzDecode checks that no entry file, however damaged, makes Decode
// panic or return a value whose checksum, key or version is not the one
// asked for: whatever it accepts encodes back to the same bytes.
func FuzzDecode(f *testing.F) {
	k := key("a")
	f.Add(Encode(k, "dev", []byte("<pre>x</pre>")), "dev")
	f.Add(Encode(k, "v1.0.0", nil), "v1.0.0")
	f.Add(Encode(k, "dev", []byte("x"))[:20], "dev")
	f.Add([]byte("PBKC"), "")
	f.Fuzz(func(t *testing.T, data []byte, version string) {
		value, err := Decode(data, k, version)
		if err != nil {
			if value != nil {
				t.Fatalf("Decode returned %q with error %v", value, err)
			}
			return
		}
		if again := Encode(k, version, value); !bytes.Equal(again, data) {
			t.Fatalf("accepted entry %q encodes back as %q", data, again)
		}
	})
}
