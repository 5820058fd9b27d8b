package preview

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// A page on another site can make its own name resolve to 127.0.0.1 (DNS
// rebinding) and then read the preview: the preview answers only Host
// names that are loopback or the address it is bound to.
func TestHostsRefusesOtherNames(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("page")) })
	for _, tc := range []struct {
		bind, host string
		code       int
	}{
		{"127.0.0.1", "127.0.0.1:1313", 200},
		{"127.0.0.1", "localhost:1313", 200},
		{"127.0.0.1", "LOCALHOST.:1313", 200},
		{"127.0.0.1", "docs.localhost:1313", 200},
		{"127.0.0.1", "127.8.9.10", 200},
		{"127.0.0.1", "[::1]:1313", 200},
		{"127.0.0.1", "[::ffff:127.0.0.1]:1313", 200},
		{"127.0.0.1", "attacker.example:1313", 403},
		{"127.0.0.1", "attacker.example", 403},
		{"127.0.0.1", "localhost.attacker.example", 403},
		{"127.0.0.1", "127.0.0.1.nip.io", 403},
		{"127.0.0.1", "192.168.1.5:1313", 403},
		{"127.0.0.1", "", 403},
		{"192.168.1.5", "192.168.1.5:1313", 200},
		{"192.168.1.5", "192.168.1.6:1313", 403},
		{"192.168.1.5", "evil.example:1313", 403},
		{"devbox.lan", "devbox.lan:1313", 200},
		{"devbox.lan", "evil.example:1313", 403},
		{"0.0.0.0", "devbox.lan:1313", 200},
		{"::", "anything.example", 200},
	} {
		h := &Hosts{Bind: tc.bind, Next: ok}
		req := httptest.NewRequest("GET", "/", nil)
		req.Host = tc.host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.code {
			t.Errorf("--bind %s, Host %q: %d, want %d (%s)", tc.bind, tc.host, rec.Code, tc.code, rec.Body)
		}
		if tc.code == 403 && rec.Body.String() == "page" {
			t.Errorf("--bind %s, Host %q: the page was served", tc.bind, tc.host)
		}
	}
}
