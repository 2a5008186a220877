package api

import (
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/delib"
)

// commentText is a new comment on a topic.
type commentText struct {
	Text string `json:"text"`
}

// commentReason is the reason of a report or of hiding a comment.
type commentReason struct {
	Reason string `json:"reason"`
}

// commentRoutes are a topic's comments with moderation: residents of the
// area and its staff comment; anyone who sees one reports it once; staff
// hide it with a public reason; its author deletes it.
func commentRoutes() []route {
	errs := []int{400, 403, 404, 409, 413}
	return []route{
		{Route{Method: "POST", Path: "/topics/{id}/comments", Op: Op{ID: "commentTopic", Tag: "delib",
			Summary: "Comment on an open topic or one on the agenda, in plain text: a resident of its area (delib.join) or its staff (delib.write).",
			Desc:    "The thread comes with GET /topics/{id}, oldest first. An answered or closed topic takes no comments: 409. Nothing is liked or ranked.",
			Body:    &Body{Type: typeOf[commentText]()},
			Resps:   []Resp{{Status: 201, Desc: "The comment.", Type: typeOf[delib.Comment]()}},
			Errs:    errs}}, (*server).commentTopic},
		{Route{Method: "POST", Path: "/topic-comments/{id}/report", Op: Op{ID: "reportComment", Tag: "delib",
			Summary: "Report a comment, with a reason: anyone who sees its topic, once (again: 409). Only staff of the area see how often it was reported.",
			Body:    &Body{Type: typeOf[commentReason]()},
			Resps:   []Resp{{Status: 200, Desc: "The comment.", Type: typeOf[delib.Comment]()}},
			Errs:    errs}}, commentAction("report")},
		{Route{Method: "POST", Path: "/topic-comments/{id}/hide", Op: Op{ID: "hideComment", Tag: "delib",
			Summary: "Hide a comment with a reason everyone reads (delib.write on the topic's area); its text then reaches staff of the area only.",
			Body:    &Body{Type: typeOf[commentReason]()},
			Resps:   []Resp{{Status: 200, Desc: "The comment, hidden.", Type: typeOf[delib.Comment]()}},
			Errs:    errs}}, commentAction("hide")},
		{Route{Method: "POST", Path: "/topic-comments/{id}/unhide", Op: Op{ID: "unhideComment", Tag: "delib",
			Summary: "Show a hidden comment again (delib.write on the topic's area); one not hidden is 409.",
			Body:    &Body{Type: typeOf[noFields](), Desc: "Nothing, or {}.", Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "The comment, shown.", Type: typeOf[delib.Comment]()}},
			Errs:    errs}}, commentAction("unhide")},
		{Route{Method: "DELETE", Path: "/topic-comments/{id}", Op: Op{ID: "deleteComment", Tag: "delib",
			Summary: "Delete one's own comment: its text is erased and it stays in the thread as deleted. Anyone else: 403.",
			Resps:   []Resp{{Status: 200, Desc: "The comment, deleted.", Type: typeOf[delib.Comment]()}},
			Errs:    []int{403, 404, 409}}}, commentAction("delete")},
	}
}

func (s *server) commentTopic(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	var in commentText
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Delib.AddComment(r.Context(), p, id, in.Text)
	if err != nil {
		return err
	}
	created(w, Prefix+"/topics/"+strconv.FormatInt(id, 10)+"#comment-"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

// commentAction serves report, hide, unhide and delete.
func commentAction(action string) handlerFunc {
	return func(s *server, w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := pathID(r, "comment")
		if err != nil {
			return err
		}
		var in commentReason
		switch action {
		case "report", "hide":
			if err := decode(w, r, &in); err != nil {
				return err
			}
		case "unhide":
			if err := decodeOptional(w, r, &noFields{}); err != nil {
				return err
			}
		}
		var c delib.Comment
		switch action {
		case "report":
			c, err = s.Delib.ReportComment(r.Context(), p, id, in.Reason)
		case "hide":
			c, err = s.Delib.HideComment(r.Context(), p, id, in.Reason)
		case "unhide":
			c, err = s.Delib.UnhideComment(r.Context(), p, id)
		default:
			c, err = s.Delib.DeleteComment(r.Context(), p, id)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, c)
		return nil
	}
}
