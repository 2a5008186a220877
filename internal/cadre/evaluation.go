package cadre

import (
	"context"
	"database/sql"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Figures are what the platform's own records say of a cadre's area in a
// year (考核数据): no logins, clicks or time in the app.
type Figures struct {
	Year int `json:"year"`
	// Demands received in the area's subtree in the year (merged duplicates
	// and approved unreasonable demands left out), those answered
	// (resolved) and those answered by their deadline (an approved
	// extension moves it).
	Demands  int    `json:"demands"`
	Answered int    `json:"answered"`
	OnTime   int    `json:"on_time"`
	OnTimeR  string `json:"on_time_rate"` // on_time / demands, percent; "" when no demands
	// Service projects of the area's subtree that ran in the year
	// (running, done or evaluated, created before its end, not ended before it).
	Projects int `json:"projects"`
	// Members dual-reported to the area's subtree, and those of them with
	// verified service in the year (members followed up, 报到党员服务率).
	Reported    int    `json:"reported"`
	Served      int    `json:"served"`
	ServedR     string `json:"served_rate"`
	TrainingMin int    `json:"training_minutes"`
	TrainingH   string `json:"training_hours"`
}

// Evaluation is a cadre's yearly evaluation: the figures as saved, the
// reviewer's score (0–100), review and evidence.
type Evaluation struct {
	ID        int64     `json:"id"`
	CadreID   int64     `json:"cadre_id"`
	Cadre     string    `json:"cadre"`
	Kind      string    `json:"kind"`
	Batch     int       `json:"batch"`
	AreaName  string    `json:"area_name"`
	Figures   Figures   `json:"figures"`
	Score     int       `json:"score"`
	Review    string    `json:"review"`
	Evidence  string    `json:"evidence"`
	Reviewer  string    `json:"reviewer"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EvalInput is the reviewer's part of an evaluation.
type EvalInput struct {
	Score    *int   `json:"score"`
	Review   string `json:"review"`
	Evidence string `json:"evidence"` // what the score rests on: the figures read, documents, visits
}

// yearBounds is [Jan 1, next Jan 1) of y in Asia/Shanghai.
func yearBounds(y int) (time.Time, time.Time) {
	from := time.Date(y, time.January, 1, 0, 0, 0, 0, clock.Shanghai)
	return from.UTC(), from.AddDate(1, 0, 0).UTC()
}

// figures computes the figures of the area at path for year y.
func figures(ctx context.Context, q db.Querier, d db.Dialect, cadreID int64, path string, y int) (Figures, error) {
	f := Figures{Year: y}
	from, to := yearBounds(y)
	sub, subArg := area.Subtree(d, "area_path", path)
	// The year is tested in the sums, not the WHERE clause, and duplicates
	// by COALESCE: either in the WHERE clause made SQLite walk the created
	// or duplicates index over the whole district instead of the area's.
	in := "created_at >= ? AND created_at < ?"
	err := q.QueryRow(ctx, `SELECT COALESCE(sum(CASE WHEN `+in+` THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN `+in+` AND resolved_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN `+in+` AND resolved_at IS NOT NULL AND resolved_at <= COALESCE(ext_due, resolve_due) THEN 1 ELSE 0 END), 0)
		FROM demands WHERE `+sub+` AND COALESCE(duplicate_of, 0) = 0 AND status <> 'merged' AND unreasonable <> 'approved'`,
		from, to, from, to, from, to, subArg).Scan(&f.Demands, &f.Answered, &f.OnTime)
	if err != nil {
		return f, errs.Wrap(err, "cadre figures: demands")
	}
	f.OnTimeR = Rate(f.OnTime, f.Demands)
	ys := strconv.Itoa(y)
	err = q.QueryRow(ctx, `SELECT count(*) FROM projects WHERE `+sub+` AND status IN ('running', 'done', 'evaluated')
		AND created_at < ? AND (ends_on = '' OR ends_on >= ?)`, subArg, to, ys+"-01-01").Scan(&f.Projects)
	if err != nil {
		return f, errs.Wrap(err, "cadre figures: projects")
	}
	rsub, rArg := area.Subtree(d, "r.area_path", path)
	err = q.QueryRow(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN EXISTS (SELECT 1 FROM member_service sv WHERE sv.member_id = r.member_id
		AND sv.ended_at >= ? AND sv.ended_at < ?) THEN 1 ELSE 0 END), 0) FROM member_reports r WHERE `+rsub, from, to, rArg).Scan(&f.Reported, &f.Served)
	if err != nil {
		return f, errs.Wrap(err, "cadre figures: members")
	}
	f.ServedR = Rate(f.Served, f.Reported)
	err = q.QueryRow(ctx, `SELECT COALESCE(sum(minutes), 0) FROM cadre_trainings WHERE cadre_id = ? AND held_on >= ? AND held_on < ?`,
		cadreID, ys+"-01-01", strconv.Itoa(y+1)+"-01-01").Scan(&f.TrainingMin)
	f.TrainingH = Hours(f.TrainingMin)
	return f, errs.Wrap(err, "cadre figures: training")
}

// FiguresOf computes a cadre's figures for year y as they stand now.
func (s *Service) FiguresOf(ctx context.Context, p *auth.Principal, id int64, y int) (Figures, error) {
	if !ValidYear(y) {
		return Figures{}, errs.Invalid("year", "give a year such as 2025")
	}
	c, err := s.readable(ctx, p, id)
	if err != nil {
		return Figures{}, err
	}
	return figures(ctx, s.db, s.db.Dialect, id, c.AreaPath, y)
}

// Evaluate writes (or rewrites) a cadre's evaluation of year y: the
// figures computed now, with the reviewer's score, review and evidence.
// Reviewers hold cadre.review on the cadre's area; nobody reviews themself.
func (s *Service) Evaluate(ctx context.Context, p *auth.Principal, id int64, y int, in EvalInput) (Evaluation, error) {
	var ds []errs.Detail
	if !ValidYear(y) {
		ds = append(ds, errs.D("year", "give a year such as 2025"))
	} else if y > s.clock.Now().In(clock.Shanghai).Year() {
		ds = append(ds, errs.D("year", "a year is evaluated once it has begun"))
	}
	if in.Score == nil || *in.Score < 0 || *in.Score > 100 {
		ds = append(ds, errs.D("score", "give a score from 0 to 100"))
	}
	in.Review = text(&ds, "review", in.Review, maxText, errs.D("review", "give the written review"))
	in.Evidence = text(&ds, "evidence", in.Evidence, maxText, errs.D("evidence", "give the evidence the score rests on"))
	if len(ds) > 0 {
		return Evaluation{}, errs.Fields(ds)
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.get(ctx, tx, id)
		if errs.Code(err) == errs.ENOTFOUND || (err == nil && auth.Authorize(p, auth.CadreRead, c.AreaPath) != nil) {
			return notFound(p)
		} else if err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.CadreReview, c.AreaPath); err != nil {
			return err
		}
		if c.UserID != nil && p.UserID != 0 && *c.UserID == p.UserID {
			return errs.New(errs.EFORBIDDEN, "a cadre does not review their own evaluation")
		}
		f, err := figures(ctx, tx, s.db.Dialect, id, c.AreaPath, y)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		var before any
		var old int64
		switch err := tx.QueryRow(ctx, "SELECT id FROM cadre_evaluations WHERE cadre_id = ? AND year = ?", id, y).Scan(&old); err {
		case sql.ErrNoRows:
			_, err = tx.Exec(ctx, `INSERT INTO cadre_evaluations (cadre_id, year, demands, answered, on_time, projects, reported, served, training_min,
				score, review, evidence, reviewer_id, reviewer_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, y, f.Demands, f.Answered, f.OnTime, f.Projects, f.Reported, f.Served, f.TrainingMin, *in.Score, in.Review, in.Evidence,
				reviewer(p), p.Name(), now, now)
			if err != nil {
				return errs.Wrap(err, "insert evaluation")
			}
		case nil:
			before = map[string]any{"evaluation": old}
			_, err = tx.Exec(ctx, `UPDATE cadre_evaluations SET demands = ?, answered = ?, on_time = ?, projects = ?, reported = ?, served = ?,
				training_min = ?, score = ?, review = ?, evidence = ?, reviewer_id = ?, reviewer_name = ?, updated_at = ? WHERE id = ?`,
				f.Demands, f.Answered, f.OnTime, f.Projects, f.Reported, f.Served, f.TrainingMin, *in.Score, in.Review, in.Evidence,
				reviewer(p), p.Name(), now, old)
			if err != nil {
				return errs.Wrap(err, "update evaluation")
			}
		default:
			return errs.Wrap(err, "evaluation")
		}
		return record(ctx, tx, now, p, "evaluate", "cadre", id, c.AreaPath, before, map[string]any{"year": y, "score": *in.Score, "figures": f})
	})
	if err != nil {
		return Evaluation{}, err
	}
	return s.EvaluationOf(ctx, p, id, y)
}

func reviewer(p *auth.Principal) any {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return p.UserID
}

const evalCols = `e.id, e.cadre_id, c.name, c.kind, c.batch, a.name, e.year, e.demands, e.answered, e.on_time, e.projects, e.reported, e.served,
	e.training_min, e.score, e.review, e.evidence, e.reviewer_name, e.updated_at`

var evalFrom = ` FROM cadre_evaluations e JOIN cadres c ON c.id = e.cadre_id` + area.Join("a", "c.area_code")

func scanEval(sc db.Scanner) (Evaluation, error) {
	var e Evaluation
	f := &e.Figures
	err := sc.Scan(&e.ID, &e.CadreID, &e.Cadre, &e.Kind, &e.Batch, &e.AreaName, &f.Year, &f.Demands, &f.Answered, &f.OnTime, &f.Projects,
		&f.Reported, &f.Served, &f.TrainingMin, &e.Score, &e.Review, &e.Evidence, &e.Reviewer, &e.UpdatedAt)
	f.OnTimeR, f.ServedR, f.TrainingH = Rate(f.OnTime, f.Demands), Rate(f.Served, f.Reported), Hours(f.TrainingMin)
	return e, err
}

// EvaluationOf is the saved evaluation of a cadre's year; ENOTFOUND when
// none was written.
func (s *Service) EvaluationOf(ctx context.Context, p *auth.Principal, id int64, y int) (Evaluation, error) {
	if _, err := s.readable(ctx, p, id); err != nil {
		return Evaluation{}, err
	}
	e, err := scanEval(s.db.QueryRow(ctx, `SELECT `+evalCols+evalFrom+` WHERE e.cadre_id = ? AND e.year = ?`, id, y))
	return e, db.NotFound(err, "evaluation")
}

// Evaluations are the saved evaluations of year y in p's scope, by area.
func (s *Service) Evaluations(ctx context.Context, p *auth.Principal, y int) ([]Evaluation, error) {
	if err := auth.AuthorizeAny(p, auth.CadreRead); err != nil {
		return nil, err
	}
	if !ValidYear(y) {
		return nil, errs.Invalid("year", "give a year such as 2025")
	}
	sc, sa := auth.ScopeSQL(s.db.Dialect, p, auth.CadreRead, "c.area_path")
	out, err := db.All(ctx, s.db, `SELECT `+evalCols+evalFrom+` WHERE e.year = ? AND `+sc+` ORDER BY c.area_path, c.kind, c.batch, c.name, c.id`,
		append([]any{y}, sa...), scanEval)
	return out, errs.Wrap(err, "evaluations")
}

func safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportXLSX writes the evaluations of year y in p's scope.
func (s *Service) ExportXLSX(ctx context.Context, p *auth.Principal, y int, w io.Writer) error {
	es, err := s.Evaluations(ctx, p, y)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := strconv.Itoa(y) + "年度考核"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	rows := [][]any{{"姓名", "类别", "批次", "居民区", "诉求", "已答复", "按时答复", "按时答复率(%)", "服务项目", "报到党员", "有服务党员", "服务率(%)",
		"培训(小时)", "评分", "评语", "依据", "评议人"}}
	for _, e := range es {
		kind, batch := "居民区书记", any("")
		if e.Kind == YoungCadre {
			kind, batch = "下沉年轻干部", e.Batch
		}
		f := e.Figures
		rows = append(rows, []any{safe(e.Cadre), kind, batch, e.AreaName, f.Demands, f.Answered, f.OnTime, f.OnTimeR, f.Projects, f.Reported,
			f.Served, f.ServedR, f.TrainingH, e.Score, safe(e.Review), safe(e.Evidence), safe(e.Reviewer)})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			return errs.Wrap(err, "xlsx row")
		}
	}
	return errs.Wrap(x.Write(w), "write xlsx")
}

// readable loads a cadre p reads; not found otherwise.
func (s *Service) readable(ctx context.Context, p *auth.Principal, id int64) (Cadre, error) {
	c, err := s.get(ctx, s.db, id)
	if errs.Code(err) == errs.ENOTFOUND || (err == nil && auth.Authorize(p, auth.CadreRead, c.AreaPath) != nil) {
		return c, notFound(p)
	}
	return c, err
}
