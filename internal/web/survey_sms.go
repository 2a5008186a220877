package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/errs"
	"gongzhi/internal/survey"
)

// surveySMSView is the part of a campaign's page about links sent by text
// message: how many went (counts only), and for those who run the
// campaign, the form that sends more where a gateway is configured.
type surveySMSView struct {
	CanSMS    bool // a gateway is configured and the caller may send
	SMS       survey.SMSCounts
	SMSError  string
	SMSPhones string       // the typed list, again after an error
	SMSDone   *survey.Sent // just sent (from the redirect's query)
}

// surveySMSOf fills d's text-message part.
func (s *server) surveySMSOf(r *http.Request, rq *request, d *surveyView) error {
	n, err := s.Survey.SMSCounts(r.Context(), rq.P, d.Row.Campaign.ID)
	if err != nil {
		return err
	}
	d.SMS = n
	d.CanSMS = d.CanManage && d.Row.Campaign.Status == survey.Open && s.Survey.SMSAvailable()
	q := r.URL.Query()
	if sent, err := strconv.Atoi(q.Get("sent")); err == nil && r.Method == http.MethodGet {
		skipped, _ := strconv.Atoi(q.Get("skipped"))
		d.SMSDone = &survey.Sent{Sent: sent, Skipped: skipped}
	}
	return nil
}

// surveySMS texts a one-time link to each number typed (one a line) or
// listed in an uploaded .xlsx or CSV file (column A). The tokens are never
// shown: only the counts come back.
func (s *server) surveySMS(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes+64<<10)
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		return tooLargeOr(err)
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if !rq.csrfOK(r) {
		return errCSRF()
	}
	typed := r.PostFormValue("phones")
	again := func(status int, err error) error {
		d := surveyView{surveySMSView: surveySMSView{SMSPhones: typed}}
		if errs.Code(err) == errs.EINVALID {
			d.SMSError = rq.ErrMsg(err)
		} else {
			d.Alert = rq.ErrMsg(err)
		}
		return s.showSurveyView(w, r, rq, status, d)
	}
	// Typed lines first, so an error names the line as typed.
	lines := strings.Split(typed, "\n")
	if file, hdr, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(io.LimitReader(file, s.MaxUploadBytes+1))
		file.Close()
		if err != nil {
			return err
		}
		nums, err := survey.ReadPhones(hdr.Filename, data)
		if err != nil {
			return again(http.StatusUnprocessableEntity, err)
		}
		lines = append(lines, nums...)
	}
	sent, err := s.Survey.SendLinks(r.Context(), rq.P, id, lines)
	switch errs.Code(err) {
	case "":
	case errs.EINVALID, errs.EUNAVAILABLE:
		return again(http.StatusUnprocessableEntity, err)
	case errs.ECONFLICT:
		return again(http.StatusConflict, err)
	default:
		return err
	}
	return redirect(w, r, "/surveys/"+strconv.FormatInt(id, 10)+"?sent="+strconv.Itoa(sent.Sent)+"&skipped="+strconv.Itoa(sent.Skipped)+"#sms-sent")
}
