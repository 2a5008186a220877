package web

import (
	"net/http"
	"strconv"

	"gongzhi/internal/notify"
)

// inboxPage is the data of inbox.html.
type inboxPage struct {
	Items      []notify.Item
	Unread     int
	UnreadOnly bool
	Pager      pager
}

// inbox is the staff inbox (站内信): assignments, reminders, escalations,
// returns, extensions and callbacks, newest first.
func (s *server) inbox(w http.ResponseWriter, r *http.Request, rq *request) error {
	unreadOnly := r.URL.Query().Get("unread") == "1"
	page := pageParam(r)
	items, total, unread, err := s.Notify.Inbox(r.Context(), rq.P, unreadOnly, page, perPage) // worded in rq.P.Lang
	if err != nil {
		return err
	}
	v := rq.view(r, "inbox", "inbox.title", inboxPage{Items: items, Unread: unread, UnreadOnly: unreadOnly, Pager: newPager(r, page, total)})
	s.render(w, rq, http.StatusOK, "inbox.html", v)
	return nil
}

// inboxRead marks the chosen notices read, then goes where the form says:
// back to the inbox, or on to the notice's page.
func (s *server) inboxRead(w http.ResponseWriter, r *http.Request, rq *request) error {
	var ids []int64
	for _, v := range r.PostForm["id"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if err := s.Notify.MarkRead(r.Context(), rq.P, ids); err != nil {
		return err
	}
	return redirect(w, r, localPath(r.PostFormValue("next"), "/inbox"))
}

// inboxReadAll marks every notice read.
func (s *server) inboxReadAll(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.Notify.MarkAllRead(r.Context(), rq.P); err != nil {
		return err
	}
	return redirect(w, r, "/inbox")
}
