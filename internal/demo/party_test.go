package demo

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestPartyStep writes the district and its party step alone and checks
// the figures the issue asks of the demo: 12,000 members across kinds and
// age bands, about 60% of the in-service ones dual-reported, activities
// with sign-ups and check-ins that make verified service. The step's time
// is logged (docs: at most 1.5 s on SQLite).
func TestPartyStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) { partyStep(t, d) })
}

func partyStep(t *testing.T, d *db.DB) {
	ctx := context.Background()
	b := newBuilder(testkit.Clock().Now())
	b.generate()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if err := b.write(ctx, tx); err != nil {
			return err
		}
		t0 := time.Now()
		if err := b.writeParty(ctx, tx); err != nil {
			return err
		}
		t.Logf("party step: %v", time.Since(t0))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string) (n int) {
		if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT count(*) FROM members"); n != MembersTotal {
		t.Errorf("%d members, want %d", n, MembersTotal)
	}
	if n := count("SELECT count(DISTINCT kind) FROM members"); n < 5 {
		t.Errorf("%d kinds", n)
	}
	if n := count("SELECT count(DISTINCT age_band) FROM members WHERE age_band <> ''"); n < 5 {
		t.Errorf("%d age bands", n)
	}
	in := count("SELECT count(*) FROM members WHERE kind = '在职'")
	rep := count("SELECT count(*) FROM member_reports r JOIN members m ON m.id = r.member_id WHERE m.kind = '在职'")
	if share := float64(rep) / float64(in); share < 0.55 || share > 0.65 {
		t.Errorf("%d of %d in-service members reported (%.2f), want about 60%%", rep, in, share)
	}
	if n := count("SELECT count(*) FROM member_service"); n < 1000 {
		t.Errorf("%d verified services, want the past activities' check-outs", n)
	}
	if n := count("SELECT count(*) FROM activity_signups s JOIN activities a ON a.id = s.activity_id WHERE a.capacity > 0 AND s.seq > a.capacity AND s.status = 'confirmed'"); n != 0 {
		t.Errorf("%d sign-ups confirmed beyond capacity", n)
	}
	if n := count("SELECT count(*) FROM jobs WHERE kind = 'activity.remind'"); n != ActivitiesAhead {
		t.Errorf("%d reminders, want one per coming activity (%d)", n, ActivitiesAhead)
	}
	// About half of the units' organisations registered with their area;
	// approved service logs are verified service, each once.
	units, regs := count("SELECT count(*) FROM party_orgs WHERE kind = 'unit_party_org'"), count("SELECT count(*) FROM org_reports")
	if share := float64(regs) / float64(units); share < 0.4 || share > 0.6 {
		t.Errorf("%d of %d unit organisations registered (%.2f), want about half", regs, units, share)
	}
	if n := count("SELECT count(*) FROM org_reports r JOIN areas a ON a.code = r.area_code WHERE a.level <> 'residential'"); n != 0 {
		t.Errorf("%d registrations with a non-residential area", n)
	}
	approved := count("SELECT count(*) FROM member_service_logs WHERE status = 'approved'")
	if n := count("SELECT count(*) FROM member_service WHERE source = 'service_log'"); approved < 100 || n != approved {
		t.Errorf("%d service rows from %d approved logs", n, approved)
	}
	if n := count("SELECT count(*) FROM member_service_logs WHERE status = 'pending'"); n == 0 {
		t.Error("no service log waits for approval")
	}
}
