package ingress

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies in front of the ingress. Forwarding headers
// are believed only on a request whose TCP peer is one of them; anyone else
// could write any X-Forwarded-For they like.
type Proxies []netip.Prefix

// trusts reports whether addr is a trusted proxy.
func (p Proxies) trusts(addr netip.Addr) bool {
	for _, pre := range p {
		if pre.Contains(addr) {
			return true
		}
	}
	return false
}

// peer is the TCP peer of r. An unparsable RemoteAddr (only seen in tests) is
// the zero Addr, which no prefix contains.
func peer(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// ClientAddr is the address that sent r: the TCP peer, or, when the peer is a
// trusted proxy, the right-most X-Forwarded-For entry that is not itself a
// trusted proxy (entries further left were written by the client and prove nothing).
func (p Proxies) ClientAddr(r *http.Request) netip.Addr {
	addr := peer(r)
	if !p.trusts(addr) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{} // a garbled chain proves nothing: match no allowlist
		}
		if hop = hop.Unmap(); !p.trusts(hop) {
			return hop
		}
		addr = hop
	}
	return addr
}

// PublicURL is the URL the sender called: scheme, host and request URI as
// received, or as a trusted proxy says it received them.
func (p Proxies) PublicURL(r *http.Request) string {
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if p.trusts(peer(r)) {
		if v := firstValue(r.Header.Get("X-Forwarded-Proto")); v != "" {
			scheme = v
		}
		if v := firstValue(r.Header.Get("X-Forwarded-Host")); v != "" {
			host = v
		}
	}
	uri := r.RequestURI // as sent, escapes and all
	if !strings.HasPrefix(uri, "/") {
		uri = r.URL.RequestURI() // absolute-form or a hand-built request
	}
	return scheme + "://" + host + uri
}

// firstValue is the first entry of a comma-separated forwarding header: the
// one the outermost trusted proxy saw.
func firstValue(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}

// allowed reports whether addr is in one of the prefixes; no prefixes allow all.
func allowed(prefixes []netip.Prefix, addr netip.Addr) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
