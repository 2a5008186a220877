package suggest

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Use is what an intake form showed when a demand was filed: the
// suggestions as they were last shown (the Suggestion the form got, its
// Model included). The demand itself says what the operator filed in the
// end. Recording a use files and dispatches nothing.
type Use struct {
	DemandID   int64       `json:"demand_id"`
	Model      string      `json:"model"`          // the Suggestion's model
	Categories []Suggested `json:"categories"`     // as shown, likeliest first; category and p are read
	Lead       string      `json:"lead,omitempty"` // the body suggested, if one was
}

// RecordWindow is how long after filing a demand its use may be recorded.
const RecordWindow = 24 * time.Hour

// Sources of a use.
const (
	SourceWeb = "web"
	SourceAPI = "api"
)

// Rank is where picked stands among the suggested categories: 1 for the
// first, up to 3, 0 when it is not among them.
func Rank(picked string, suggested []string) int {
	for i, c := range suggested {
		if i >= 3 {
			break
		}
		if c == picked {
			return i + 1
		}
	}
	return 0
}

// Receipt is a Suggestion as the web form keeps it in a hidden field:
// "model|noise:0.8312,road:0.1021|lead". ParseReceipt reads it back.
func Receipt(s Suggestion) string {
	if s.Model == "" || len(s.Categories) == 0 {
		return ""
	}
	parts := make([]string, len(s.Categories))
	for i, c := range s.Categories {
		parts[i] = c.Category + ":" + strconv.FormatFloat(c.P, 'f', 4, 64)
	}
	return s.Model + "|" + strings.Join(parts, ",") + "|" + s.Lead
}

// ParseReceipt reads a Receipt; ok is false for anything else.
func ParseReceipt(r string) (u Use, ok bool) {
	f := strings.Split(r, "|")
	if len(f) != 3 || f[0] == "" || f[1] == "" {
		return Use{}, false
	}
	u.Model, u.Lead = f[0], f[2]
	for _, c := range strings.Split(f[1], ",") {
		code, p, found := strings.Cut(c, ":")
		x, err := strconv.ParseFloat(p, 64)
		if !found || err != nil {
			return Use{}, false
		}
		u.Categories = append(u.Categories, Suggested{Category: code, P: x})
	}
	return u, true
}

// check names what is wrong with u.
func (u Use) check() error {
	var ds []errs.Detail
	if u.DemandID < 1 {
		ds = append(ds, errs.D("demand_id", "demand_id is the number of the demand filed"))
	}
	if u.Model == "" || len(u.Model) > 64 {
		ds = append(ds, errs.D("model", "model is the suggestion's model, as the suggestion gave it"))
	}
	if len(u.Categories) == 0 || len(u.Categories) > 3 {
		ds = append(ds, errs.D("categories", "categories are the one to three categories shown, likeliest first"))
	}
	seen := map[string]bool{}
	for _, c := range u.Categories {
		if c.Category == "" || len(c.Category) > 40 || seen[c.Category] || c.P < 0 || c.P > 1 {
			ds = append(ds, errs.D("categories", "each category shown once, with p between 0 and 1"))
			break
		}
		seen[c.Category] = true
	}
	if len(u.Lead) > 64 {
		ds = append(ds, errs.D("lead", "lead is an area code or unit:ID, as the suggestion gave it"))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// Record keeps what was suggested for a demand the caller filed in the
// last RecordWindow, beside what was filed: its category and the body it
// was dispatched to on filing, if any. Once per demand.
func (s *Service) Record(ctx context.Context, p *auth.Principal, u Use, source string) (Recorded, error) {
	if err := auth.AuthorizeAny(p, auth.DemandIntake); err != nil {
		return Recorded{}, err
	}
	if err := u.check(); err != nil {
		return Recorded{}, err
	}
	now := s.clock.Now()
	var rec Recorded
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var cat, path, leadArea string
		var unit *int64
		var at time.Time
		err := tx.QueryRow(ctx, `SELECT category_code, area_path, COALESCE(lead_area, ''), lead_unit_id, created_at FROM demands WHERE id = ?`, u.DemandID).
			Scan(&cat, &path, &leadArea, &unit, &at)
		if err != nil {
			return db.NotFound(err, "demand")
		}
		if auth.Authorize(p, auth.DemandIntake, path) != nil {
			return errs.New(errs.ENOTFOUND, "demand not found")
		}
		if now.Sub(at) > RecordWindow {
			return errs.Invalid("demand_id", "suggestions are recorded for a demand filed in the last 24 hours")
		}
		picked := leadArea
		if unit != nil {
			picked = "unit:" + strconv.FormatInt(*unit, 10)
		}
		codes := make([]string, len(u.Categories))
		parts := make([]string, len(u.Categories))
		for i, c := range u.Categories {
			codes[i], parts[i] = c.Category, c.Category+":"+strconv.FormatFloat(c.P, 'f', 4, 64)
		}
		var by any
		if id, _ := p.Actor(); id != nil {
			by = *id
		}
		rec = Recorded{DemandID: u.DemandID, Category: cat, Lead: picked, Rank: Rank(cat, codes)}
		_, err = tx.Exec(ctx, `INSERT INTO suggestion_uses (demand_id, area_path, model, suggested, suggested_lead, picked_category, picked_lead, rank, source, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.DemandID, path, u.Model, strings.Join(parts, ","), u.Lead, cat, picked, rec.Rank, source, by, now)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.New(errs.ECONFLICT, "the suggestions for this demand are already recorded")
		}
		return errs.Wrap(err, "record suggestion use")
	})
	return rec, err
}

// Recorded is what a recorded use says: what was filed, and where it stood
// among the suggestions.
type Recorded struct {
	DemandID int64  `json:"demand_id"`
	Category string `json:"category"`       // filed
	Lead     string `json:"lead,omitempty"` // dispatched to on filing
	Rank     int    `json:"rank"`           // 1–3 among the suggestions, 0 not among them
}

// RealUse is how the suggestions did on the demands filed where they were
// shown, in the caller's scope: top-1 and top-3 against the category filed,
// per filed category (worst first), and how often a suggested body was the
// one dispatched to.
type RealUse struct {
	N          int                `json:"n"`    // demands filed where suggestions were shown
	Top1       int                `json:"top1"` // of them, filed in the first suggested category
	Top3       int                `json:"top3"` // filed in one of the suggested categories
	ByCategory []CategoryAccuracy `json:"by_category"`
	Leads      int                `json:"leads"`     // uses with a body suggested and one dispatched to
	LeadHits   int                `json:"lead_hits"` // of those, the same body
}

// Uses measures the recorded uses in the caller's scope.
func (s *Service) Uses(ctx context.Context, p *auth.Principal) (RealUse, error) {
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return RealUse{}, err
	}
	cond, args := auth.ScopeSQL(s.db.D(), p, auth.DemandRead, "area_path")
	type row struct {
		cat, sLead, pLead string
		rank              int
	}
	var out RealUse
	by := map[string]*CategoryAccuracy{}
	err := db.Each(ctx, s.db, `SELECT picked_category, rank, suggested_lead, picked_lead FROM suggestion_uses WHERE `+cond, args,
		func(r db.Scanner) (row, error) {
			var x row
			err := r.Scan(&x.cat, &x.rank, &x.sLead, &x.pLead)
			return x, err
		}, func(x row) error {
			c := by[x.cat]
			if c == nil {
				c = &CategoryAccuracy{Category: x.cat}
				by[x.cat] = c
			}
			out.N++
			c.N++
			if x.rank == 1 {
				out.Top1++
				c.Top1++
			}
			if x.rank >= 1 {
				out.Top3++
				c.Top3++
			}
			if x.sLead != "" && x.pLead != "" {
				out.Leads++
				if x.sLead == x.pLead {
					out.LeadHits++
				}
			}
			return nil
		})
	if err != nil {
		return RealUse{}, errs.Wrap(err, "suggestion uses")
	}
	out.ByCategory = []CategoryAccuracy{}
	for _, c := range by {
		out.ByCategory = append(out.ByCategory, *c)
	}
	sort.Slice(out.ByCategory, func(i, j int) bool {
		x, y := out.ByCategory[i], out.ByCategory[j]
		if sx, sy := Share(x.Top1, x.N), Share(y.Top1, y.N); sx != sy {
			return sx < sy
		}
		return x.Category < y.Category
	})
	return out, nil
}
