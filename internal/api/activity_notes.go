package api

import (
	"net/http"
	"net/url"
	"strconv"

	"gongzhi/internal/activity"
	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// noticeBody is an activity's notice as the organiser writes it.
type noticeBody struct {
	Notice string `json:"notice"`
}

func (s *server) activityNotes(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	n, ok, err := s.Activity.NotesOf(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.ENOTFOUND, "sign up for the activity to read its notice and materials")
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *server) putActivityNotice(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	var in noticeBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.Activity.SetNotice(r.Context(), p, id, in.Notice); err != nil {
		return err
	}
	return s.activityNotes(w, r, p)
}

func (s *server) addActivityMaterial(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	if err := readUpload(w, r); err != nil {
		return err
	}
	files, err := uploadedFiles(r)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return errs.Invalid("file", "send one file in the field file")
	}
	m, err := s.Activity.AddMaterial(r.Context(), p, id, files[0])
	if err != nil {
		return err
	}
	created(w, Prefix+"/activities/"+strconv.FormatInt(id, 10)+"/materials/"+strconv.FormatInt(m.ID, 10), m)
	return nil
}

func (s *server) getActivityMaterial(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	mid, err := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	if err != nil || mid < 1 {
		return errs.New(errs.ENOTFOUND, "file not found")
	}
	m, err := s.Activity.MaterialOf(r.Context(), p, id, mid)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(m.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	w.Write(m.Data)
	return nil
}

// activityNotesRoutes are an activity's notice and downloadable materials
// (活动须知, 资料下载): organisers write them, those signed up read them.
func activityNotesRoutes() []route {
	return []route{
		{Route{Method: "GET", Path: "/activities/{id}/notes", Op: Op{ID: "activityNotes", Tag: "activity",
			Summary: "The activity's notice and materials, for its organisers (activity.write on its area) and those signed up (confirmed or waitlisted); not found for anyone else.",
			Resps:   []Resp{{Status: 200, Desc: "The notice and the list of files.", Type: typeOf[activity.Notes]()}},
			Errs:    []int{404}}}, (*server).activityNotes},
		{Route{Method: "PUT", Path: "/activities/{id}/notice", Op: Op{ID: "putActivityNotice", Tag: "activity",
			Summary: "Write the activity's notice (an organiser); empty clears it. At most 4000 characters.",
			Body:    &Body{Type: typeOf[noticeBody]()},
			Resps:   []Resp{{Status: 200, Desc: "The notice and materials.", Type: typeOf[activity.Notes]()}},
			Errs:    []int{400, 403, 404, 413}}}, (*server).putActivityNotice},
		{Route{Method: "POST", Path: "/activities/{id}/materials", Op: Op{ID: "addActivityMaterial", Tag: "activity",
			Summary: "Attach one file to the activity (an organiser): multipart/form-data, the file in a field named file.",
			Desc:    "Checked as a demand's attachment: at most 5 MiB, JPEG, PNG, WebP, HEIC or PDF as the bytes show; at most 10 files an activity. A refused file is 400 and stores nothing.",
			Body:    &Body{Multipart: `{"type":"object","required":["file"],"properties":{"file":{"type":"string","format":"binary"}}}`},
			Resps:   []Resp{{Status: 201, Desc: "The file added.", Type: typeOf[activity.Material](), Location: true}},
			Errs:    []int{400, 403, 404, 413}}}, (*server).addActivityMaterial},
		{Route{Method: "GET", Path: "/activities/{id}/materials/{mid}", Op: Op{ID: "getActivityMaterial", Tag: "activity",
			Summary: "Download one file of the activity: its organisers and those signed up.",
			Params:  []Param{{Name: "mid", In: "path", Desc: "File id.", Schema: `{"type":"integer","format":"int64"}`}},
			Resps: []Resp{{Status: 200, Desc: "The file as an attachment.", Files: []string{"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"},
				Headers: []Header{{"Content-Disposition", "attachment, with the file name."}, {"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "private, max-age=3600"}}}},
			Errs: []int{404}}}, (*server).getActivityMaterial},
	}
}
