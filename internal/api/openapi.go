package api

import (
	"net/http"
	"sync"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// serveOpenAPI returns the handler of GET /openapi.json, served without a
// token so tools can read it. The document is generated from the route
// table (OpenAPI) on the first request and kept for the server's life:
// building it takes milliseconds, too many to spend on every anonymous call.
func serveOpenAPI() handlerFunc {
	doc := sync.OnceValues(OpenAPI)
	return func(_ *server, w http.ResponseWriter, _ *http.Request, _ *auth.Principal) error {
		b, err := doc()
		if err != nil {
			return errs.Wrap(err, "openapi")
		}
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=300")
		w.Write(b)
		return nil
	}
}
