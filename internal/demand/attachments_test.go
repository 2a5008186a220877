package demand_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

func TestSniffType(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"jpeg", testkit.JPEG(0), "image/jpeg"},
		{"png", testkit.PNG(0), "image/png"},
		{"pdf", testkit.PDF(0), "application/pdf"},
		{"heic", testkit.HEIC(100), "image/heic"},
		{"webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), "image/webp"},
		{"text", []byte("just some words"), "text/plain"},
		{"html", []byte("<html><script>alert(1)</script>"), "text/html"},
		{"exe", append([]byte("MZ\x90\x00"), make([]byte, 60)...), "application/octet-stream"},
	}
	for _, c := range cases {
		if got := demand.SniffType(c.data); got != c.want {
			t.Errorf("%s: sniffed %q, want %q", c.name, got, c.want)
		}
	}
}

// wantAttachError checks err is EINVALID naming attachments with msg in it.
func wantAttachError(t *testing.T, what string, err error, msg string) {
	t.Helper()
	ds := errs.DetailsOf(err)
	if errs.Code(err) != errs.EINVALID || len(ds) == 0 || ds[0].Field != "attachments" || !strings.Contains(ds[0].Message, msg) {
		t.Fatalf("%s: got %v (details %+v), want EINVALID on attachments saying %q", what, err, ds, msg)
	}
}

func TestAttach(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		staff := e.f.Users[auth.CommunityStaff]
		filed := e.file(t, nil, "sanitation", testkit.ResA1, "楼道里堆满了杂物")
		id := filed.Demand.ID
		count := func() int {
			var n int
			if err := d.QueryRow(e.ctx, "SELECT count(*) FROM demand_attachments WHERE demand_id = ?", id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		photo, pdf := testkit.JPEG(300<<10), testkit.PDF(2<<10)
		got, err := e.s.Attach(e.ctx, staff, id, []demand.File{
			{Name: `C:\Users\王\楼道.jpg`, ContentType: "image/jpeg", Data: photo},
			{Name: "说明", ContentType: "application/pdf", Data: pdf},
		})
		if err != nil {
			t.Fatalf("attach: %v", err)
		}
		if len(got) != 2 || got[0].Name != "楼道.jpg" || got[0].ContentType != "image/jpeg" || got[0].Size != int64(len(photo)) ||
			got[1].Name != "说明.pdf" || got[1].ContentType != "application/pdf" || got[0].AtIntake {
			t.Fatalf("attached: %+v", got)
		}
		f, err := e.s.Attachment(e.ctx, e.f.Users[auth.Auditor], id, got[0].ID)
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		sum := sha256.Sum256(photo)
		if !bytes.Equal(f.Data, photo) || f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("read back %d bytes with sha256 %s; want the %d bytes uploaded", len(f.Data), f.SHA256, len(photo))
		}
		dm, err := e.s.Get(e.ctx, staff, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(dm.Attachments) != 2 || dm.Attachments[1].ID != got[1].ID {
			t.Fatalf("Get lists %+v", dm.Attachments)
		}
		last := dm.Events[len(dm.Events)-1]
		if last.Action != "attach" || last.Note != "添加照片 1 张、文件 1 个" || last.Actor != staff.Name() || last.Public {
			t.Fatalf("timeline step: %+v", last)
		}
		var audits int
		if err := d.QueryRow(e.ctx, "SELECT count(*) FROM audit_log WHERE action = 'attach' AND entity_id = ? AND after NOT LIKE '%楼道%'",
			strconv.FormatInt(id, 10)).Scan(&audits); err != nil || audits != 1 {
			t.Fatalf("audit rows without file names: %d, %v", audits, err)
		}

		// Refused uploads store nothing.
		_, err = e.s.Attach(e.ctx, staff, id, []demand.File{{Name: "big.jpg", Data: testkit.JPEG(demand.MaxAttachmentBytes + 1)}})
		wantAttachError(t, "too large", err, "big.jpg is 5.1 MiB; a file may be at most 5 MiB")
		_, err = e.s.Attach(e.ctx, staff, id, []demand.File{{Name: "photo.jpg", ContentType: "image/jpeg", Data: []byte("not a photo at all")}})
		wantAttachError(t, "text as a photo", err, "photo.jpg is not a JPEG, PNG, WebP or HEIC photo or a PDF file")
		_, err = e.s.Attach(e.ctx, staff, id, []demand.File{{Name: "setup.exe", Data: append([]byte("MZ"), make([]byte, 100)...)}})
		wantAttachError(t, "program", err, "setup.exe is not a JPEG")
		_, err = e.s.Attach(e.ctx, staff, id, []demand.File{{Name: "a.png", ContentType: "image/png", Data: photo}})
		wantAttachError(t, "declared type differs", err, "a.png is sent as image/png but its content is image/jpeg")
		_, err = e.s.Attach(e.ctx, staff, id, []demand.File{{Name: "empty.jpg"}})
		wantAttachError(t, "empty", err, "empty.jpg is empty")
		four := []demand.File{{Name: "1.jpg", Data: photo}, {Name: "2.jpg", Data: photo}, {Name: "3.jpg", Data: photo}, {Name: "4.jpg", Data: photo}}
		_, err = e.s.Attach(e.ctx, staff, id, four)
		wantAttachError(t, "too many", err, "the demand has 2 files and 4 more were sent; a demand takes at most 5")
		if n := count(); n != 2 {
			t.Fatalf("refused uploads left %d files, want 2", n)
		}

		// Auditors read and change nothing; outside the scope the demand does not exist.
		if _, err := e.s.Attach(e.ctx, e.f.Users[auth.Auditor], id, four[:1]); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("auditor attach: %v", err)
		}
		other := e.file(t, nil, "sanitation", testkit.ResB1, "天平路垃圾")
		if _, err := e.s.Attach(e.ctx, staff, other.Demand.ID, four[:1]); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("out of scope attach: %v", err)
		}
		if _, err := e.s.Attachment(e.ctx, staff, other.Demand.ID, got[0].ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("a file through another demand's id: %v", err)
		}
		if _, err := e.s.Attachment(e.ctx, e.f.Users[auth.Resident], id, got[0].ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("resident reads a file: %v", err)
		}
		if n := count(); n != 2 {
			t.Fatalf("refused uploads left %d files, want 2", n)
		}
		// Up to the limit, then no more.
		if _, err := e.s.Attach(e.ctx, staff, id, four[:3]); err != nil {
			t.Fatalf("up to the limit: %v", err)
		}
		_, err = e.s.Attach(e.ctx, staff, id, four[:1])
		wantAttachError(t, "sixth", err, "a demand takes at most 5")
	})
}

// TestIntakeWithAttachments files photos with the demand in one
// transaction: the reporter sees them through the link; a bad file files
// nothing at all.
func TestIntakeWithAttachments(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		photo := testkit.JPEG(50 << 10)
		in := demand.NewDemand{Category: "sanitation", Area: testkit.ResA1, Description: "垃圾桶满了",
			Attachments: []demand.File{{Name: "垃圾桶.jpg", Data: photo}, {Name: "IMG_0001.HEIC", Data: testkit.HEIC(10 << 10)}}}
		filed, err := e.s.Intake(e.ctx, nil, in)
		if err != nil {
			t.Fatalf("intake: %v", err)
		}
		if as := filed.Demand.Attachments; len(as) != 2 || !as[0].AtIntake || as[1].ContentType != "image/heic" || as[1].Image() {
			t.Fatalf("filed attachments: %+v", as)
		}
		tr, err := e.s.Track(e.ctx, filed.Token)
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Attachments) != 2 || tr.Events[len(tr.Events)-1].Action != "attach" || tr.Events[len(tr.Events)-1].Note != "添加照片 2 张" {
			t.Fatalf("tracked: %+v %+v", tr.Attachments, tr.Events)
		}
		f, err := e.s.TrackedAttachment(e.ctx, filed.Token, tr.Attachments[0].ID)
		if err != nil || !bytes.Equal(f.Data, photo) {
			t.Fatalf("tracked file: %v", err)
		}
		if _, err := e.s.TrackedAttachment(e.ctx, "wrong-token", tr.Attachments[0].ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("wrong token: %v", err)
		}
		// A photo staff add later is not the reporter's to see.
		added, err := e.s.Attach(e.ctx, e.f.Users[auth.CommunityStaff], filed.Demand.ID, []demand.File{{Name: "现场.png", Data: testkit.PNG(0)}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.TrackedAttachment(e.ctx, filed.Token, added[0].ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("staff photo through the link: %v", err)
		}
		if tr, _ := e.s.Track(e.ctx, filed.Token); len(tr.Attachments) != 2 {
			t.Fatalf("the link lists %d files, want the 2 filed with the report", len(tr.Attachments))
		}

		var before int
		d.QueryRow(e.ctx, "SELECT count(*) FROM demands").Scan(&before)
		in.Attachments = append(in.Attachments, demand.File{Name: "notes.txt", Data: []byte("hello")})
		_, err = e.s.Intake(e.ctx, nil, in)
		wantAttachError(t, "intake with a text file", err, "notes.txt is not a JPEG")
		in.Attachments = []demand.File{{Data: photo}, {Data: photo}, {Data: photo}, {Data: photo}, {Data: photo}, {Data: photo}}
		_, err = e.s.Intake(e.ctx, nil, in)
		wantAttachError(t, "intake with six files", err, "6 files were sent; a demand takes at most 5")
		var after, files int
		d.QueryRow(e.ctx, "SELECT count(*) FROM demands").Scan(&after)
		d.QueryRow(e.ctx, "SELECT count(*) FROM demand_attachments").Scan(&files)
		if after != before || files != 3 {
			t.Fatalf("refused intakes left %d demands (had %d) and %d files (want 3)", after, before, files)
		}
	})
}

func TestMediaURL(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in := demand.NewDemand{Category: "sanitation", Area: testkit.ResA1, Description: "垃圾", MediaURL: "javascript:alert(1)"}
		if _, err := e.s.Intake(e.ctx, nil, in); errs.Code(err) != errs.EINVALID || errs.DetailsOf(err)[0].Field != "media_url" {
			t.Fatalf("bad media_url: %v", err)
		}
		in.MediaURL = " https://img.example.org/p/1.jpg "
		filed, err := e.s.Intake(e.ctx, nil, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Get(e.ctx, auth.SystemPrincipal(), filed.Demand.ID)
		if err != nil || got.MediaURL != "https://img.example.org/p/1.jpg" {
			t.Fatalf("media_url %q, %v", got.MediaURL, err)
		}
	})
}
