package api

import (
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
)

// coverageJSON is {"area","groups"} for the area's subtree, plus
// the same figures per child area for the drill-down.
type coverageJSON struct {
	org.Coverage
	Children []org.Coverage `json:"children"`
}

// coverage serves GET /stats/coverage?area=CODE. An unknown area is 404;
// a known one outside the caller's coverage scope is 403, because leaders
// must learn they lack the right, not that the district does not exist.
func (s *server) coverage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	code := r.URL.Query().Get("area")
	if code == "" {
		return errs.Invalid("area", "area is required: the code of the area to report on")
	}
	path, err := s.areaPath(r.Context(), "area", code)
	if errs.Code(err) == errs.EINVALID {
		return &errs.Error{Code: errs.ENOTFOUND, Message: "area " + code + " not found", Details: errs.DetailsOf(err)}
	} else if err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.CoverageRead, path); err != nil {
		return err
	}
	cov, children, err := s.Org.CoverageOf(r.Context(), p, code)
	if err != nil {
		return err
	}
	if children == nil {
		children = []org.Coverage{}
	}
	writeJSON(w, http.StatusOK, coverageJSON{Coverage: cov, Children: children})
	return nil
}
