package activity_test

import (
	"bytes"
	"context"
	"testing"

	"gongzhi/internal/activity"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// pdf is a small file whose bytes say PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// TestNoticeAndMaterials: the organiser writes a notice and attaches a
// file; a signed-up resident reads both and downloads the file; someone
// not signed up reads neither; a wrong type or size stores nothing.
func TestNoticeAndMaterials(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		a := e.publish(10, activity.ForAll)
		staff := e.f.Users[auth.CommunityStaff]
		people := e.people(2)
		joined, other := people[0], people[1]
		if _, err := e.s.SignUp(ctx, joined, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetNotice(ctx, staff, a.ID, "  请穿运动鞋，自带手套。  "); err != nil {
			t.Fatal(err)
		}
		m, err := e.s.AddMaterial(ctx, staff, a.ID, demand.File{Name: `C:\资料\路线图`, Data: pdf})
		if err != nil {
			t.Fatal(err)
		}
		if m.Name != "路线图.pdf" || m.ContentType != "application/pdf" {
			t.Errorf("material: %+v, want 路线图.pdf as PDF", m)
		}
		count := func() (n [2]int) {
			d.QueryRow(ctx, "SELECT count(*) FROM activity_materials").Scan(&n[0])
			d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE entity = 'activity'").Scan(&n[1])
			return n
		}
		before := count()
		for name, call := range map[string]func() error{
			"html": func() error {
				_, err := e.s.AddMaterial(ctx, staff, a.ID, demand.File{Name: "x.pdf", Data: []byte("<html><script>alert(1)</script>")})
				return err
			},
			"too large": func() error {
				_, err := e.s.AddMaterial(ctx, staff, a.ID, demand.File{Name: "x.pdf", Data: append(bytes.Clone(pdf), make([]byte, activity.MaxMaterialBytes)...)})
				return err
			},
			"empty": func() error { _, err := e.s.AddMaterial(ctx, staff, a.ID, demand.File{Name: "x.pdf"}); return err },
			"long notice": func() error {
				return e.s.SetNotice(ctx, staff, a.ID, string(bytes.Repeat([]byte("字"), activity.MaxNotice+1)))
			},
		} {
			if err := call(); errs.Code(err) != errs.EINVALID {
				t.Errorf("%s: %v, want EINVALID", name, err)
			}
		}
		// A resident may not attach; that changes nothing either.
		if _, err := e.s.AddMaterial(ctx, joined, a.ID, demand.File{Name: "x.pdf", Data: pdf}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("a resident attaches: %v, want EFORBIDDEN", err)
		}
		if after := count(); after != before {
			t.Errorf("refused changes wrote rows: %v → %v", before, after)
		}
		n, ok, err := e.s.NotesOf(ctx, joined, a.ID)
		if err != nil || !ok || n.Notice != "请穿运动鞋，自带手套。" || len(n.Materials) != 1 {
			t.Errorf("signed up: %+v, %v, %v", n, ok, err)
		}
		f, err := e.s.MaterialOf(ctx, joined, a.ID, m.ID)
		if err != nil || !bytes.Equal(f.Data, pdf) {
			t.Errorf("download: %v", err)
		}
		if _, ok, err := e.s.NotesOf(ctx, other, a.ID); ok || err != nil {
			t.Errorf("not signed up reads the notes: %v, %v", ok, err)
		}
		if _, err := e.s.MaterialOf(ctx, other, a.ID, m.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("not signed up downloads: %v, want ENOTFOUND", err)
		}
		// Cancelling ends access.
		if _, err := e.s.Cancel(ctx, joined, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := e.s.NotesOf(ctx, joined, a.ID); ok {
			t.Error("a cancelled sign-up still reads the notes")
		}
	})
}
