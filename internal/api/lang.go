package api

import (
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/texts"
)

// readerLang is the language texts the system made (timeline notes, notice
// titles) are worded in for this caller: the Accept-Language header when
// sent, else the user's saved language, else Chinese. Codes and arguments
// come along, so a client may word them itself.
func readerLang(r *http.Request, p *auth.Principal) string {
	if h := r.Header.Get("Accept-Language"); h != "" {
		return texts.AcceptLang(h)
	}
	if p != nil {
		return texts.Lang(p.Lang)
	}
	return texts.ZH
}
