package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/delib"
	"gongzhi/internal/errs"
	"gongzhi/internal/phone"
	"gongzhi/internal/platform"
)

// removePhoneBody names the number to take off an area's roll.
type removePhoneBody struct {
	Area  string `json:"area"`
	Phone string `json:"phone"`
}

// phoneCodeBody asks for a code.
type phoneCodeBody struct {
	Phone string `json:"phone"`
}

// phoneVerifyBody is the code the phone got.
type phoneVerifyBody struct {
	Phone string `json:"phone"`
	Code  string `json:"code"`
}

// phoneTopicBody is a topic raised by a phone (no demands: staff make topics from those).
type phoneTopicBody struct {
	Area  string `json:"area"`
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
}

func (s *server) listResidentPhones(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	l, err := s.Phone.List(r.Context(), p, phone.RollFilter{Area: r.URL.Query().Get("area"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) addResidentPhone(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in phone.EntryInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	e, err := s.Phone.Add(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *server) removeResidentPhone(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in removePhoneBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.Phone.Remove(r.Context(), p, in.Area, in.Phone); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) importResidentPhones(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := auth.AuthorizeAny(p, auth.DelibWrite); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBody)
	name, file, err := uploadedFile(r)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(file)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errs.New(errs.ETOOLARGE, "the file is larger than %d MiB", maxImportBody>>20)
	} else if err != nil {
		return errs.Invalid("file", "the file could not be read")
	}
	res, err := s.Phone.Import(r.Context(), p, r.URL.Query().Get("area"), name, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *server) sendPhoneCode(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in phoneCodeBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	host := platform.ClientIP(r, s.TrustedProxies)
	sent, err := s.Phone.SendCode(r.Context(), in.Phone, host)
	if errs.Code(err) == errs.ETOOMANY {
		w.Header().Set("Retry-After", strconv.Itoa(int(phone.CodeEvery.Seconds())))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sent)
	return nil
}

func (s *server) verifyPhone(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in phoneVerifyBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sess, err := s.Phone.Verify(r.Context(), in.Phone, in.Code, platform.ClientIP(r, s.TrustedProxies))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sess)
	return nil
}

// phoneResident is the verified phone of X-Phone-Session; none is 401.
func (s *server) phoneResident(r *http.Request) (phone.Resident, error) {
	return s.Phone.Resident(r.Context(), r.Header.Get("X-Phone-Session"))
}

func (s *server) listPhoneTopics(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	res, err := s.phoneResident(r)
	if err != nil {
		return err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	mine, err := optBool(r, "mine")
	if err != nil {
		return err
	}
	l, err := s.Delib.PhoneTopics(r.Context(), res, delib.PhoneTopicFilter{Mine: mine != nil && *mine, Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) raisePhoneTopic(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	res, err := s.phoneResident(r)
	if err != nil {
		return err
	}
	var in phoneTopicBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.Delib.RaiseTopicByPhone(r.Context(), res, delib.TopicInput{Area: in.Area, Title: in.Title, Body: in.Body})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *server) commentPhoneTopic(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	res, err := s.phoneResident(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	var in commentText
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Delib.AddCommentByPhone(r.Context(), res, id, in.Text)
	if err != nil {
		return err
	}
	created(w, Prefix+"/phone/topics/"+strconv.FormatInt(id, 10)+"#comment-"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

func (s *server) supportPhoneTopic(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	res, err := s.phoneResident(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &noFields{}); err != nil {
		return err
	}
	t, err := s.Delib.SupportByPhone(r.Context(), res, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
