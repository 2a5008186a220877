package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// part is one file of a multipart upload.
type part struct {
	name, contentType string
	data              []byte
}

func photo(name string, data []byte) part { return part{name, "image/jpeg", data} }

// upload builds a multipart body with each file in a field named "file"
// and the given text fields.
func upload(files ...part) multipartBody { return uploadWith(nil, files...) }

func uploadWith(fields map[string]string, files ...part) multipartBody {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+f.name+`"`)
		if f.contentType != "" {
			h.Set("Content-Type", f.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			panic(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	return multipartBody{contentType: mw.FormDataContentType(), data: buf.Bytes()}
}

// attach adds a photo to a demand through the service and returns its id.
func (e *env) attach(demandID int64) int64 {
	e.t.Helper()
	as, err := e.demand.Attach(context.Background(), auth.SystemPrincipal(), demandID,
		[]demand.File{{Name: "现场.jpg", Data: testkit.JPEG(2 << 10)}})
	if err != nil {
		e.t.Fatalf("attach: %v", err)
	}
	return as[0].ID
}

// fileWithPhoto files a demand with a photo as a resident would on /report.
func (e *env) fileWithPhoto(area, text string) demand.Filed {
	e.t.Helper()
	f, err := e.demand.Intake(context.Background(), nil, demand.NewDemand{Category: "sanitation", Description: text, Area: area,
		Attachments: []demand.File{{Name: "楼道.jpg", Data: testkit.JPEG(2 << 10)}}})
	if err != nil {
		e.t.Fatalf("intake: %v", err)
	}
	return f
}

type attachmentBody struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	AtIntake    bool   `json:"at_intake"`
}

func TestAttachments(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		f := e.fileDirect(testkit.ResA1, "noise", "楼下深夜施工")
		path := "/demands/" + strconv.FormatInt(f.Demand.ID, 10)
		stored := func() int { return e.count("SELECT count(*) FROM demand_attachments WHERE demand_id = ?", f.Demand.ID) }

		pic, doc := testkit.JPEG(1<<20), testkit.PDF(3<<10)
		res := e.as(auth.CommunityStaff, "POST", path+"/attachments", upload(photo("工地.jpg", pic), part{"通知.pdf", "application/pdf", doc}))
		if res.status != 201 {
			t.Fatalf("upload: %d %s", res.status, res.body)
		}
		conforms(t, "AttachmentList", res)
		added := decodeJSON[listBody[attachmentBody]](t, res)
		sum := sha256.Sum256(pic)
		if added.Total != 2 || added.Items[0].SHA256 != hex.EncodeToString(sum[:]) || added.Items[0].Size != int64(len(pic)) ||
			added.Items[1].ContentType != "application/pdf" || added.Items[1].Name != "通知.pdf" {
			t.Fatalf("added: %s", res.body)
		}

		// Read back: the same bytes, with the headers that keep a browser from running them.
		res = e.as(auth.Auditor, "GET", path+"/attachments/"+strconv.FormatInt(added.Items[0].ID, 10), nil)
		if res.status != 200 || !bytes.Equal(res.body, pic) {
			t.Fatalf("read back: %d, %d bytes (want %d)", res.status, len(res.body), len(pic))
		}
		for k, want := range map[string]string{"Content-Type": "image/jpeg", "X-Content-Type-Options": "nosniff",
			"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline; filename*=utf-8''%E5%B7%A5%E5%9C%B0.jpg",
			"Content-Security-Policy": "default-src 'none'; sandbox"} {
			if got := res.header.Get(k); got != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		res = e.as(auth.Auditor, "GET", path+"/attachments/"+strconv.FormatInt(added.Items[1].ID, 10), nil)
		if !bytes.Equal(res.body, doc) || !strings.HasPrefix(res.header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("the PDF is not offered as a download: %v", res.header)
		}
		res = e.as(auth.CommunityStaff, "GET", path, nil)
		conforms(t, "DemandDetail", res)
		if got := decodeJSON[struct {
			Attachments []attachmentBody `json:"attachments"`
			Events      []event          `json:"events"`
		}](t, res); len(got.Attachments) != 2 || got.Events[len(got.Events)-1].Action != "attach" {
			t.Fatalf("the demand does not list its files: %s", res.body)
		}

		// Refusals: each names the field, and nothing is stored.
		res = e.as(auth.CommunityStaff, "POST", path+"/attachments", upload(photo("大.jpg", testkit.JPEG(demand.MaxAttachmentBytes+10))))
		ae := wantError(t, res, 400, "EINVALID", "attachments")
		testkit.Contains(t, ae.Error.Message, "大.jpg is 5.1 MiB; a file may be at most 5 MiB")
		res = e.as(auth.CommunityStaff, "POST", path+"/attachments", upload(photo("photo.jpg", []byte("MZ\x90\x00 this is a program"))))
		ae = wantError(t, res, 400, "EINVALID", "attachments")
		testkit.Contains(t, ae.Error.Message, "photo.jpg is not a JPEG, PNG, WebP or HEIC photo or a PDF file")
		res = e.as(auth.CommunityStaff, "POST", path+"/attachments", upload(photo("a.jpg", pic), photo("b.jpg", pic), photo("c.jpg", pic), photo("d.jpg", pic)))
		ae = wantError(t, res, 400, "EINVALID", "attachments")
		testkit.Contains(t, ae.Error.Message, "a demand takes at most 5")
		res = e.as(auth.CommunityStaff, "POST", path+"/attachments", upload())
		wantError(t, res, 400, "EINVALID", "attachments")
		res = e.as(auth.CommunityStaff, "POST", path+"/attachments", map[string]any{"file": "x"})
		wantError(t, res, 400, "EINVALID", "attachments")
		if n := stored(); n != 2 {
			t.Fatalf("refused uploads stored files: %d, want 2", n)
		}

		// A body over the limit is 413 before it is read (declared length)
		// and while it is read (chunked).
		huge := upload(photo("1.jpg", testkit.JPEG(demand.MaxUploadBytes)))
		res = e.as(auth.CommunityStaff, "POST", path+"/attachments", huge)
		wantError(t, res, 413, "ETOOLARGE", "attachments")
		req, err := http.NewRequest("POST", e.base+path+"/attachments", struct{ io.Reader }{bytes.NewReader(huge.data)})
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", huge.contentType)
		req.Header.Set("Authorization", "Bearer "+e.tokens[auth.CommunityStaff])
		res = e.send(req)
		wantError(t, res, 413, "ETOOLARGE", "attachments")
		if n := stored(); n != 2 {
			t.Fatalf("huge uploads stored files: %d, want 2", n)
		}

		// Role and scope: auditors read but add nothing; outside the scope nothing exists.
		res = e.as(auth.Auditor, "POST", path+"/attachments", upload(photo("a.jpg", pic)))
		wantError(t, res, 403, "EFORBIDDEN", "")
		other := e.fileDirect(testkit.ResB1, "noise", "天平路噪音")
		otherPath := "/demands/" + strconv.FormatInt(other.Demand.ID, 10)
		res = e.as(auth.CommunityStaff, "POST", otherPath+"/attachments", upload(photo("a.jpg", pic)))
		wantError(t, res, 404, "ENOTFOUND", "")
		res = e.as(auth.CommunityStaff, "GET", otherPath+"/attachments/"+strconv.FormatInt(added.Items[0].ID, 10), nil)
		wantError(t, res, 404, "ENOTFOUND", "")
		res = e.as(auth.Resident, "GET", path+"/attachments/"+strconv.FormatInt(added.Items[0].ID, 10), nil)
		wantError(t, res, 404, "ENOTFOUND", "")
		res = e.as(auth.CommunityStaff, "GET", path+"/attachments/abc", nil)
		wantError(t, res, 404, "ENOTFOUND", "")
	})
}

// TestCreateDemandWithPhotos files a demand and its photos in one multipart request.
func TestCreateDemandWithPhotos(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		body := `{"category":"noise","description":"工地夜间施工","channel":"hotline","area":"` + testkit.ResA1 + `"}`
		res := e.as(auth.CommunityStaff, "POST", "/demands", uploadWith(map[string]string{"demand": body}, photo("工地.jpg", testkit.JPEG(8<<10))))
		if res.status != 201 {
			t.Fatalf("create with a photo: %d %s", res.status, res.body)
		}
		conforms(t, "DemandCreated", res)
		got := decodeJSON[struct {
			ID          int64            `json:"id"`
			Attachments []attachmentBody `json:"attachments"`
		}](t, res)
		if len(got.Attachments) != 1 || !got.Attachments[0].AtIntake {
			t.Fatalf("created: %s", res.body)
		}
		demands := func() int { return e.count("SELECT count(*) FROM demands") }
		before := demands()
		res = e.as(auth.CommunityStaff, "POST", "/demands", uploadWith(map[string]string{"demand": body}, part{"readme.jpg", "image/jpeg", []byte("hello")}))
		wantError(t, res, 400, "EINVALID", "attachments")
		res = e.as(auth.CommunityStaff, "POST", "/demands", uploadWith(map[string]string{"demand": `{"category":"noise","oops":1}`}))
		wantError(t, res, 400, "EINVALID", "oops")
		res = e.as(auth.CommunityStaff, "POST", "/demands", uploadWith(nil, photo("a.jpg", testkit.JPEG(0))))
		wantError(t, res, 400, "EINVALID", "demand")
		if demands() != before || e.count("SELECT count(*) FROM demand_attachments") != 1 {
			t.Fatal("a refused multipart intake stored something")
		}
	})
}

// TestTrackedAttachments: the link lists and serves the photos filed with
// its own report, and nothing staff add later.
func TestTrackedAttachments(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		f := e.fileWithPhoto(testkit.ResA1, "楼道堆放杂物")
		later := e.attach(f.Demand.ID)
		res := e.do("", "GET", "/track/"+f.Token, nil)
		if res.status != 200 {
			t.Fatalf("track: %d %s", res.status, res.body)
		}
		conforms(t, "Tracked", res)
		got := decodeJSON[struct {
			Attachments []attachmentBody `json:"attachments"`
		}](t, res)
		if len(got.Attachments) != 1 || got.Attachments[0].ID != f.Demand.Attachments[0].ID || got.Attachments[0].Name != "楼道.jpg" {
			t.Fatalf("the link lists %s", res.body)
		}
		res = e.do("", "GET", "/track/"+f.Token+"/attachments/"+strconv.FormatInt(got.Attachments[0].ID, 10), nil)
		if res.status != 200 || !bytes.Equal(res.body, testkit.JPEG(2<<10)) || res.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("file through the link: %d %v", res.status, res.header)
		}
		res = e.do("", "GET", "/track/"+f.Token+"/attachments/"+strconv.FormatInt(later, 10), nil)
		wantError(t, res, 404, "ENOTFOUND", "")
		res = e.do("", "GET", "/track/not-a-token/attachments/"+strconv.FormatInt(got.Attachments[0].ID, 10), nil)
		wantError(t, res, 404, "ENOTFOUND", "")
	})
}
