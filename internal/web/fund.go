package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/fund"
)

// fundsPage is the list of funds in the caller's scope, with the form
// opening a new one.
type fundsPage struct {
	Area     string
	Areas    []areaOption
	Funds    []fund.Fund
	Pager    pager
	CanWrite bool
	New      fundForm
}

// fundForm opens a fund.
type fundForm struct {
	Name, Area string
	Errors     map[string]string
	General    []string
}

func (s *server) fundList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showFunds(w, r, rq, http.StatusOK, fundForm{})
}

func (s *server) showFunds(w http.ResponseWriter, r *http.Request, rq *request, status int, form fundForm) error {
	d := fundsPage{Area: r.URL.Query().Get("area"), New: form, CanWrite: auth.AuthorizeAny(rq.P, auth.FundWrite) == nil}
	page := pageParam(r)
	l, err := s.Fund.Funds(r.Context(), rq.P, fund.FundFilter{Area: d.Area, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Funds, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	s.render(w, rq, status, "fund_list.html", rq.view(r, "funds", "fund.list.title", d))
	return nil
}

func (s *server) fundCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	form := fundForm{Name: strings.TrimSpace(r.PostFormValue("name")), Area: r.PostFormValue("area")}
	f, err := s.Fund.CreateFund(r.Context(), rq.P, fund.FundInput{Name: form.Name, Area: form.Area})
	if errs.Code(err) == errs.EINVALID {
		form.Errors, form.General = rq.fieldErrors(err, "name", "area")
		return s.showFunds(w, r, rq, http.StatusUnprocessableEntity, form)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/funds/"+strconv.FormatInt(f.ID, 10))
}

// fundView is one fund's page: figures, the forms that record money in and
// propose money out, the disbursements waiting for a second person, and
// the ledger.
type fundView struct {
	Fund      fund.Fund
	Entries   []entryRow
	Pager     pager
	Pending   []pendingView
	Decided   []fund.Disbursement
	Projects  []fund.PayableProject
	CanWrite  bool
	CanDecide bool // may approve somewhere in this fund's area
	In        entryForm
	Out       payForm
	Alert     string // a decision refused (409), in the reader's language
	Done      string // what the last post did: in, proposed, approved, rejected, reversed
	Sources   []string
	Today     string
	PublicURL string
}

// entryRow is a ledger line as the page shows it.
type entryRow struct {
	fund.Entry
	SourceKey  string // money in: its source; "" for payouts
	Reverses   int64  // a reversal: the entry it cancels
	RevBy      int64  // the reversal that cancels this entry
	Signed     string // +1200.50 or −300.00 (yuan)
	CanReverse bool
}

// newEntryRow prepares an entry for the page: money in is reversed by
// whoever records money, a payout by whoever approves one.
func newEntryRow(e fund.Entry, canWrite, canApprove bool) entryRow {
	row := entryRow{Entry: e, Signed: "−" + money(e.AmountFen)}
	if e.Direction == fund.In {
		row.Signed = "+" + money(e.AmountFen)
	}
	if e.Source != nil {
		row.SourceKey = *e.Source
	}
	if e.ReversesID != nil {
		row.Reverses = *e.ReversesID
	}
	if e.ReversedBy != nil {
		row.RevBy = *e.ReversedBy
	}
	row.CanReverse = e.ReversesID == nil && e.ReversedBy == nil && ((e.ProjectID == nil && canWrite) || (e.ProjectID != nil && canApprove))
	return row
}

// pendingView is a proposed disbursement and what the reader may do with it.
type pendingView struct {
	D                  fund.Disbursement
	Own                bool
	CanApprove, CanRej bool
}

// entryForm records money in.
type entryForm struct {
	Source, Amount, DonorName, ReceivedOn, Note string
	ShowName                                    bool
	Errors                                      map[string]string
	General                                     []string
}

// payForm proposes a disbursement.
type payForm struct {
	ProjectID, Amount, Note string
	Errors                  map[string]string
	General                 []string
}

func (s *server) fundPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showFund(w, r, rq, http.StatusOK, &fundView{})
}

// showFund draws a fund's page around v (its forms and alert as a post left them).
func (s *server) showFund(w http.ResponseWriter, r *http.Request, rq *request, status int, v *fundView) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if v.Fund, err = s.Fund.Fund(ctx, rq.P, id); err != nil {
		return err
	}
	path := v.Fund.AreaPath
	v.CanWrite = auth.Authorize(rq.P, auth.FundWrite, path) == nil
	v.CanDecide = auth.Authorize(rq.P, auth.FundApprove, path) == nil
	page, pr := pageParam(r), r
	if r.Method != http.MethodGet { // a post drawn again: its pager links lead to the page itself
		page, pr = 1, r.Clone(ctx)
		pr.URL = &url.URL{Path: "/funds/" + strconv.FormatInt(id, 10)}
	}
	l, err := s.Fund.Entries(ctx, rq.P, id, fund.EntryFilter{Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	v.Pager = newPager(pr, page, l.Total)
	for _, e := range l.Items {
		v.Entries = append(v.Entries, newEntryRow(e, v.CanWrite, v.CanDecide))
	}
	pending, err := s.Fund.Disbursements(ctx, rq.P, id, fund.DisbursementFilter{Status: fund.Proposed, PerPage: 100})
	if err != nil {
		return err
	}
	for _, d := range pending.Items {
		own := d.ProposedByID != nil && *d.ProposedByID == rq.P.UserID
		v.Pending = append(v.Pending, pendingView{D: d, Own: own, CanApprove: v.CanDecide && !own, CanRej: v.CanDecide || (own && v.CanWrite)})
	}
	all, err := s.Fund.Disbursements(ctx, rq.P, id, fund.DisbursementFilter{PerPage: 20})
	if err != nil {
		return err
	}
	for _, d := range all.Items {
		if d.Status != fund.Proposed {
			v.Decided = append(v.Decided, d)
		}
	}
	if v.CanWrite {
		if v.Projects, err = s.Fund.PayableProjects(ctx, rq.P, id); err != nil {
			return err
		}
	}
	if v.Done == "" && r.Method == http.MethodGet {
		switch done := r.URL.Query().Get("done"); done {
		case "in", "proposed", "approved", "rejected", "reversed":
			v.Done = done
		}
	}
	v.Sources, v.Today = fund.Sources, s.Clock.Now().In(clock.Shanghai).Format("2006-01-02")
	if v.In.ReceivedOn == "" {
		v.In.ReceivedOn = v.Today
	}
	v.PublicURL = "/fund/" + strconv.FormatInt(id, 10)
	s.render(w, rq, status, "fund.html", rq.view(r, "funds", "fund.title", v))
	return nil
}

// back is the fund's page after a post, saying what was done.
func backToFund(w http.ResponseWriter, r *http.Request, id int64, done string) error {
	return redirect(w, r, "/funds/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(done))
}

func (s *server) fundRecordIn(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	form := entryForm{Source: v("source"), Amount: v("amount"), DonorName: v("donor_name"), ReceivedOn: v("received_on"), Note: v("note"),
		ShowName: v("show_name") != ""}
	fen, ok := fund.ParseYuan(form.Amount)
	if !ok {
		form.Errors = map[string]string{"amount_fen": rq.T("fund.form.amount_format")}
		return s.showFund(w, r, rq, http.StatusUnprocessableEntity, &fundView{In: form})
	}
	_, err = s.Fund.RecordIn(r.Context(), rq.P, id, fund.EntryInput{Direction: fund.In, Source: form.Source, AmountFen: fen,
		DonorName: form.DonorName, ShowName: form.ShowName, ReceivedOn: form.ReceivedOn, Note: form.Note})
	if errs.Code(err) == errs.EINVALID {
		form.Errors, form.General = rq.fieldErrors(err, "source", "amount_fen", "donor_name", "received_on", "note")
		return s.showFund(w, r, rq, http.StatusUnprocessableEntity, &fundView{In: form})
	} else if err != nil {
		return err
	}
	return backToFund(w, r, id, "in")
}

func (s *server) fundPropose(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	form := payForm{ProjectID: v("project_id"), Amount: v("amount"), Note: v("note")}
	bad := map[string]string{}
	fen, ok := fund.ParseYuan(form.Amount)
	if !ok {
		bad["amount_fen"] = rq.T("fund.form.amount_format")
	}
	project, err := strconv.ParseInt(form.ProjectID, 10, 64)
	if err != nil {
		bad["project_id"] = rq.T("fund.form.choose_project")
	}
	if len(bad) > 0 {
		form.Errors = bad
		return s.showFund(w, r, rq, http.StatusUnprocessableEntity, &fundView{Out: form})
	}
	_, err = s.Fund.Propose(r.Context(), rq.P, id, fund.DisbursementInput{ProjectID: project, AmountFen: fen, Note: form.Note})
	switch errs.Code(err) {
	case "":
		return backToFund(w, r, id, "proposed")
	case errs.EINVALID:
		form.Errors, form.General = rq.fieldErrors(err, "project_id", "amount_fen", "note")
		return s.showFund(w, r, rq, http.StatusUnprocessableEntity, &fundView{Out: form})
	case errs.ECONFLICT:
		form.General = []string{rq.ErrMsg(err)}
		return s.showFund(w, r, rq, http.StatusConflict, &fundView{Out: form})
	}
	return err
}

// fundDecide approves or rejects a proposed disbursement of the fund.
func (s *server) fundDecide(approve bool) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		did, err := pathID(r, "did")
		if err != nil {
			return err
		}
		d, err := s.Fund.Disbursement(r.Context(), rq.P, did)
		if err != nil {
			return err
		}
		if d.FundID != id {
			return errs.New(errs.ENOTFOUND, "disbursement not found")
		}
		done := "approved"
		if approve {
			_, err = s.Fund.Approve(r.Context(), rq.P, did)
		} else {
			done = "rejected"
			_, err = s.Fund.Reject(r.Context(), rq.P, did, r.PostFormValue("reason"))
		}
		if c := errs.Code(err); c == errs.ECONFLICT || c == errs.EINVALID {
			return s.showFund(w, r, rq, http.StatusConflict, &fundView{Alert: rq.ErrMsg(err)})
		} else if err != nil {
			return err
		}
		return backToFund(w, r, id, done)
	}
}

// fundEntryOf reads an entry of the fund the path names.
func (s *server) fundEntryOf(r *http.Request, rq *request) (fund.Entry, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return fund.Entry{}, err
	}
	eid, err := pathID(r, "eid")
	if err != nil {
		return fund.Entry{}, err
	}
	e, err := s.Fund.Entry(r.Context(), rq.P, eid)
	if err != nil {
		return fund.Entry{}, err
	}
	if e.FundID != id {
		return fund.Entry{}, errs.New(errs.ENOTFOUND, "entry not found")
	}
	return e, nil
}

// reversePage confirms a reversal with its reason.
type reversePage struct {
	Entry  fund.Entry
	Fund   fund.Fund
	Reason string
	Error  string
}

func (s *server) fundReverseForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showReverse(w, r, rq, http.StatusOK, "", "")
}

func (s *server) showReverse(w http.ResponseWriter, r *http.Request, rq *request, status int, reason, msg string) error {
	e, err := s.fundEntryOf(r, rq)
	if err != nil {
		return err
	}
	f, err := s.Fund.Fund(r.Context(), rq.P, e.FundID)
	if err != nil {
		return err
	}
	s.render(w, rq, status, "fund_reverse.html", rq.view(r, "funds", "fund.reverse.title", reversePage{Entry: e, Fund: f, Reason: reason, Error: msg}))
	return nil
}

func (s *server) fundReverse(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, err := s.fundEntryOf(r, rq)
	if err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	_, err = s.Fund.Reverse(r.Context(), rq.P, e.ID, reason)
	switch errs.Code(err) {
	case "":
		return backToFund(w, r, e.FundID, "reversed")
	case errs.EINVALID:
		return s.showReverse(w, r, rq, http.StatusUnprocessableEntity, reason, rq.ErrMsg(err))
	case errs.ECONFLICT:
		return s.showReverse(w, r, rq, http.StatusConflict, reason, rq.ErrMsg(err))
	}
	return err
}

// receiptPage is a donor's printable receipt.
type receiptPage struct {
	R       fund.Receipt
	Amount  string // yuan, two decimals
	Chinese string // 人民币大写
	Issued  string // today
}

func (s *server) fundReceipt(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, err := s.fundEntryOf(r, rq)
	if err != nil {
		return err
	}
	rc, err := s.Fund.Receipt(r.Context(), rq.P, e.ID)
	if err != nil {
		return err
	}
	d := receiptPage{R: rc, Amount: money(rc.AmountFen), Chinese: fund.ChineseAmount(rc.AmountFen),
		Issued: s.Clock.Now().In(clock.Shanghai).Format("2006-01-02")}
	s.render(w, rq, http.StatusOK, "fund_receipt.html", rq.view(r, "funds", "fund.receipt.title", d))
	return nil
}

// fundExport downloads the ledger as XLSX; built whole first, so an error
// is still an error page.
func (s *server) fundExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Fund.ExportXLSX(r.Context(), rq.P, id, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="fund-`+strconv.FormatInt(id, 10)+"-"+s.Clock.Now().In(clock.Shanghai).Format("20060102")+`.xlsx"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	buf.WriteTo(w)
	return nil
}

// fundPublicPage is the fund's public page (公示) for residents: no
// account, no htmx, no phone, a donor named only with consent.
func (s *server) fundPublicPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pub, err := s.Fund.Public(r.Context(), id)
	if err != nil {
		return err
	}
	v := rq.view(r, "fund-public", "fund.public.title", publicView{pub})
	v.Title = pub.Name
	s.render(w, rq, http.StatusOK, "fund_public.html", v)
	return nil
}

// money writes fen as yuan with thousands grouped: 52345000 → 523,450.00.
func money(fen int64) string {
	s := fund.Yuan(fen)
	sign := ""
	if s[0] == '-' {
		sign, s = "−", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + "." + frac
}

// Money is an amount in fen as the fund's pages write it (yuan, grouped).
func (fundsPage) Money(fen int64) string { return money(fen) }

// Money is an amount in fen as the fund's pages write it (yuan, grouped).
func (fundView) Money(fen int64) string { return money(fen) }

// Money is an amount in fen as the fund's pages write it (yuan, grouped).
func (reversePage) Money(fen int64) string { return money(fen) }

// publicView is the public page's data.
type publicView struct{ fund.Public }

// Money is an amount in fen as the fund's pages write it (yuan, grouped).
func (publicView) Money(fen int64) string { return money(fen) }
