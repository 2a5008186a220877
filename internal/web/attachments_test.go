package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// upFile is one file of a multipart form.
type upFile struct {
	name, contentType string
	data              []byte
}

// postFiles posts a multipart form: the fields as given (no csrf added)
// and each file in the field "attachments", as a browser sends the forms.
func (b *browser) postFiles(path string, fields url.Values, files ...upFile) response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="attachments"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			b.t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	return b.do(http.MethodPost, path, &buf, mw.FormDataContentType())
}

var attachmentLink = regexp.MustCompile(`<img src="(/[^"]+/attachments/(\d+))"`)

// TestReportWithPhotos: a resident files a demand with a photo from the
// phone form; both land in one transaction, and the photo is seen through
// the tracking link only.
func TestReportWithPhotos(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		r := s.browser(t)
		_, form := r.get("/report")
		testkit.Contains(t, form, `enctype="multipart/form-data"`, `name="attachments" type="file" accept="image/*,application/pdf" multiple`,
			"最多 5 个，每个不超过 5 MB")

		fields := url.Values{"category": {"noise"}, "area": {testkit.ResA1}, "description": {"夜里工地还在打桩"}}
		// A bad file refuses the whole report: no demand, no file.
		resp := r.postFiles("/report", fields, upFile{"打桩.jpg", "image/jpeg", []byte("GIF89a not a jpeg")})
		wantStatus(t, "bad file", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "打桩.jpg 不是 JPEG、PNG、WebP、HEIC 照片或 PDF 文件", `id="r-attachments-error"`, "请重新选择照片",
			`id="r-area" name="area" type="text" value="湖南路街道 / 东湖居民区"`) // the area kept, named in full
		if n := s.count(t, "SELECT count(*) FROM demands") + s.count(t, "SELECT count(*) FROM demand_attachments"); n != 0 {
			t.Fatalf("a refused report stored %d rows", n)
		}
		six := make([]upFile, 6)
		for i := range six {
			six[i] = upFile{"p" + strconv.Itoa(i) + ".jpg", "image/jpeg", testkit.JPEG(1 << 10)}
		}
		resp = r.postFiles("/report", fields, six...)
		wantStatus(t, "six files", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "发送了 6 个文件；每条诉求最多 5 个")

		photo := testkit.JPEG(200 << 10)
		resp = r.postFiles("/report", fields, upFile{"打桩.jpg", "image/jpeg", photo}, upFile{"", "application/octet-stream", nil})
		wantStatus(t, "report with a photo", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "已收到您的 1 个照片或文件")
		m := trackingLink.FindStringSubmatch(resp.Body)
		if m == nil {
			t.Fatalf("no tracking link:\n%.1500s", resp.Body)
		}
		var id int64
		if err := s.DB.QueryRow(t.Context(), "SELECT max(id) FROM demands").Scan(&id); err != nil {
			t.Fatal(err)
		}
		if n := s.count(t, "SELECT count(*) FROM demand_attachments WHERE demand_id = ? AND at_intake AND uploaded_by IS NULL", id); n != 1 {
			t.Fatalf("the report's photo is not stored with it (%d rows)", n)
		}

		st, page := r.get("/t/" + m[1])
		wantStatus(t, "track", st, http.StatusOK, page)
		img := attachmentLink.FindStringSubmatch(page)
		if img == nil || !strings.HasPrefix(img[1], "/t/"+m[1]+"/") {
			t.Fatalf("no thumbnail under the link:\n%.3000s", page)
		}
		testkit.Contains(t, page, "您提交的照片和文件", `alt="打桩.jpg"`, `data-event="attach"`)
		got := r.do(http.MethodGet, img[1], nil, "")
		if got.StatusCode != http.StatusOK || got.Body != string(photo) || got.Header.Get("X-Content-Type-Options") != "nosniff" ||
			got.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(got.Header.Get("Cache-Control"), "private") {
			t.Fatalf("photo through the link: %d %v (%d bytes)", got.StatusCode, got.Header, len(got.Body))
		}
		// Without the token, or with another, nothing is found; the staff URL needs a session.
		if st, _ := r.get("/t/nosuchtoken/attachments/" + img[2]); st != http.StatusNotFound {
			t.Errorf("photo with a wrong token: %d", st)
		}
		resp = r.do(http.MethodGet, "/demands/"+strconv.FormatInt(id, 10)+"/attachments/"+img[2], nil, "")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("staff URL without a session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// TestIntakeAndDemandPagePhotos: staff file photos with the intake form
// and add more from the demand page; readers see them but add nothing.
func TestIntakeAndDemandPagePhotos(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		b := s.login(t, auth.CommunityStaff)
		_, form := b.get("/demands/new")
		testkit.Contains(t, form, `id="intake-form" enctype="multipart/form-data"`, `id="d-attachments" name="attachments"`)

		fields := url.Values{"category": {"噪音扰民"}, "area": {"东湖居民区"}, "channel": {"hotline"}, "description": {"楼下商铺音响扰民"}}
		resp := b.postFiles("/demands", fields, upFile{"现场.png", "image/png", testkit.PNG(0)})
		wantStatus(t, "intake without csrf", resp.StatusCode, http.StatusForbidden, resp.Body)
		fields.Set("csrf", b.csrf)
		resp = b.postFiles("/demands", fields, upFile{"现场.png", "image/png", testkit.PNG(0)}, upFile{"告知书.pdf", "application/pdf", testkit.PDF(0)})
		wantStatus(t, "intake with files", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "已随诉求保存 2 个照片或文件")
		m := regexp.MustCompile(`已登记诉求 #(\d+)`).FindStringSubmatch(resp.Body)
		if m == nil {
			t.Fatalf("not filed:\n%.2000s", resp.Body)
		}
		page := "/demands/" + m[1]

		_, body := b.get(page)
		testkit.Contains(t, body, `id="attachments"`, `alt="现场.png"`, `download><span class="attachment-name">告知书.pdf</span>`,
			`id="attach-form"`, `action="`+page+`/attachments"`, `data-event="attach"`)
		img := attachmentLink.FindStringSubmatch(body)
		if img == nil {
			t.Fatalf("no thumbnail on the demand page")
		}
		got := b.do(http.MethodGet, img[1], nil, "")
		if got.StatusCode != http.StatusOK || got.Body != string(testkit.PNG(0)) || got.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("photo: %d %v", got.StatusCode, got.Header)
		}

		photo := upFile{"补充.jpg", "image/jpeg", testkit.JPEG(10 << 10)}
		resp = b.postFiles(page+"/attachments", url.Values{"csrf": {b.csrf}}, photo)
		wantStatus(t, "add a photo", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = b.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "已添加 1 个照片或文件", `alt="补充.jpg"`)
		resp = b.postFiles(page+"/attachments", url.Values{"csrf": {b.csrf}}, photo, photo, photo)
		wantStatus(t, "too many", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "诉求已有 3 个文件，又发送了 3 个；每条诉求最多 5 个", `id="f-attachments-error"`)
		resp = b.postFiles(page+"/attachments", url.Values{"csrf": {b.csrf}}, upFile{"a.exe", "application/octet-stream", []byte("MZ\x90\x00program")})
		wantStatus(t, "a program", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "a.exe 不是 JPEG")
		resp = b.postFiles(page+"/attachments", url.Values{"csrf": {b.csrf}})
		wantStatus(t, "no file", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "请至少选择一个照片或文件")
		big := make([]upFile, 6)
		for i := range big {
			big[i] = upFile{"big.jpg", "image/jpeg", testkit.JPEG(demand.MaxAttachmentBytes)}
		}
		resp = b.postFiles(page+"/attachments", url.Values{"csrf": {b.csrf}}, big...)
		wantStatus(t, "huge upload", resp.StatusCode, http.StatusRequestEntityTooLarge, resp.Body)
		testkit.Contains(t, resp.Body, "上传内容超过 26 MiB")
		if n := s.count(t, "SELECT count(*) FROM demand_attachments WHERE demand_id = ?", m[1]); n != 3 {
			t.Fatalf("refused uploads: %d files stored, want 3", n)
		}

		// The auditor sees the files and is offered no form; posting is refused.
		a := s.login(t, auth.Auditor)
		_, body = a.get(page)
		testkit.Contains(t, body, `alt="现场.png"`)
		if strings.Contains(body, `id="attach-form"`) {
			t.Error("the auditor is offered the upload form")
		}
		resp = a.postFiles(page+"/attachments", url.Values{"csrf": {a.csrf}}, photo)
		wantStatus(t, "auditor adds a photo", resp.StatusCode, http.StatusForbidden, resp.Body)
		// Staff of another street find neither the demand nor its files.
		other := s.browser(t)
		u, err := s.F.Auth.CreateUser(t.Context(), auth.SystemPrincipal(), auth.NewUser{Username: "b_staff", DisplayName: "b", Password: testkit.Password,
			Role: string(auth.CommunityStaff), Area: testkit.ResB1})
		if err != nil {
			t.Fatal(err)
		}
		other.signIn(u.Username, testkit.Password)
		if st, _ := other.get(img[1]); st != http.StatusNotFound {
			t.Errorf("out of scope photo: %d", st)
		}
		resp = other.postFiles(page+"/attachments", url.Values{"csrf": {other.csrf}}, photo)
		wantStatus(t, "out of scope upload", resp.StatusCode, http.StatusNotFound, resp.Body)
	})
}
