package demand

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Targets are the district's goals for the three rates (0–1). Dashboards
// colour a rate by how it stands against its target and say so in words.
type Targets struct {
	Response     float64 `json:"response"`
	Resolution   float64 `json:"resolution"`
	Satisfaction float64 `json:"satisfaction"`
}

// DefaultTargets apply until a district sets its own.
func DefaultTargets() Targets { return Targets{Response: 0.95, Resolution: 0.90, Satisfaction: 0.90} }

// NearTarget is how far below its target a rate is "near" rather than "below".
const NearTarget = 0.05

// Standing is how a rate stands against its target.
type Standing string

const (
	StandingMet   Standing = "met"   // at or above the target
	StandingNear  Standing = "near"  // within NearTarget below it
	StandingBelow Standing = "below" // further below
	StandingNone  Standing = "none"  // no rate: nothing to rate in the period
)

// Stand says how rate (nil: none) stands against target. Pure.
func Stand(rate *float64, target float64) Standing {
	switch {
	case rate == nil:
		return StandingNone
	case *rate >= target-1e-9:
		return StandingMet
	case *rate >= target-NearTarget-1e-9:
		return StandingNear
	}
	return StandingBelow
}

const targetsKey = "demand.targets"

// Targets returns the district's targets, or DefaultTargets when none are set.
func (s *Service) Targets(ctx context.Context) (Targets, error) {
	var raw string
	err := s.db.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", targetsKey).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultTargets(), nil
	} else if err != nil {
		return DefaultTargets(), errs.Wrap(err, "targets")
	}
	t := DefaultTargets()
	if err := json.Unmarshal([]byte(raw), &t); err != nil {
		return DefaultTargets(), errs.Wrap(err, "targets")
	}
	return t, nil
}

// SaveTargets sets the district's targets (demand admins of the district),
// audited.
func (s *Service) SaveTargets(ctx context.Context, p *auth.Principal, t Targets) (Targets, error) {
	if err := authorizeDistrict(ctx, s.db, p, auth.DemandAdmin); err != nil {
		return t, err
	}
	var bad []errs.Detail
	for _, f := range []struct {
		name string
		v    float64
	}{{"response", t.Response}, {"resolution", t.Resolution}, {"satisfaction", t.Satisfaction}} {
		if math.IsNaN(f.v) || f.v <= 0 || f.v > 1 {
			bad = append(bad, errs.D(f.name, "%s must be a share above 0 and at most 1 (0.95 is 95%%)", f.name))
		}
	}
	if len(bad) > 0 {
		return t, errs.Fields(bad)
	}
	before, err := s.Targets(ctx)
	if err != nil {
		return t, err
	}
	raw, _ := json.Marshal(t)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, targetsKey, string(raw)); err != nil {
			return errs.Wrap(err, "save targets")
		}
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "update", Entity: "demand_targets", EntityID: targetsKey, Before: before, After: t})
	})
	return t, err
}
