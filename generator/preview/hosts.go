package preview

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Hosts guards a preview server against DNS rebinding: a page on another
// site whose name is made to resolve to 127.0.0.1 could otherwise read
// the preview, drafts included, and its search API. Requests whose Host
// header is not a loopback name get 403 Forbidden.
//
// Loopback names are "localhost" and names under ".localhost" (RFC 6761
// has them resolve to loopback, and browsers never ask DNS for them),
// 127.0.0.0/8 and ::1. The address the server is bound to (bind, as
// given to --bind) is accepted too; an unspecified address (0.0.0.0 or
// ::), which shares the preview with the network, accepts every Host,
// since the server is then reachable under names it cannot know.
type Hosts struct {
	// Bind is the address the server listens on: an IP address or a
	// host name, without the port.
	Bind string
	Next http.Handler
}

func (h *Hosts) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.Allowed(r.Host) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("403 forbidden: the preview answers only at localhost, a loopback address or the address it is bound to (--bind), not at this Host name\n"))
		return
	}
	h.Next.ServeHTTP(w, r)
}

// Allowed reports whether a Host header (name or address, with or
// without a port) may reach the preview.
func (h *Hosts) Allowed(host string) bool {
	if ip, err := netip.ParseAddr(strings.Trim(h.Bind, "[]")); err == nil && ip.IsUnspecified() {
		return true
	}
	name := host
	if n, _, err := net.SplitHostPort(host); err == nil {
		name = n
	}
	name = strings.TrimSuffix(strings.ToLower(strings.Trim(name, "[]")), ".")
	if name == "" {
		return false
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	if ip, err := netip.ParseAddr(name); err == nil {
		if ip.Zone() != "" {
			return false
		}
		if ip.Unmap().IsLoopback() {
			return true
		}
		bind, err := netip.ParseAddr(strings.Trim(h.Bind, "[]"))
		return err == nil && bind.Unmap() == ip.Unmap()
	}
	return name == strings.TrimSuffix(strings.ToLower(h.Bind), ".")
}
