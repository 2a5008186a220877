package demand

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/texts"
)

// Limits on the photos and files of a demand (附件). A phone photo is 2–4 MiB
// as JPEG or HEIC; five of them show a case, and a whole upload stays small
// enough to hold in memory and to write in one transaction.
const (
	MaxAttachmentBytes = 5 << 20 // one file
	MaxAttachments     = 5       // per demand, counting every upload
	maxAttachmentName  = 120     // characters of a file name kept
)

// MaxUploadBytes bounds one upload request: every file at its limit plus
// room for the form fields around them. Handlers refuse bigger bodies
// before reading them.
const MaxUploadBytes = MaxAttachments*MaxAttachmentBytes + 1<<20

// AttachmentTypes are the accepted types, as detected from the bytes, with
// the file name extensions each may carry (the first is added when a name
// has none of them). SVG and HTML are never accepted: they can carry script.
var AttachmentTypes = []AttachmentType{
	{"image/jpeg", []string{".jpg", ".jpeg", ".jpe", ".jfif"}},
	{"image/png", []string{".png"}},
	{"image/webp", []string{".webp"}},
	{"image/heic", []string{".heic", ".heif"}}, // iPhone photos
	{"application/pdf", []string{".pdf"}},
}

// AttachmentType is an accepted type and its file name extensions.
type AttachmentType struct {
	Type       string
	Extensions []string
}

// attachmentType finds an accepted type.
func attachmentType(t string) (AttachmentType, bool) {
	i := slices.IndexFunc(AttachmentTypes, func(a AttachmentType) bool { return a.Type == t })
	if i < 0 {
		return AttachmentType{}, false
	}
	return AttachmentTypes[i], true
}

// File is one uploaded file as a handler read it.
type File struct {
	Name        string // as the client named it
	ContentType string // as the client declared it: checked, never trusted
	Data        []byte
}

// Attachment is a stored photo or file of a demand, without its bytes.
type Attachment struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"` // detected from the bytes
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	AtIntake    bool      `json:"at_intake"` // filed with the report; the reporter sees it through the tracking link
	CreatedAt   time.Time `json:"created_at"`
}

// Image reports whether browsers show the file as a picture; HEIC (shown
// only by Safari) and PDF are offered as links.
func (a Attachment) Image() bool {
	return a.ContentType == "image/jpeg" || a.ContentType == "image/png" || a.ContentType == "image/webp"
}

// AttachmentFile is an attachment with its bytes, to serve.
type AttachmentFile struct {
	Attachment
	Data []byte
}

// checkedFile is a file that passed the checks, ready to store.
type checkedFile struct {
	name, contentType, sum string
	data                   []byte
}

// checkFiles checks files for a demand that has `have` already: at most
// MaxAttachments in all, each at most MaxAttachmentBytes and of an accepted
// type. Every problem is an EINVALID detail naming "attachments".
func checkFiles(files []File, have int) ([]checkedFile, error) {
	if have+len(files) > MaxAttachments {
		if have == 0 {
			return nil, errs.Invalid("attachments", "%d files were sent; a demand takes at most %d", len(files), MaxAttachments)
		}
		return nil, errs.Invalid("attachments", "the demand has %d files and %d more were sent; a demand takes at most %d", have, len(files), MaxAttachments)
	}
	var ds []errs.Detail
	out := make([]checkedFile, 0, len(files))
	for _, f := range files {
		c, err := checkFile(f)
		if err != nil {
			ds = append(ds, errs.DetailsOf(err)...)
			continue
		}
		out = append(out, c)
	}
	if len(ds) > 0 {
		return nil, errs.Fields(ds)
	}
	return out, nil
}

// checkFile checks one file: its size, the type its bytes show, and that
// the type the client declared (if any) says the same.
func checkFile(f File) (checkedFile, error) {
	name := baseName(f.Name)
	switch n := len(f.Data); {
	case n == 0:
		return checkedFile{}, errs.Invalid("attachments", "%s is empty", name)
	case n > MaxAttachmentBytes:
		return checkedFile{}, errs.Invalid("attachments", "%s is %s; a file may be at most %d MiB", name, mib(n), MaxAttachmentBytes>>20)
	}
	got := SniffType(f.Data)
	if _, ok := attachmentType(got); !ok {
		return checkedFile{}, errs.Invalid("attachments", "%s is not a JPEG, PNG, WebP or HEIC photo or a PDF file", name)
	}
	if said := declaredType(f.ContentType); said != "" && said != got {
		return checkedFile{}, errs.Invalid("attachments", "%s is sent as %s but its content is %s", name, said, got)
	}
	sum := sha256.Sum256(f.Data)
	return checkedFile{name: withExtension(name, got), contentType: got, sum: hex.EncodeToString(sum[:]), data: f.Data}, nil
}

// SniffType returns the media type the bytes show (no parameters):
// net/http's sniffing, plus the ISO box header of HEIC photos.
func SniffType(b []byte) string {
	if len(b) >= 12 && string(b[4:8]) == "ftyp" {
		switch string(b[8:12]) {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			return "image/heic"
		}
	}
	t, _, err := mime.ParseMediaType(http.DetectContentType(b))
	if err != nil {
		return "application/octet-stream"
	}
	return t
}

// declaredType normalizes the type a client declared; "" when it said
// nothing specific (no type, or application/octet-stream).
func declaredType(ct string) string {
	t, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	switch t {
	case "application/octet-stream":
		return ""
	case "image/jpg", "image/pjpeg":
		return "image/jpeg"
	case "image/heif", "image/heic-sequence", "image/heif-sequence":
		return "image/heic"
	}
	return t
}

// baseName keeps the base of a client's file name, without control
// characters and cut to a sane length: it is shown and sent back in
// Content-Disposition, never used as a path.
func baseName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name))
	if name == "." || name == "/" || name == "" {
		return "file"
	}
	if r := []rune(name); len(r) > maxAttachmentName {
		name = string(r[:maxAttachmentName])
	}
	return name
}

// withExtension makes a name end in an extension of its real type, so a
// download never opens as something else.
func withExtension(name, contentType string) string {
	if t, ok := attachmentType(contentType); ok && !slices.Contains(t.Extensions, strings.ToLower(path.Ext(name))) {
		name += t.Extensions[0]
	}
	return name
}

// mib writes a size the way the limits are written, rounded up so a file
// just over 5 MiB never reads "5.0 MiB": 5.1 MiB.
func mib(n int) string {
	return strconv.FormatFloat(math.Ceil(float64(n)*10/(1<<20))/10, 'f', 1, 64) + " MiB"
}

// Attach adds files to a demand in one transaction, with a step on the
// timeline and an audit row. Those who work on the demand may, and so may
// those who could have taken it in with the files (a grid worker adding
// the photos a resident sent later). Too many files, too large or of the
// wrong type is EINVALID naming "attachments", and nothing is stored.
func (s *Service) Attach(ctx context.Context, p *auth.Principal, id int64, files []File) ([]Attachment, error) {
	if p == nil {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	var out []Attachment
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := s.canSee(ctx, tx, p, d); err != nil {
			return err
		}
		if err := s.mayAttach(ctx, tx, p, d); err != nil {
			return err
		}
		if len(files) == 0 {
			return errs.Invalid("attachments", "choose at least one photo or file")
		}
		have, err := countAttachments(ctx, tx, id)
		if err != nil {
			return err
		}
		checked, err := checkFiles(files, have)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if out, err = storeFiles(ctx, tx, d, p, checked, now, false); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE demands SET updated_at = ? WHERE id = ?", now.UTC(), id); err != nil {
			return errs.Wrap(err, "touch demand")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "attach", Entity: "demand", EntityID: strconv.FormatInt(id, 10),
			AreaPath: d.AreaPath, After: map[string]any{"attachments": auditFiles(out)}})
	})
	return out, err
}

// CanAttach reports whether p may add files to d, for pages deciding
// whether to offer the form; Attach decides again.
func (s *Service) CanAttach(ctx context.Context, p *auth.Principal, d *Demand) bool {
	return p != nil && s.mayAttach(ctx, s.db, p, d) == nil
}

// mayAttach: anyone who may note the demand (works on it), or who may take
// in demands where it lies. Auditors and other readers only look.
func (s *Service) mayAttach(ctx context.Context, q db.Querier, p *auth.Principal, d *Demand) error {
	if s.mayAct(ctx, q, p, d, ActionInput{Action: ActNote}) == nil || auth.Authorize(p, auth.DemandIntake, d.AreaPath) == nil {
		return nil
	}
	return errs.New(errs.EFORBIDDEN, "only those who work on this demand may add photos or files to it")
}

// storeFiles writes checked files of demand d inside tx, with one step on
// the timeline saying how many were added. At intake the step is public:
// the reporter sees their own photos.
func storeFiles(ctx context.Context, tx *db.Tx, d *Demand, p *auth.Principal, files []checkedFile, now time.Time, atIntake bool) ([]Attachment, error) {
	var uploadedBy any
	who := actorOf(p) // uploader: a member of staff's name, or '' for a resident
	if who.id != 0 {
		uploadedBy = who.id
	}
	out := make([]Attachment, 0, len(files))
	for _, f := range files {
		id, err := db.InsertID(ctx, tx, `INSERT INTO demand_attachments (demand_id, name, content_type, size, sha256, at_intake, uploaded_by, uploader, created_at, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, f.name, f.contentType, len(f.data), f.sum, atIntake, uploadedBy, who.name, now.UTC(), f.data)
		if err != nil {
			return nil, errs.Wrap(err, "insert attachment")
		}
		out = append(out, Attachment{ID: id, Name: f.name, ContentType: f.contentType, Size: int64(len(f.data)), SHA256: f.sum,
			AtIntake: atIntake, CreatedAt: now})
	}
	return out, event(ctx, tx, d.ID, now, who, "attach", d.Status, d.Status, attachNote(out), "", atIntake)
}

// attachNote says what was added (AttachNote).
func attachNote(as []Attachment) texts.Text {
	photos := 0
	for _, a := range as {
		if strings.HasPrefix(a.ContentType, "image/") {
			photos++
		}
	}
	return AttachNote(photos, len(as)-photos)
}

// auditFiles is what the audit log keeps of added files: no names, which
// may carry personal data, but the checksum that identifies each.
func auditFiles(as []Attachment) []map[string]any {
	out := make([]map[string]any, len(as))
	for i, a := range as {
		out[i] = map[string]any{"id": a.ID, "type": a.ContentType, "size": a.Size, "sha256": a.SHA256}
	}
	return out
}

func countAttachments(ctx context.Context, q db.Querier, id int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT count(*) FROM demand_attachments WHERE demand_id = ?", id).Scan(&n)
	return n, errs.Wrap(err, "count attachments")
}

const attachmentCols = "id, name, content_type, size, sha256, at_intake, created_at"

// attachments lists a demand's files, oldest first, without their bytes;
// intakeOnly keeps those filed with the report.
func attachments(ctx context.Context, q db.Querier, id int64, intakeOnly bool) ([]Attachment, error) {
	query := "SELECT " + attachmentCols + " FROM demand_attachments WHERE demand_id = ?"
	if intakeOnly {
		query += " AND at_intake"
	}
	out, err := db.All(ctx, q, query+" ORDER BY id", []any{id}, func(sc db.Scanner) (Attachment, error) {
		var a Attachment
		err := sc.Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.AtIntake, &a.CreatedAt)
		return a, err
	})
	return out, errs.Wrap(err, "attachments")
}

// attachmentFile reads one file of a demand with its bytes.
func attachmentFile(ctx context.Context, q db.Querier, demandID, id int64, intakeOnly bool) (*AttachmentFile, error) {
	query := "SELECT " + attachmentCols + ", data FROM demand_attachments WHERE id = ? AND demand_id = ?"
	if intakeOnly {
		query += " AND at_intake"
	}
	f := &AttachmentFile{}
	err := q.QueryRow(ctx, query, id, demandID).Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.AtIntake, &f.CreatedAt, &f.Data)
	if err != nil {
		return nil, db.NotFound(err, "attachment")
	}
	return f, nil
}

// Attachment returns one file of a demand with its bytes, for those who
// may see the demand; to anyone else neither exists.
func (s *Service) Attachment(ctx context.Context, p *auth.Principal, demandID, id int64) (*AttachmentFile, error) {
	if p == nil {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	d, err := load(ctx, s.db, demandID, false)
	if err != nil {
		return nil, err
	}
	if err := s.canSee(ctx, s.db, p, d); err != nil {
		return nil, err
	}
	return attachmentFile(ctx, s.db, demandID, id, false)
}

// TrackedAttachment returns a file the holder of a tracking link filed with
// their own report. Files staff added later, and after a merge the other
// reporters' files, are not theirs to see: they may show other people.
func (s *Service) TrackedAttachment(ctx context.Context, token string, id int64) (*AttachmentFile, error) {
	original, err := s.reportOf(ctx, token)
	if err != nil {
		return nil, err
	}
	return attachmentFile(ctx, s.db, original, id, true)
}

// reportOf returns the demand a tracking token was given for (its reporter's
// original demand, which a merge does not change).
func (s *Service) reportOf(ctx context.Context, token string) (int64, error) {
	var original int64
	err := s.db.QueryRow(ctx, "SELECT original_id FROM demand_reporters WHERE tracking_hash = ?", hashToken(token)).Scan(&original)
	if err != nil {
		return 0, errs.New(errs.ENOTFOUND, "no demand has this tracking link")
	}
	return original, nil
}

// validMediaURL accepts an absolute http or https URL of at most 2,000
// characters: Open311's media_url, a link published as given.
func validMediaURL(s string) bool {
	if len(s) > 2000 || !utf8.ValidString(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// ServeHTTP writes a stored file, for the API, the demand page and the
// tracking link alike: its detected type, never sniffed again by the
// browser, pictures inline and other files as downloads, under a sandbox so
// nothing in a file can run as this site. Only the viewer's own browser may
// cache it: it shows people and places.
func (f *AttachmentFile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	disposition := "attachment"
	if f.Image() {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	if d := mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}); d != "" {
		h.Set("Content-Disposition", d)
	} else {
		h.Set("Content-Disposition", disposition)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("ETag", `"`+f.SHA256+`"`)
	http.ServeContent(w, r, "", f.CreatedAt, bytes.NewReader(f.Data))
}
