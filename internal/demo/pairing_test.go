package demo

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/pairing"
	"gongzhi/internal/testkit"
)

// TestPairingStep writes the district, its members and the pairing step,
// and checks what the pages show: people in care with and without pairs,
// a year of approved visits that are verified service, pairs gone quiet,
// requests with response times. The step's time is logged (at most 2 s on
// SQLite, the demo's engine).
func TestPairingStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := testkit.Clock()
		b := newBuilder(c.Now())
		b.generate()
		var took time.Duration
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := b.write(ctx, tx); err != nil {
				return err
			}
			if err := b.writeParty(ctx, tx); err != nil {
				return err
			}
			t0 := time.Now()
			err := b.writePairing(ctx, tx)
			took = time.Since(t0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("pairing step: %v", took)
		count := func(q string) (n int) {
			if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("SELECT count(*) FROM care_people WHERE kind = '独居老人'"); n < 200 {
			t.Errorf("%d elderly living alone", n)
		}
		approved := count("SELECT count(*) FROM care_logs WHERE status = 'approved'")
		if approved < 5000 || count("SELECT count(*) FROM member_service WHERE source = 'pairing'") != approved {
			t.Errorf("%d approved logs, each verified service once", approved)
		}
		if n := count("SELECT count(*) FROM care_logs WHERE status = 'pending'"); n == 0 {
			t.Error("no logs wait for approval")
		}
		s := pairing.NewService(d, c)
		sys := auth.SystemPrincipal()
		un, err := s.People(ctx, sys, pairing.PersonFilter{Unpaired: true})
		if err != nil || un.Total < CareUnpaired {
			t.Errorf("unpaired %d %v", un.Total, err)
		}
		ov, err := s.Overdue(ctx, sys, pairing.GapFilter{})
		if err != nil || ov.Total == 0 || ov.Total > 60 {
			t.Errorf("overdue pairs %d %v", ov.Total, err)
		}
		rt, err := s.ResponseTimes(ctx, sys, "", 90)
		if err != nil || len(rt) == 0 {
			t.Fatalf("response times %v %v", rt, err)
		}
		// The demo member's residential area: its first person is paired and has an open request.
		if n := count("SELECT count(*) FROM care_pairs cp JOIN care_requests r ON r.person_id = cp.person_id WHERE cp.person_id = 1 AND r.status = 'open'"); n == 0 {
			t.Error("the first person in care has no pair with an open request")
		}
		mine, err := s.PairsOf(ctx, sys, 1)
		if err != nil || len(mine) != 1 || mine[0].LastVisit == nil {
			t.Errorf("the first person's pairs: %+v %v", mine, err)
		}
	})
}
