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

// FuzzDecodeIndex checks that no index file, however damaged, makes
// DecodeIndex panic or accept an entry outside its pack or of an
// impossible length, and that whatever it accepts encodes back to the same
// bytes.
func FuzzDecodeIndex(f *testing.F) {
	entry := len(Encode(key("a"), "dev", []byte("x")))
	good := EncodeIndex(Index{Version: "dev", PackSize: int64(2 * entry), Entries: []IndexEntry{
		{Key: key("a"), Offset: 0, Length: entry},
		{Key: key("b"), Offset: int64(entry), Length: entry},
	}})
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add(EncodeIndex(Index{Version: "v1.0.0"}))
	f.Add([]byte("PBKI"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := DecodeIndex(data)
		if err != nil {
			return
		}
		for _, e := range ix.Entries {
			if e.Offset < 0 || e.Length < headerFixed || e.Length > maxEntry || e.Offset+int64(e.Length) > ix.PackSize {
				t.Fatalf("accepted entry %+v of a pack of %d bytes", e, ix.PackSize)
			}
		}
		if again := EncodeIndex(ix); !bytes.Equal(again, data) {
			t.Fatalf("accepted index %q encodes back as %q", data, again)
		}
	})
}
