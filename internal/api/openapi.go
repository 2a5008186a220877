package api

import (
	_ "embed"
	"net/http"

	"gongzhi/internal/auth"
)

// openapiJSON is the hand-written OpenAPI 3.0 document of this API. A test
// checks that it names every route of the route table.
//
//go:embed openapi.json
var openapiJSON []byte

// openAPI serves GET /openapi.json, without a token so tools can read it.
func (s *server) openAPI(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	w.Write(openapiJSON)
	return nil
}
