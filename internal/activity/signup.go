package activity

import (
	"context"
	"database/sql"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
)

// Signup is one person's place in an activity.
type Signup struct {
	ID           int64      `json:"id"`
	ActivityID   int64      `json:"activity_id"`
	Status       string     `json:"status"`
	Position     int        `json:"position,omitempty"` // on the waitlist: 1 is next
	CheckedInAt  *time.Time `json:"checked_in_at"`
	CheckedOutAt *time.Time `json:"checked_out_at"`
	Minutes      int        `json:"minutes"` // from check-in to check-out
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	userID       int64
	memberID     *int64
	seq          int
}

const signupCols = `s.id, s.activity_id, s.status, s.checked_in_at, s.checked_out_at, s.created_at, s.updated_at, s.user_id, s.member_id, s.seq`

func scanSignup(sc db.Scanner) (Signup, error) {
	var g Signup
	var in, out sql.NullTime
	var member sql.NullInt64
	err := sc.Scan(&g.ID, &g.ActivityID, &g.Status, &in, &out, &g.CreatedAt, &g.UpdatedAt, &g.userID, &member, &g.seq)
	g.memberID = db.NullID(member)
	if in.Valid {
		t := in.Time
		g.CheckedInAt = &t
	}
	if out.Valid {
		t := out.Time
		g.CheckedOutAt = &t
	}
	if g.CheckedInAt != nil && g.CheckedOutAt != nil {
		g.Minutes = party.Minutes(*g.CheckedInAt, *g.CheckedOutAt)
	}
	return g, err
}

// lock reads the activity under its row lock: every change of its sign-ups
// takes it first, so they run one after another.
func (s *Service) lock(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (Activity, error) {
	var path string
	err := tx.QueryRow(ctx, "SELECT a.area_path FROM activities a WHERE a.id = ?"+tx.D().ForUpdate("a"), id).Scan(&path)
	if err != nil {
		return Activity{}, db.NotFound(err, "activity")
	}
	a, err := s.get(ctx, tx, id)
	if err != nil {
		return a, err
	}
	if !visible(p, auth.ActivityRead, a.AreaPath) {
		return a, hidden(p)
	}
	return a, nil
}

// mine reads p's sign-up of an activity, or ENOTFOUND.
func mine(ctx context.Context, q db.Querier, id, user int64) (Signup, error) {
	g, err := scanSignup(q.QueryRow(ctx, `SELECT `+signupCols+` FROM activity_signups s WHERE s.activity_id = ? AND s.user_id = ?`, id, user))
	return g, db.NotFound(err, "sign-up")
}

// position fills a waitlisted sign-up's place in the queue.
func position(ctx context.Context, q db.Querier, g *Signup) error {
	if g.Status != Waitlisted {
		return nil
	}
	err := q.QueryRow(ctx, "SELECT count(*) FROM activity_signups WHERE activity_id = ? AND status = ? AND seq <= ?", g.ActivityID, Waitlisted, g.seq).Scan(&g.Position)
	return errs.Wrap(err, "waitlist position")
}

// joiner is the signed-in person signing up: the user, and the member
// linked to them (nil for a resident).
func joiner(ctx context.Context, q db.Querier, p *auth.Principal, a Activity) (*int64, error) {
	if p == nil || p.UserID == 0 {
		if p == nil {
			return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
		}
		return nil, errs.New(errs.EFORBIDDEN, "sign up with your own account")
	}
	if !visible(p, auth.ActivityJoin, a.AreaPath) {
		return nil, errs.New(errs.EFORBIDDEN, "you may not sign up for activities here (%s)", auth.ActivityJoin)
	}
	member, err := party.MemberOfUser(ctx, q, p.UserID)
	if err != nil {
		return nil, err
	}
	if !MayJoin(a.Audience, member != nil) {
		return nil, errs.New(errs.EFORBIDDEN, "this activity is for party members")
	}
	return member, nil
}

// SignUp signs the caller up: confirmed while places are left, else on the
// waitlist. Signing up again while signed up changes nothing.
func (s *Service) SignUp(ctx context.Context, p *auth.Principal, id int64) (Signup, error) {
	var out Signup
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.lock(ctx, tx, p, id)
		if err != nil {
			return err
		}
		member, err := joiner(ctx, tx, p, a)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if a.Status != "published" || !a.End.After(now) {
			return errs.New(errs.ECONFLICT, "the activity is over or cancelled and takes no sign-ups")
		}
		old, err := mine(ctx, tx, id, p.UserID)
		if err == nil && old.Status != Cancelled {
			out = old
			return position(ctx, tx, &out)
		} else if err != nil && errs.Code(err) != errs.ENOTFOUND {
			return err
		}
		status := Place(a.Confirmed, a.Capacity)
		var seq int
		if err := tx.QueryRow(ctx, "UPDATE activities SET next_seq = next_seq + 1 WHERE id = ? RETURNING next_seq - 1", id).Scan(&seq); err != nil {
			return errs.Wrap(err, "sign-up order")
		}
		if old.ID != 0 {
			_, err = tx.Exec(ctx, `UPDATE activity_signups SET status = ?, seq = ?, member_id = ?, checked_in_at = NULL, checked_out_at = NULL, updated_at = ?
				WHERE id = ?`, status, seq, member, now, old.ID)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO activity_signups (activity_id, user_id, member_id, status, seq, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, id, p.UserID, member, status, seq, now, now)
		}
		if err != nil {
			return errs.Wrap(err, "sign up")
		}
		if out, err = mine(ctx, tx, id, p.UserID); err != nil {
			return err
		}
		if err := position(ctx, tx, &out); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "sign_up", "activity_signup", out.ID, a.AreaPath, nil, map[string]any{"activity_id": id, "status": status})
	})
	return out, err
}

// Cancel withdraws the caller's sign-up; a confirmed place goes to the
// first on the waitlist in the same transaction.
func (s *Service) Cancel(ctx context.Context, p *auth.Principal, id int64) (Signup, error) {
	var out Signup
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.lock(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if p.UserID == 0 {
			return errs.New(errs.ENOTFOUND, "sign-up not found")
		}
		g, err := mine(ctx, tx, id, p.UserID)
		if err != nil {
			return err
		}
		if g.Status == Cancelled {
			return errs.New(errs.ECONFLICT, "your sign-up was cancelled already")
		}
		if g.CheckedInAt != nil {
			return errs.New(errs.ECONFLICT, "you checked in already; check out instead of cancelling")
		}
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, "UPDATE activity_signups SET status = ?, updated_at = ? WHERE id = ?", Cancelled, now, g.ID); err != nil {
			return errs.Wrap(err, "cancel sign-up")
		}
		if err := record(ctx, tx, now, p, "cancel", "activity_signup", g.ID, a.AreaPath, map[string]any{"status": g.Status}, map[string]any{"status": Cancelled}); err != nil {
			return err
		}
		if g.Status == Confirmed {
			if err := s.promote(ctx, tx, a, a.Confirmed-1, now); err != nil {
				return err
			}
		}
		out, err = mine(ctx, tx, id, p.UserID)
		return err
	})
	return out, err
}

// promote confirms the first of the waitlist, in sign-up order, for the
// places confirmed people leave free.
func (s *Service) promote(ctx context.Context, tx *db.Tx, a Activity, confirmed int, now time.Time) error {
	n := Promotable(confirmed, a.Capacity, a.Waitlisted)
	if n == 0 {
		return nil
	}
	ids, err := db.IDs(ctx, tx, "SELECT id FROM activity_signups WHERE activity_id = ? AND status = ? ORDER BY seq LIMIT ?", a.ID, Waitlisted, n)
	if err != nil {
		return errs.Wrap(err, "waitlist")
	}
	for _, sid := range ids {
		if _, err := tx.Exec(ctx, "UPDATE activity_signups SET status = ?, updated_at = ? WHERE id = ?", Confirmed, now, sid); err != nil {
			return errs.Wrap(err, "promote")
		}
		if err := record(ctx, tx, now, auth.SystemPrincipal(), "promote", "activity_signup", sid, a.AreaPath,
			map[string]any{"status": Waitlisted}, map[string]any{"status": Confirmed}); err != nil {
			return err
		}
	}
	return nil
}

// Mine returns the caller's sign-up of an activity (ENOTFOUND: none).
func (s *Service) Mine(ctx context.Context, p *auth.Principal, id int64) (Signup, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return Signup{}, err
	}
	if p == nil || p.UserID == 0 {
		return Signup{}, errs.New(errs.ENOTFOUND, "sign-up not found")
	}
	g, err := mine(ctx, s.db, id, p.UserID)
	if err != nil {
		return g, err
	}
	return g, position(ctx, s.db, &g)
}

// CurrentCode is the code the organiser's screen shows now and when it
// rotates (activity.write on the activity's area).
func (s *Service) CurrentCode(ctx context.Context, p *auth.Principal, id int64) (code string, until time.Time, err error) {
	a, err := s.Get(ctx, p, id)
	if err != nil {
		return "", time.Time{}, err
	}
	if err := auth.Authorize(p, auth.ActivityWrite, a.AreaPath); err != nil {
		return "", time.Time{}, err
	}
	secret, err := s.codeSecret(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.clock.Now()
	w := Window(now)
	return Code(secret, id, w), time.Unix((w+1)*int64(CodeEvery/time.Second), 0).UTC(), nil
}

// CheckIn checks the caller in with the code their phone read from the
// organiser's screen: their own confirmed sign-up only.
func (s *Service) CheckIn(ctx context.Context, p *auth.Principal, id int64, code string) (Signup, error) {
	return s.attend(ctx, p, id, code, "in")
}

// CheckOut checks the caller out (after checking in); a member's time from
// check-in to check-out becomes verified service.
func (s *Service) CheckOut(ctx context.Context, p *auth.Principal, id int64, code string) (Signup, error) {
	return s.attend(ctx, p, id, code, "out")
}

func (s *Service) attend(ctx context.Context, p *auth.Principal, id int64, code, action string) (Signup, error) {
	secret, err := s.codeSecret(ctx)
	if err != nil {
		return Signup{}, err
	}
	var out Signup
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.lock(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if p.UserID == 0 {
			return errs.New(errs.EFORBIDDEN, "check in with your own account")
		}
		now := s.clock.Now()
		if !CodeValid(secret, id, code, now) {
			return errs.Invalid("code", "the code is wrong or has expired; scan the code on the organiser's screen again")
		}
		g, err := mine(ctx, tx, id, p.UserID)
		if err != nil && errs.Code(err) != errs.ENOTFOUND {
			return err
		}
		if err := Step(Attendance{Status: g.Status, CheckedIn: g.CheckedInAt != nil, CheckedOut: g.CheckedOutAt != nil, Start: a.Start, End: a.End}, action, now); err != nil {
			return err
		}
		col := "checked_in_at"
		if action == "out" {
			col = "checked_out_at"
		}
		if _, err := tx.Exec(ctx, "UPDATE activity_signups SET "+col+" = ?, updated_at = ? WHERE id = ?", now, now, g.ID); err != nil {
			return errs.Wrap(err, "check "+action)
		}
		if action == "out" && g.memberID != nil {
			if err := party.RecordService(ctx, tx, party.ServiceEvent{MemberID: *g.memberID, Source: "activity", SourceID: g.ID,
				AreaPath: a.AreaPath, Start: *g.CheckedInAt, End: now}); err != nil {
				return err
			}
		}
		if err := record(ctx, tx, now, p, "check_"+action, "activity_signup", g.ID, a.AreaPath, nil, map[string]any{col: now}); err != nil {
			return err
		}
		out, err = mine(ctx, tx, id, p.UserID)
		return err
	})
	return out, err
}

// Count is an activity's head count, live on the organiser's screen.
type Count struct {
	Confirmed  int `json:"confirmed"`
	Waitlisted int `json:"waitlisted"`
	CheckedIn  int `json:"checked_in"`  // ever checked in
	Present    int `json:"present"`     // checked in, not yet out
	CheckedOut int `json:"checked_out"` // left, with their hours
}

// HeadCount counts an activity's people (activity.write on its area).
func (s *Service) HeadCount(ctx context.Context, p *auth.Principal, id int64) (Count, error) {
	a, err := s.Get(ctx, p, id)
	if err != nil {
		return Count{}, err
	}
	if err := auth.Authorize(p, auth.ActivityWrite, a.AreaPath); err != nil {
		return Count{}, err
	}
	c := Count{Confirmed: a.Confirmed, Waitlisted: a.Waitlisted}
	err = s.db.QueryRow(ctx, `SELECT count(checked_in_at), count(checked_out_at) FROM activity_signups WHERE activity_id = ? AND status = ?`,
		id, Confirmed).Scan(&c.CheckedIn, &c.CheckedOut)
	c.Present = c.CheckedIn - c.CheckedOut
	return c, errs.Wrap(err, "head count")
}

// RosterLine is one person on the organiser's roster.
type RosterLine struct {
	Signup
	Name   string `json:"name"`
	Member bool   `json:"member"`
}

// Roster lists an activity's sign-ups in sign-up order (activity.write).
func (s *Service) Roster(ctx context.Context, p *auth.Principal, id int64) ([]RosterLine, error) {
	a, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := auth.Authorize(p, auth.ActivityWrite, a.AreaPath); err != nil {
		return nil, err
	}
	out, err := db.All(ctx, s.db, `SELECT `+signupCols+`, COALESCE(NULLIF(u.display_name, ''), u.username) FROM activity_signups s
		JOIN users u ON u.id = s.user_id WHERE s.activity_id = ? AND s.status <> ? ORDER BY s.seq LIMIT 2000`, []any{id, Cancelled},
		func(sc db.Scanner) (RosterLine, error) {
			var l RosterLine
			var in, outT sql.NullTime
			var member sql.NullInt64
			g := &l.Signup
			err := sc.Scan(&g.ID, &g.ActivityID, &g.Status, &in, &outT, &g.CreatedAt, &g.UpdatedAt, &g.userID, &member, &g.seq, &l.Name)
			g.memberID, l.Member = db.NullID(member), member.Valid
			if in.Valid {
				t := in.Time
				g.CheckedInAt = &t
			}
			if outT.Valid {
				t := outT.Time
				g.CheckedOutAt = &t
				g.Minutes = party.Minutes(*g.CheckedInAt, t)
			}
			return l, err
		})
	return out, errs.Wrap(err, "roster")
}

// MyLine is one of the caller's sign-ups with its activity.
type MyLine struct {
	Activity Activity `json:"activity"`
	Signup   Signup   `json:"signup"`
}

// MySignups lists the caller's live sign-ups, soonest first: upcoming ones
// and those of the last 30 days (with their hours).
func (s *Service) MySignups(ctx context.Context, p *auth.Principal) ([]MyLine, error) {
	if p == nil || p.UserID == 0 {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	since := s.clock.Now().AddDate(0, 0, -30)
	out, err := db.All(ctx, s.db, `SELECT `+cols+`, `+signupCols+` FROM `+from+` JOIN activity_signups s ON s.activity_id = a.id
		WHERE s.user_id = ? AND s.status <> ? AND a.ends_at > ? ORDER BY a.starts_at LIMIT 100`, []any{p.UserID, Cancelled, since},
		func(sc db.Scanner) (MyLine, error) {
			var l MyLine
			var org, unit, sp, pj, member sql.NullInt64
			var in, outT sql.NullTime
			a, g := &l.Activity, &l.Signup
			err := sc.Scan(&a.ID, &a.Title, &a.Description, &a.Start, &a.End, &a.Place, &a.Capacity, &a.Audience, &org, &unit, &sp, &pj,
				&a.Organiser, &a.Area, &a.Status, &a.Confirmed, &a.Waitlisted, &a.CreatedBy, &a.CreatedAt, &a.AreaPath,
				&g.ID, &g.ActivityID, &g.Status, &in, &outT, &g.CreatedAt, &g.UpdatedAt, &g.userID, &member, &g.seq)
			a.PartyOrgID, a.UnitID, a.ServicePointID, a.ProjectID = db.NullID(org), db.NullID(unit), db.NullID(sp), db.NullID(pj)
			if in.Valid {
				t := in.Time
				g.CheckedInAt = &t
			}
			if outT.Valid && in.Valid {
				t := outT.Time
				g.CheckedOutAt = &t
				g.Minutes = party.Minutes(in.Time, t)
			}
			return l, err
		})
	return out, errs.Wrap(err, "my sign-ups")
}
