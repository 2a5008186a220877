package demo

import (
	"context"
	"testing"

	"gongzhi/internal/db"
)

// CheckPhones checks the built district's phone rolls (TestBuild calls
// it): 200 to 1,000 demo numbers on the rolls of the areas with councils,
// and a handful of topics supported by phones, counted in their supports.
func CheckPhones(t *testing.T, ctx context.Context, d *db.DB) {
	t.Helper()
	count := func(q string) (n int) {
		if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT count(*) FROM resident_phones"); n < 200 || n > 1000 {
		t.Errorf("%d numbers on the rolls", n)
	}
	if n := count("SELECT count(*) FROM resident_phones WHERE phone NOT LIKE '13900%' OR length(phone) <> 11"); n != 0 {
		t.Errorf("%d numbers that are not demo numbers", n)
	}
	if n := count("SELECT count(*) FROM resident_phones rp WHERE NOT EXISTS (SELECT 1 FROM councils c WHERE c.area_code = rp.area_code)"); n != 0 {
		t.Errorf("%d numbers outside the areas with councils", n)
	}
	if topics := count("SELECT count(DISTINCT topic_id) FROM topic_phone_supports"); topics < 3 || topics > 8 {
		t.Errorf("%d topics supported by phones", topics)
	}
	if n := count(`SELECT count(*) FROM topics t WHERE t.supports < (SELECT count(*) FROM topic_phone_supports s WHERE s.topic_id = t.id)
		+ (SELECT count(*) FROM topic_supports s WHERE s.topic_id = t.id)`); n != 0 {
		t.Errorf("%d topics count fewer supports than they have", n)
	}
	if n := count("SELECT count(*) FROM topics WHERE status = 'open' AND supports >= threshold"); n != 0 {
		t.Errorf("%d open topics at their threshold", n)
	}
}
