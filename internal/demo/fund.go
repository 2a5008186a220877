package demo

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"

	areas "gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// A fund entry as the demo writes it.
type demoEntry struct {
	id, fund      int64
	direction     string
	source        string
	amount        int64
	donor         string
	unit          *int64
	show          bool
	on            time.Time
	note          string
	project, disb *int64
	reverses      *int64
	createdByName string
	createdAt     time.Time
}

// A disbursement as the demo writes it.
type demoDisbursement struct {
	id, fund, project int64
	amount            int64
	note, status      string
	proposedBy        string
	proposedAt        time.Time
	decidedBy, reason string
	decidedAt         *time.Time
}

// residentNotes are what residents' donations are for.
var residentNotes = []string{"社区公益集市义卖", "重阳节爱心捐款", "楼组长代收", "", "", "募捐箱", "老党员捐款"}

// writeFunds writes a community fund per street (社区公益基金, 三个一点):
// money in from the government, a few of the street's units by name and
// residents (some agreeing to be named), and payouts to the street's
// approved, running or finished projects, each proposed by the demo's
// residential-area secretary and approved by the street's committee (the
// second person); on every street one proposal waits for approval. The
// balance follows from the entries through the database's own trigger.
func (b *builder) writeFunds(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+25)) // its own stream: other steps' draws leave it be
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	person := func() string { // as personName, from this step's own stream
		n := pick(familyNames) + pick(givenChars)
		if rng.IntN(3) > 0 {
			n += pick(givenChars)
		}
		return n
	}
	proposer, approver := demoUsers[2].display, demoUsers[1].display
	var entries []demoEntry
	var payouts []demoEntry
	var disbs []demoDisbursement
	funds := db.NewBulkInsert(tx, "funds", []string{"id", "name", "area_code", "area_path", "balance_fen", "created_at"})
	day := func(daysAgo int) time.Time {
		d := b.now.In(clock.Shanghai).AddDate(0, 0, -daysAgo)
		return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, clock.Shanghai).UTC()
	}
	for i, st := range b.streets {
		fid := int64(i + 1)
		if err := funds.Add(ctx, fid, st.area.name+"社区公益基金", st.area.code, st.area.path, 0, day(400)); err != nil {
			return errs.Wrap(err, "insert funds")
		}
		var in []demoEntry
		add := func(e demoEntry) {
			e.fund, e.direction, e.createdByName, e.createdAt = fid, "in", proposer, e.on
			in = append(in, e)
		}
		add(demoEntry{source: "government", amount: int64(200_000+rng.IntN(30)*10_000) * 100, donor: st.area.name + "办事处", show: true,
			on: day(360), note: "年度社区公益基金财政投入"})
		add(demoEntry{source: "government", amount: int64(20_000+rng.IntN(30)*1_000) * 100, donor: "徐汇区民政局", show: true,
			on: day(120 + rng.IntN(60)), note: "为老服务专项补贴"})
		var givers []*unit
		for _, u := range b.units {
			if u.res != nil && u.res.street == st && !u.streetBody && (u.kind == "regional_unit" || u.kind == "non_public_enterprise") {
				givers = append(givers, u)
			}
		}
		rng.Shuffle(len(givers), func(i, j int) { givers[i], givers[j] = givers[j], givers[i] })
		for _, u := range givers[:min(len(givers), 3+rng.IntN(3))] {
			id := u.id
			add(demoEntry{source: "unit", amount: int64(5_000+rng.IntN(46)*1_000) * 100, donor: u.name, unit: &id, show: rng.IntN(5) > 0,
				on: day(rng.IntN(330)), note: "区域化党建共建单位捐赠"})
		}
		for range 10 + rng.IntN(8) {
			e := demoEntry{source: "resident", amount: int64([]int{50, 100, 100, 200, 200, 500, 500, 1000, 2000}[rng.IntN(9)]) * 100,
				on: day(rng.IntN(330)), note: pick(residentNotes)}
			switch rng.IntN(10) {
			case 0, 1, 2, 3: // named, with consent
				e.donor, e.show = person(), true
			case 4, 5, 6: // named on the receipt, anonymous in public
				e.donor = person()
			}
			add(e)
		}
		slices.SortStableFunc(in, func(x, y demoEntry) int { return x.on.Compare(y.on) })
		entries = append(entries, in...)
		var balance int64
		for _, e := range in {
			balance += e.amount
		}

		// Payouts to the street's projects that may be paid.
		cond, arg := areas.Subtree(tx.D(), "area_path", st.area.path)
		type prj struct {
			id, budget int64
			title      string
		}
		projects, err := db.All(ctx, tx, `SELECT id, budget_fen, title FROM projects WHERE `+cond+
			` AND status IN ('approved', 'running', 'done') ORDER BY id LIMIT 6`, []any{arg}, func(r db.Scanner) (prj, error) {
			var p prj
			err := r.Scan(&p.id, &p.budget, &p.title)
			return p, err
		})
		if err != nil {
			return errs.Wrap(err, "demo fund projects")
		}
		for k, p := range projects {
			amount := min(max(p.budget/4, int64(5_000_00)), balance/4) / 100 * 100
			if amount <= 0 {
				break
			}
			at := day(90 - k*10)
			decided := at.Add(26 * time.Hour)
			d := demoDisbursement{id: int64(len(disbs) + 1), fund: fid, project: p.id, amount: amount, note: "资助" + p.title,
				status: "approved", proposedBy: proposer, proposedAt: at, decidedBy: approver, decidedAt: &decided}
			last := k == len(projects)-1
			switch {
			case last: // waits for the street's second person
				d.status, d.decidedBy, d.decidedAt = "proposed", "", nil
			case k == 1 && i == 0:
				d.status, d.reason = "rejected", "预算重复，请与项目方核实后再报"
			}
			disbs = append(disbs, d)
			if d.status != "approved" {
				continue
			}
			balance -= amount
			pid, did := p.id, d.id
			payouts = append(payouts, demoEntry{fund: fid, direction: "out", amount: amount, project: &pid, disb: &did,
				on: decided, note: d.note, createdByName: approver, createdAt: decided})
		}
	}
	if err := funds.Close(ctx); err != nil {
		return errs.Wrap(err, "insert funds")
	}
	// One resident's donation on the first street was recorded twice: the
	// second is reversed, the way every correction is made.
	if len(entries) > 0 {
		var dup *demoEntry
		for k := range entries {
			if entries[k].fund == 1 && entries[k].source == "resident" {
				dup = &entries[k]
			}
		}
		if dup != nil {
			entries = append(entries, *dup) // recorded again
		}
	}
	for k := range entries {
		entries[k].id = int64(k + 1)
	}
	var reversal []demoEntry
	if n := len(entries); n > 0 && entries[n-1].fund == 1 {
		again := entries[n-1]
		rid := again.id
		reversal = append(reversal, demoEntry{id: int64(n + 1), fund: 1, direction: "out", source: "resident", amount: again.amount,
			donor: again.donor, on: again.on, note: "重复登记，冲正", reverses: &rid, createdByName: approver, createdAt: again.createdAt.Add(time.Hour)})
	}
	next := int64(len(entries) + len(reversal))
	for k := range payouts {
		next++
		payouts[k].id = next
	}
	dis := db.NewBulkInsert(tx, "fund_disbursements", []string{"id", "fund_id", "project_id", "amount_fen", "note", "status",
		"proposed_by_name", "proposed_at", "decided_by_name", "decided_at", "reason"})
	for _, d := range disbs {
		if err := dis.Add(ctx, d.id, d.fund, d.project, d.amount, d.note, d.status, d.proposedBy, d.proposedAt, d.decidedBy, d.decidedAt, d.reason); err != nil {
			return errs.Wrap(err, "insert fund disbursements")
		}
	}
	if err := dis.Close(ctx); err != nil {
		return errs.Wrap(err, "insert fund disbursements")
	}
	// Money in first, then the reversal and the payouts it covers: each
	// statement moves the balances through the trigger, never below zero.
	for _, batch := range [][]demoEntry{entries, reversal, payouts} {
		ins := db.NewBulkInsert(tx, "fund_entries", []string{"id", "fund_id", "direction", "source", "amount_fen", "donor_name", "unit_id",
			"show_name", "received_on", "note", "project_id", "disbursement_id", "reverses_id", "created_by_name", "created_at"})
		for _, e := range batch {
			if err := ins.Add(ctx, e.id, e.fund, e.direction, e.source, e.amount, e.donor, e.unit, e.show,
				e.on.In(clock.Shanghai).Format(time.DateOnly), e.note, e.project, e.disb, e.reverses, e.createdByName, e.createdAt); err != nil {
				return errs.Wrap(err, "insert fund entries")
			}
		}
		if err := ins.Close(ctx); err != nil {
			return errs.Wrap(err, "insert fund entries")
		}
	}
	if err := db.ResetIDs(ctx, tx, "funds", "fund_disbursements", "fund_entries"); err != nil {
		return err
	}
	rows := map[string]int{"fund": len(b.streets), "fund_entry": len(entries) + len(reversal) + len(payouts), "fund_disbursement": len(disbs)}
	for _, entity := range []string{"fund", "fund_entry", "fund_disbursement"} {
		if err := auth.Record(ctx, tx, b.now, auth.SystemPrincipal(), auth.Change{Action: "demo_fund", Entity: entity, EntityID: DistrictCode,
			AreaPath: b.district.path, After: map[string]int{"rows": rows[entity]}}); err != nil {
			return err
		}
	}
	return nil
}
