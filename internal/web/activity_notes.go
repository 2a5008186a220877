package web

import (
	"net/http"
	"net/url"
	"strconv"

	"gongzhi/internal/activity"
	"gongzhi/internal/errs"
)

// activityNotesPage is an activity's notice and downloadable materials
// (活动须知, 资料下载): a phone page for those signed up, with the
// organiser's forms.
type activityNotesPage struct {
	A          activity.Activity
	Notes      activity.Notes
	CanManage  bool
	Notice     cadreForm
	FileError  string
	MaxMiB     int
	MaxFiles   int
	Done       string
	FileSizeOf func(int64) string
}

func (s *server) activityNotes(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showActivityNotes(w, r, rq, http.StatusOK, cadreForm{V: map[string]string{}}, "")
}

func (s *server) showActivityNotes(w http.ResponseWriter, r *http.Request, rq *request, status int, f cadreForm, fileErr string) error {
	ctx := r.Context()
	id := cadreID(r.PathValue("id"))
	a, err := s.Activity.Get(ctx, rq.P, id)
	if err != nil {
		return err
	}
	n, ok, err := s.Activity.NotesOf(ctx, rq.P, id)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.ENOTFOUND, "sign up for the activity to read its notice and materials")
	}
	d := activityNotesPage{A: a, Notes: n, CanManage: activity.CanManage(rq.P, a), Notice: f, FileError: fileErr,
		MaxMiB: activity.MaxMaterialBytes >> 20, MaxFiles: activity.MaxMaterials, Done: r.URL.Query().Get("done"), FileSizeOf: fileSize}
	if d.Notice.V["notice"] == "" && d.Notice.Errors == nil {
		d.Notice.V["notice"] = n.Notice
	}
	s.render(w, rq, status, "cadre_activity_notes.html", rq.view(r, "members", "cadre.notes.title", d))
	return nil
}

func (s *server) activityNoticeSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := cadreFormOf(r, "notice")
	id := cadreID(r.PathValue("id"))
	err := s.Activity.SetNotice(r.Context(), rq.P, id, f.V["notice"])
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "notice")
		return s.showActivityNotes(w, r, rq, http.StatusUnprocessableEntity, f, "")
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/activities/"+strconv.FormatInt(id, 10)+"/notes?done=notice")
}

func (s *server) activityMaterialAdd(w http.ResponseWriter, r *http.Request, rq *request) error {
	id := cadreID(r.PathValue("id"))
	files, err := formFiles(r)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return s.showActivityNotes(w, r, rq, http.StatusUnprocessableEntity, cadreForm{V: map[string]string{}}, rq.T("cadre.notes.one_file"))
	}
	_, err = s.Activity.AddMaterial(r.Context(), rq.P, id, files[0])
	if errs.Code(err) == errs.EINVALID {
		return s.showActivityNotes(w, r, rq, http.StatusUnprocessableEntity, cadreForm{V: map[string]string{}}, rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/activities/"+strconv.FormatInt(id, 10)+"/notes?done=file")
}

func (s *server) activityMaterial(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, err := s.Activity.MaterialOf(r.Context(), rq.P, cadreID(r.PathValue("id")), cadreID(r.PathValue("mid")))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(m.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Length", strconv.Itoa(len(m.Data)))
	w.Write(m.Data)
	return nil
}
