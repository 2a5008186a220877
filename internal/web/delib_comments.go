package web

import (
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/delib"
	"gongzhi/internal/errs"
)

// commentsView is a topic's thread on its page: the comments oldest first,
// the area's civility policy above the comment box, and the forms the
// caller may use (report, hide and show again, delete one's own). Nothing
// is liked, ranked or counted per person.
type commentsView struct {
	Items       []delib.Comment
	CanComment  bool
	CanModerate bool
	Civility    string // the area's policy; empty: the default text
	Text        string // the comment box after a refused comment
	Errors      map[string]string
	General     []string
	Alert       string // a refused report, hiding or deletion
	For         int64  // the comment that alert is about
	Reason      string
	Done        string // the action just done: report, hide, unhide or delete
}

// fillComments adds the thread and its forms to a topic's page.
func (s *server) fillComments(r *http.Request, rq *request, d *topicView) error {
	c := &d.Comments
	c.Items, c.Done = d.Topic.Comments, r.URL.Query().Get("done")
	c.CanComment, c.CanModerate = delib.CanComment(rq.P, d.Topic), delib.CanModerate(rq.P, d.Topic)
	if c.CanComment {
		st, err := s.Delib.Settings(r.Context(), d.Topic.Area)
		if err != nil {
			return err
		}
		c.Civility = st.Civility
	}
	return nil
}

// commentAdd serves the comment box of a topic.
func (s *server) commentAdd(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	text := r.PostFormValue("text")
	c, err := s.Delib.AddComment(r.Context(), rq.P, id, text)
	switch errs.Code(err) {
	case "":
		return redirect(w, r, "/topics/"+strconv.FormatInt(id, 10)+"#c"+strconv.FormatInt(c.ID, 10))
	case errs.EINVALID:
		d := topicView{}
		d.Comments.Text = text
		d.Comments.Errors, d.Comments.General = rq.fieldErrors(err, "text")
		return s.showTopicID(w, r, rq, http.StatusUnprocessableEntity, id, d)
	case errs.ECONFLICT, errs.EFORBIDDEN:
		d := topicView{}
		d.Comments.Text = text
		d.Comments.General = []string{rq.ErrMsg(err)}
		return s.showTopicID(w, r, rq, statusOf[errs.Code(err)], id, d)
	}
	return err
}

// commentAction serves a comment's report, hide, unhide and delete forms;
// each form names its topic, whose page shows the outcome.
func (s *server) commentAction(action string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		topic, err := strconv.ParseInt(r.PostFormValue("topic"), 10, 64)
		if err != nil || topic <= 0 {
			return errs.Invalid("topic", "the form names no topic")
		}
		reason := r.PostFormValue("reason")
		var c delib.Comment
		switch action {
		case "report":
			c, err = s.Delib.ReportComment(r.Context(), rq.P, id, reason)
		case "hide":
			c, err = s.Delib.HideComment(r.Context(), rq.P, id, reason)
		case "unhide":
			c, err = s.Delib.UnhideComment(r.Context(), rq.P, id)
		default:
			c, err = s.Delib.DeleteComment(r.Context(), rq.P, id)
		}
		switch errs.Code(err) {
		case "":
			if c.TopicID != topic {
				topic = c.TopicID
			}
			return redirect(w, r, "/topics/"+strconv.FormatInt(topic, 10)+"?done="+action+"#c"+strconv.FormatInt(id, 10))
		case errs.EINVALID, errs.ECONFLICT, errs.EFORBIDDEN:
			d := topicView{}
			d.Comments.Alert, d.Comments.For, d.Comments.Reason = rq.ErrMsg(err), id, reason
			if ds := errs.DetailsOf(err); len(ds) > 0 {
				d.Comments.Alert = rq.DetailMsg(ds[0])
			}
			status := statusOf[errs.Code(err)]
			if errs.Code(err) == errs.EINVALID {
				status = http.StatusUnprocessableEntity
			}
			return s.showTopicID(w, r, rq, status, topic, d)
		}
		return err
	}
}

// demandNumbers reads the demand numbers a staff member typed (#12, 13；14):
// digits separated by anything else.
func demandNumbers(s string) ([]int64, error) {
	var out []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil || n < 1 {
			return nil, errs.Invalid("demand_ids", "list each demand once, by its number")
		}
		out = append(out, n)
	}
	return out, nil
}
