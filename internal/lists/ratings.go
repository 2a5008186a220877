package lists

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// A finished project is rated by the residents it served, each once: whoever
// runs the project issues single-use codes (slips with a link and a QR code
// handed out at its last activity, or sent one by one), and a rating spends
// its code. No account, no app; one shared link would let anyone rate any
// number of times.

// RatingCode is one resident's link to rate a project.
type RatingCode struct {
	Code     string     `json:"code"`
	IssuedAt time.Time  `json:"issued_at"`
	UsedAt   *time.Time `json:"used_at,omitempty"`
}

// RatingCodes are a project's codes: the unused ones to print again, and how
// many were issued and used.
type RatingCodes struct {
	Items  []RatingCode `json:"items"`
	Issued int          `json:"issued"`
	Used   int          `json:"used"`
}

// Limits on issuing: a request covers one activity's attendance, a project
// at most a large residential area's households.
const (
	maxCodesPerIssue   = 500
	maxCodesPerProject = 5000
)

// CodeAlphabet (of rating codes) leaves out 0/O, 1/I/L so a code read off paper is typed right.
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newCode is 10 characters of CodeAlphabet, about 50 bits: guessing one of
// a few thousand live codes takes hundreds of millions of tries.
func newCode() (string, error) {
	var b [10]byte
	out := make([]byte, 0, len(b))
	for len(out) < len(b) {
		if _, err := rand.Read(b[:]); err != nil {
			return "", errs.Wrap(err, "code")
		}
		for _, c := range b {
			if int(c) < 256/len(CodeAlphabet)*len(CodeAlphabet) && len(out) < len(b) { // no modulo bias
				out = append(out, CodeAlphabet[int(c)%len(CodeAlphabet)])
			}
		}
	}
	return string(out), nil
}

// NormalizeCode is a code as typed: spaces and dashes dropped, upper case.
func NormalizeCode(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\u3000", "").Replace(strings.TrimSpace(s)))
}

// projectToRun reads a project p runs: staff who may write lists there, or
// its lead unit's liaison. One p cannot see is not found.
func (s *Service) projectToRun(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (Project, error) {
	pr, err := s.project(ctx, q, id)
	if err != nil {
		return pr, err
	}
	if !s.canSeeProject(ctx, p, pr) {
		return Project{}, errs.New(errs.ENOTFOUND, "no such project")
	}
	err = auth.Authorize(p, auth.ListsWrite, pr.AreaPath)
	if err != nil && pr.LeadUnitID != nil && auth.AuthorizeUnit(p, auth.ResourceOffer, pr.AreaPath, pr.LeadUnitID) == nil {
		err = nil
	}
	return pr, err
}

// IssueRatingCodes makes n single-use rating codes for a project that is not
// cancelled (they may be handed out before it is done; they work once it is).
func (s *Service) IssueRatingCodes(ctx context.Context, p *auth.Principal, projectID int64, n int) ([]RatingCode, error) {
	if n < 1 || n > maxCodesPerIssue {
		return nil, errs.Invalid("count", "issue 1 to %d codes at a time", maxCodesPerIssue)
	}
	var codes []RatingCode
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		pr, err := s.projectToRun(ctx, tx, p, projectID)
		if err != nil {
			return err
		}
		if pr.Status == "cancelled" {
			return errs.New(errs.ECONFLICT, "the project was cancelled; nobody can rate it")
		}
		var have int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM project_rating_codes WHERE project_id = ?`, projectID).Scan(&have); err != nil {
			return errs.Wrap(err, "count codes")
		}
		if have+n > maxCodesPerProject {
			return errs.Invalid("count", "a project has at most %d codes; %d are issued already", maxCodesPerProject, have)
		}
		now := s.clock.Now()
		ins := db.NewBulkInsert(tx, "project_rating_codes", []string{"project_id", "code", "issued_by", "issued_at"})
		for range n {
			c, err := newCode()
			if err != nil {
				return err
			}
			codes = append(codes, RatingCode{Code: c, IssuedAt: now})
			if err := ins.Add(ctx, projectID, c, userID(p), now); err != nil {
				return errs.Wrap(err, "issue codes")
			}
		}
		if err := ins.Close(ctx); err != nil {
			return errs.Wrap(err, "issue codes")
		}
		return record(ctx, tx, now, p, "project", projectID, pr.AreaPath, "rating_codes", "", map[string]int{"count": n})
	})
	return codes, err
}

// ProjectRatingCodes lists a project's unused codes (newest first) with
// the counts, for whoever runs it.
func (s *Service) ProjectRatingCodes(ctx context.Context, p *auth.Principal, projectID int64) (RatingCodes, error) {
	rc := RatingCodes{Items: []RatingCode{}}
	if _, err := s.projectToRun(ctx, s.db, p, projectID); err != nil {
		return rc, err
	}
	if err := s.db.QueryRow(ctx, `SELECT count(*), count(used_at) FROM project_rating_codes WHERE project_id = ?`, projectID).Scan(&rc.Issued, &rc.Used); err != nil {
		return rc, errs.Wrap(err, "count codes")
	}
	var err error
	rc.Items, err = db.All(ctx, s.db, `SELECT code, issued_at FROM project_rating_codes WHERE project_id = ? AND used_at IS NULL ORDER BY id DESC`,
		[]any{projectID}, func(r db.Scanner) (RatingCode, error) {
			var c RatingCode
			err := r.Scan(&c.Code, &c.IssuedAt)
			return c, err
		})
	return rc, errs.Wrap(err, "codes")
}

// PublicProject is what a rating link shows: no names of people, no phones.
type PublicProject struct {
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	LeadName string `json:"lead_name"`
	Status   string `json:"status"`
	Used     bool   `json:"used"`     // this link has rated already
	CanRate  bool   `json:"can_rate"` // done or evaluated, and the link unused
}

// ProjectByCode is the project a rating code names.
func (s *Service) ProjectByCode(ctx context.Context, code string) (PublicProject, error) {
	var pp PublicProject
	var used *time.Time
	err := s.db.QueryRow(ctx, `SELECT p.title, p.summary, p.lead_name, p.status, c.used_at
		FROM project_rating_codes c JOIN projects p ON p.id = c.project_id WHERE c.code = ?`, NormalizeCode(code)).
		Scan(&pp.Title, &pp.Summary, &pp.LeadName, &pp.Status, &used)
	if err != nil {
		return pp, db.NotFound(err, "rating code")
	}
	pp.Used = used != nil
	pp.CanRate = !pp.Used && (pp.Status == "done" || pp.Status == "evaluated")
	return pp, nil
}

// RateProject records a served resident's rating (1–5) through their code,
// once the project is done; the code is spent in the same transaction.
func (s *Service) RateProject(ctx context.Context, code string, score int, comment string) error {
	if score < 1 || score > 5 {
		return errs.Invalid("score", "choose 1 to 5 stars")
	}
	comment = strings.TrimSpace(comment)
	if len([]rune(comment)) > 500 {
		return errs.Invalid("comment", "at most 500 characters")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var codeID, projectID int64
		var status string
		var used *time.Time
		err := tx.QueryRow(ctx, `SELECT c.id, c.project_id, p.status, c.used_at FROM project_rating_codes c JOIN projects p ON p.id = c.project_id
			WHERE c.code = ?`, NormalizeCode(code)).Scan(&codeID, &projectID, &status, &used)
		if err != nil {
			return db.NotFound(err, "rating code")
		}
		if used != nil {
			return errs.New(errs.ECONFLICT, "this link has rated the project already; each link rates once")
		}
		if status != "done" && status != "evaluated" {
			return errs.New(errs.ECONFLICT, "the project can be rated once it is done")
		}
		now := s.clock.Now()
		id, err := db.InsertID(ctx, tx, `INSERT INTO project_ratings (project_id, score, comment, at) VALUES (?, ?, ?, ?)`, projectID, score, comment, now)
		if err != nil {
			return errs.Wrap(err, "rate project")
		}
		// Spent only if nobody spent it meanwhile: two taps of one link rate once.
		res, err := tx.Exec(ctx, `UPDATE project_rating_codes SET used_at = ?, rating_id = ? WHERE id = ? AND used_at IS NULL`, now, id, codeID)
		if err != nil {
			return errs.Wrap(err, "spend code")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.ECONFLICT, "this link has rated the project already; each link rates once")
		}
		return nil
	})
}
