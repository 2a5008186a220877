package open311

import (
	"context"
	"net/http"
	"strings"
)

// Specification is the token discovery uses for GeoReport v2.
const Specification = "http://wiki.open311.org/GeoReport_v2"

// discoveryDoc is the Service Discovery document.
type discoveryDoc struct {
	Changeset  string     `json:"changeset" xml:"changeset"`
	Contact    string     `json:"contact" xml:"contact"`
	KeyService string     `json:"key_service" xml:"key_service"`
	Endpoints  []endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

// endpoint is one API the discovery document points to.
type endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

// discovery serves discovery.{xml,json}. Its changeset is when this process
// started: categories (services) are cached by clients, and a restart after
// a release is the moment their definitions are most likely to have changed.
func (h *handler) discovery(_ context.Context, w http.ResponseWriter, r *http.Request, f format, _ string) {
	if !h.jurisdiction(w, f, r.URL.Query().Get("jurisdiction_id")) {
		return
	}
	site := h.site(r)
	contact := h.Contact
	if contact == "" {
		contact = "请联系区党建引领基层治理平台管理员 / Contact the district's gongzhi administrators: " + site
	}
	h.send(w, f, "discovery", "", discoveryDoc{
		Changeset: h.changeset,
		Contact:   contact,
		KeyService: "api_key 即平台的 API 令牌：登录后在 " + site + "/tokens 创建 / " +
			"The api_key is a gongzhi API token: sign in and create one at " + site + "/tokens",
		Endpoints: []endpoint{{Specification: Specification, URL: site + strings.TrimSuffix(Prefix, "/"),
			Changeset: h.changeset, Type: "production", Formats: mimeTypes}},
	})
}

// site is the public root URL: BaseURL, or the scheme and host the request came to.
func (h *handler) site(r *http.Request) string {
	if h.BaseURL != "" {
		return strings.TrimSuffix(h.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
