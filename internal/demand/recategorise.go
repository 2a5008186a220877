package demand

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/texts"
)

// ActRecategorise is the timeline's name for a change of category (调整类别).
// It is no step of the work order (Next knows nothing of it): it may come
// in any state, and the status stays.
const ActRecategorise Action = "recategorise"

// MaxReason is the longest reason a re-categorisation takes.
const MaxReason = 500

// RecategoriseInput is the body of a change of category.
type RecategoriseInput struct {
	Category string `json:"category"` // the new category's code; a typed form may give its name or a keyword (Typed)
	Reason   string `json:"reason"`   // why, for the timeline and the audit log
	// Typed says Category is as a person typed it into a form: a name or a
	// keyword finds it too, as at intake (MatchCategory).
	Typed bool `json:"-"`
}

// Recategorised is a demand after its category changed and, while it waits
// to be dispatched, the body the routing rule of its new category proposes
// (Proposal.Lead "" when none does or it is dispatched already).
type Recategorised struct {
	Demand   *Demand
	Proposal Proposal
}

// Recategorise moves a demand to another category: typically one filed as
// "其他 / 不确定" (other), or filed in the wrong box. Those who may dispatch
// it (its owner's staff and the levels above) or handle it (the lead body)
// may; a reason is required. In one transaction the category changes, the
// demand's figures move from the old category's rollups to the new one's
// (the all-categories figures stay), the search index follows (its tokens
// come from the column), and the timeline, the audit log and the duplicate
// index record it. The clocks stay as they are: a resident's deadlines do
// not move because staff picked another box (re-dispatch if the new
// category needs other hands). A demand still waiting for dispatch comes
// back with the body the new category's routing rule proposes.
func (s *Service) Recategorise(ctx context.Context, p *auth.Principal, id int64, in RecategoriseInput) (Recategorised, error) {
	var out Recategorised
	if p == nil {
		return out, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var ds []errs.Detail
	cat, bad, err := s.intakeCategory(ctx, NewDemand{Category: in.Category, Typed: in.Typed})
	if err != nil {
		return out, err
	}
	ds = append(ds, bad...)
	switch n := utf8.RuneCountInString(in.Reason); {
	case n == 0:
		ds = append(ds, errs.D("reason", "reason is required: why the demand belongs to the new category"))
	case n > MaxReason:
		ds = append(ds, errs.D("reason", "reason is %d characters; at most %d are allowed", n, MaxReason))
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := s.canSee(ctx, tx, p, d); err != nil {
			return err
		}
		if err := s.mayRecategorise(ctx, tx, p, d); err != nil {
			return err
		}
		wrong := slices.Clone(ds)
		if cat.Code != "" && cat.Code == d.Category {
			wrong = append(wrong, errs.D("category", "the demand is in %s already: choose another category", cat.Name))
		}
		if len(wrong) > 0 {
			return errs.Fields(wrong)
		}
		before := *d
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, "UPDATE demands SET category_code = ?, updated_at = ? WHERE id = ?", cat.Code, now.UTC(), d.ID); err != nil {
			return errs.Wrap(err, "recategorise")
		}
		d.Category, d.CategoryName, d.CategoryNameEN, d.UpdatedAt = cat.Code, cat.Name, cat.NameEN, now
		if err := moveRollups(ctx, tx, &before, d); err != nil {
			return err
		}
		note := texts.New("note.recategorised", "from", before.CategoryName, "from_en", before.CategoryNameEN, "to", cat.Name, "to_en", cat.NameEN)
		if err := event(ctx, tx, d.ID, now, actorOf(p), string(ActRecategorise), d.Status, d.Status, note, in.Reason, true); err != nil {
			return err
		}
		if err := auth.Record(ctx, tx, now, p, auth.Change{Action: string(ActRecategorise), Entity: "demand", EntityID: strconv.FormatInt(d.ID, 10),
			AreaPath: d.AreaPath, Before: map[string]any{"category": before.Category},
			After: map[string]any{"category": d.Category, "reason": in.Reason}}); err != nil {
			return err
		}
		if d.Status == Received || d.Status == Returned {
			pr, ok, err := propose(ctx, tx, d.Category, d.AreaPath)
			if err != nil {
				return err
			}
			if ok {
				out.Proposal = pr
			}
		}
		out.Demand = d
		return nil
	})
	if err != nil {
		return Recategorised{}, err
	}
	s.sim.note(out.Demand) // committed: duplicate checks compare it within its new category
	return out, nil
}

// mayRecategorise: those who work on the demand (worksOn). Readers such
// as auditors may not.
func (s *Service) mayRecategorise(ctx context.Context, q db.Querier, p *auth.Principal, d *Demand) error {
	if !s.worksOn(ctx, q, p, d) {
		return errs.New(errs.EFORBIDDEN, "only those who dispatch or handle this demand may change its category")
	}
	return nil
}

// worksOn reports whether p may dispatch the demand (its owner's staff, the
// levels above) or handle it (the lead body's staff, a lead unit's
// liaison): those who see its reporters in full (Get).
func (s *Service) worksOn(ctx context.Context, q db.Querier, p *auth.Principal, d *Demand) bool {
	if s.mayAct(ctx, q, p, d, ActionInput{Action: ActDispatch}) == nil {
		return true
	}
	return d.Lead != "" && s.mayAct(ctx, q, p, d, ActionInput{Action: ActSign}) == nil
}

// CanRecategorise reports whether p may change d's category, for pages
// deciding whether to offer the form; Recategorise decides again.
func (s *Service) CanRecategorise(ctx context.Context, p *auth.Principal, d *Demand) bool {
	return p != nil && s.mayRecategorise(ctx, s.db, p, d) == nil
}

// moveRollups moves a demand's share of the figures from before's category
// to after's, at every level of its area: out of the old category's rows
// (rollup to a copy that counts for nothing, as a merged demand) and into
// the new one's. The all-categories rows get the share taken out and put
// back, so their figures stay.
func moveRollups(ctx context.Context, tx *db.Tx, before, after *Demand) error {
	gone := *before
	gone.Status = Merged // contribution: a merged demand counts for nothing
	if err := rollup(ctx, tx, before, &gone); err != nil {
		return err
	}
	return rollup(ctx, tx, nil, after)
}
