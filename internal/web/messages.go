package web

import (
	"fmt"

	"gongzhi/internal/errs"
)

// messagesFile translates service error messages into Chinese. Its keys are
// the English format strings themselves (gettext style), so a service writes
// errs.Invalid("area", "unknown area code %q", code) and nothing else.
const messagesFile = "locales/messages_zh_CN.json"

// msgPrefix marks translated formats inside a catalog.
const msgPrefix = "msg:"

// mergeMessages adds the Chinese error messages to the Chinese catalog.
func mergeMessages(c catalog) error {
	m, err := readLocale(messagesFile)
	if err != nil {
		return err
	}
	for en, zh := range m {
		c[msgPrefix+en] = zh
	}
	return nil
}

// msg shows a message in the request's language, falling back to English.
func (rq *request) msg(format string, args []any, english string) string {
	if tr, ok := rq.cat[msgPrefix+format]; ok && format != "" {
		return fmt.Sprintf(tr, args...)
	}
	return english
}

// ErrMsg is err's message in the request's language.
func (rq *request) ErrMsg(err error) string {
	f, args := errs.FormatOf(err)
	return rq.msg(f, args, errs.Message(err))
}

// DetailMsg is one detail's message in the request's language.
func (rq *request) DetailMsg(d errs.Detail) string { return rq.msg(d.Format, d.Args, d.Message) }

// localDetails returns err's details with messages in the request's language.
func (rq *request) localDetails(err error) []errs.Detail {
	ds := errs.DetailsOf(err)
	out := make([]errs.Detail, len(ds))
	for i, d := range ds {
		d.Message = rq.DetailMsg(d)
		out[i] = d
	}
	return out
}
