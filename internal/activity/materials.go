package activity

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// Limits on an activity's notice and materials (活动须知, 资料下载). Files
// are of the types a demand's attachments take (checked from the bytes).
const (
	MaxNotice        = 4000    // characters
	MaxMaterialBytes = 5 << 20 // one file, as a demand's attachment
	MaxMaterials     = 10      // per activity
	maxMaterialName  = 120
)

// MaxMaterialUpload bounds one upload request.
const MaxMaterialUpload = MaxMaterialBytes + 1<<20

// Material is a downloadable file of an activity, without its bytes.
type Material struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// MaterialFile is a material with its bytes, to serve.
type MaterialFile struct {
	Material
	Data []byte
}

// Notes are an activity's notice and materials as a reader sees them.
type Notes struct {
	Notice    string     `json:"notice"`
	UpdatedAt *time.Time `json:"updated_at"`
	Materials []Material `json:"materials"`
}

// canReadNotes: the organisers (activity.write on its area) and those
// signed up (confirmed or waitlisted) read the notice and materials.
func (s *Service) canReadNotes(ctx context.Context, q db.Querier, p *auth.Principal, a Activity) (bool, error) {
	if CanManage(p, a) {
		return true, nil
	}
	if p == nil || p.UserID == 0 {
		return false, nil
	}
	var n int
	err := q.QueryRow(ctx, "SELECT count(*) FROM activity_signups WHERE activity_id = ? AND user_id = ? AND status <> 'cancelled'", a.ID, p.UserID).Scan(&n)
	return n > 0, errs.Wrap(err, "sign-up")
}

// NotesOf returns the notice and materials of activity id; ok is false
// (and nothing read) when p is neither an organiser nor signed up.
func (s *Service) NotesOf(ctx context.Context, p *auth.Principal, id int64) (Notes, bool, error) {
	a, err := s.Get(ctx, p, id)
	if err != nil {
		return Notes{}, false, err
	}
	ok, err := s.canReadNotes(ctx, s.db, p, a)
	if err != nil || !ok {
		return Notes{}, false, err
	}
	out := Notes{Materials: []Material{}}
	var at time.Time
	switch err := s.db.QueryRow(ctx, "SELECT body, updated_at FROM activity_notices WHERE activity_id = ?", id).Scan(&out.Notice, &at); err {
	case nil:
		out.UpdatedAt = &at
	case sql.ErrNoRows:
	default:
		return out, false, errs.Wrap(err, "activity notice")
	}
	out.Materials, err = db.All(ctx, s.db, `SELECT id, name, content_type, size, sha256, created_at FROM activity_materials
		WHERE activity_id = ? ORDER BY id`, []any{id}, func(sc db.Scanner) (Material, error) {
		var m Material
		err := sc.Scan(&m.ID, &m.Name, &m.ContentType, &m.Size, &m.SHA256, &m.CreatedAt)
		return m, err
	})
	return out, true, errs.Wrap(err, "activity materials")
}

// managed loads activity id in tx for an organiser's change.
func (s *Service) managed(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (Activity, error) {
	a, err := s.get(ctx, tx, id)
	if err != nil {
		return a, err
	}
	if !visible(p, auth.ActivityRead, a.AreaPath) {
		return a, hidden(p)
	}
	return a, auth.Authorize(p, auth.ActivityWrite, a.AreaPath)
}

// SetNotice writes (or, with "", clears) the activity's notice.
func (s *Service) SetNotice(ctx context.Context, p *auth.Principal, id int64, body string) error {
	body = strings.TrimSpace(body)
	if utf8.RuneCountInString(body) > MaxNotice {
		return errs.Invalid("notice", "a notice is at most %d characters", MaxNotice)
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.managed(ctx, tx, p, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, "DELETE FROM activity_notices WHERE activity_id = ?", id); err != nil {
			return errs.Wrap(err, "activity notice")
		}
		if body != "" {
			if _, err := tx.Exec(ctx, "INSERT INTO activity_notices (activity_id, body, updated_by, updated_at) VALUES (?, ?, ?, ?)",
				id, body, userOf(p), now); err != nil {
				return errs.Wrap(err, "activity notice")
			}
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "notice", Entity: "activity", EntityID: strconv.FormatInt(id, 10),
			AreaPath: a.AreaPath, After: map[string]any{"notice": body}})
	})
}

func userOf(p *auth.Principal) any {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return p.UserID
}

// materialName keeps the base of a client's file name, without control
// characters, cut to a sane length, ending in an extension of its type.
func materialName(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		name = "file"
	}
	if r := []rune(name); len(r) > maxMaterialName {
		name = string(r[:maxMaterialName])
	}
	i := slices.IndexFunc(demand.AttachmentTypes, func(t demand.AttachmentType) bool { return t.Type == contentType })
	if i >= 0 && !slices.Contains(demand.AttachmentTypes[i].Extensions, strings.ToLower(path.Ext(name))) {
		name += demand.AttachmentTypes[i].Extensions[0]
	}
	return name
}

// AddMaterial attaches a file to the activity (an organiser): of a type a
// demand's attachment takes, as its bytes show, at most MaxMaterialBytes,
// at most MaxMaterials per activity. A refused file stores nothing.
func (s *Service) AddMaterial(ctx context.Context, p *auth.Principal, id int64, f demand.File) (Material, error) {
	if len(f.Data) == 0 {
		return Material{}, errs.Invalid("file", "choose a file to attach")
	}
	if len(f.Data) > MaxMaterialBytes {
		return Material{}, errs.Invalid("file", "a file is at most %d MiB", MaxMaterialBytes>>20)
	}
	ct := demand.SniffType(f.Data)
	if !slices.ContainsFunc(demand.AttachmentTypes, func(t demand.AttachmentType) bool { return t.Type == ct }) {
		return Material{}, errs.Invalid("file", "materials are PDF files or photos (JPEG, PNG, WebP, HEIC)")
	}
	sum := sha256.Sum256(f.Data)
	m := Material{Name: materialName(f.Name, ct), ContentType: ct, Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:])}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.managed(ctx, tx, p, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM activity_materials WHERE activity_id = ?", id).Scan(&n); err != nil {
			return errs.Wrap(err, "activity materials")
		}
		if n >= MaxMaterials {
			return errs.Invalid("file", "an activity has at most %d files", MaxMaterials)
		}
		m.CreatedAt = s.clock.Now()
		if m.ID, err = db.InsertID(ctx, tx, `INSERT INTO activity_materials (activity_id, name, content_type, size, sha256, uploaded_by, created_at, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, m.Name, m.ContentType, m.Size, m.SHA256, userOf(p), m.CreatedAt, f.Data); err != nil {
			return errs.Wrap(err, "insert material")
		}
		return auth.Record(ctx, tx, m.CreatedAt, p, auth.Change{Action: "material", Entity: "activity", EntityID: strconv.FormatInt(id, 10),
			AreaPath: a.AreaPath, After: m})
	})
	return m, err
}

// MaterialOf returns one file of activity id with its bytes, for the
// organisers and those signed up; not found for anyone else.
func (s *Service) MaterialOf(ctx context.Context, p *auth.Principal, id, mid int64) (MaterialFile, error) {
	a, err := s.Get(ctx, p, id)
	if err != nil {
		return MaterialFile{}, err
	}
	if ok, err := s.canReadNotes(ctx, s.db, p, a); err != nil {
		return MaterialFile{}, err
	} else if !ok {
		return MaterialFile{}, errs.New(errs.ENOTFOUND, "file not found")
	}
	var m MaterialFile
	err = s.db.QueryRow(ctx, `SELECT id, name, content_type, size, sha256, created_at, data FROM activity_materials WHERE id = ? AND activity_id = ?`,
		mid, id).Scan(&m.ID, &m.Name, &m.ContentType, &m.Size, &m.SHA256, &m.CreatedAt, &m.Data)
	if err == sql.ErrNoRows {
		return m, errs.New(errs.ENOTFOUND, "file not found")
	}
	return m, errs.Wrap(err, "activity material")
}
