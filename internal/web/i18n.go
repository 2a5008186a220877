package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/texts"
)

//go:embed locales/*.json
var localeFS embed.FS

// Interface languages, as written in <html lang> and stored in users.lang.
const (
	langZH = texts.ZH // default: the people using gongzhi read Chinese first
	langEN = texts.EN
)

// catalogFiles maps each interface language to its embedded catalog: the
// file named here plus any "<name>.<capability>.json" beside it, so each
// capability can keep its own texts (zh_CN.fund.json).
var catalogFiles = map[string]string{langZH: "locales/zh_CN.json", langEN: "locales/en_US.json"}

// readLocale reads a catalog file and its per-capability parts, refusing a
// key defined twice.
func readLocale(file string) (map[string]string, error) {
	parts, err := fs.Glob(localeFS, strings.TrimSuffix(file, ".json")+".*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range append([]string{file}, parts...) {
		b, err := localeFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("web: read %s: %w", f, err)
		}
		var c map[string]string
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		for k, v := range c {
			if _, dup := out[k]; dup {
				return nil, fmt.Errorf("web: %s: key %q is defined twice", f, k)
			}
			out[k] = v
		}
	}
	return out, nil
}

// langCookie remembers the choice of visitors who are not signed in.
const langCookie = "gz_lang"

// catalog is one language's messages under dotted keys ("nav.units").
type catalog map[string]string

// catalogs holds every language's catalog.
type catalogs map[string]catalog

func loadCatalogs() (catalogs, error) {
	out := catalogs{}
	for lang, file := range catalogFiles {
		c, err := readLocale(file)
		if err != nil {
			return nil, err
		}
		out[lang] = c
	}
	if err := mergeMessages(out[langZH]); err != nil {
		return nil, err
	}
	return out, nil
}

// T returns the message for key, formatted with args (fmt verbs). A missing
// key shows as itself so the gap is visible; a test keeps catalogs complete.
func (c catalog) T(key string, args ...any) string {
	msg, ok := c[key]
	if !ok {
		msg = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

func validLang(s string) bool { return s == langZH || s == langEN }

// requestLang picks the interface language: the signed-in user's saved
// choice, then the cookie, then Accept-Language, then Chinese.
func requestLang(r *http.Request, p *auth.Principal) string {
	if p != nil && validLang(p.Lang) {
		return p.Lang
	}
	if c, err := r.Cookie(langCookie); err == nil && validLang(c.Value) {
		return c.Value
	}
	return acceptLang(r.Header.Get("Accept-Language"))
}

// acceptLang returns the best of our languages for an Accept-Language header.
func acceptLang(header string) string { return texts.AcceptLang(header) }

// setLang switches the interface language: a cookie for everyone, and the
// user's saved preference when signed in (so it follows them to a phone).
func (s *server) setLang(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	if rq.P != nil && !rq.csrfOK(r) {
		return errCSRF()
	}
	lang := r.PostFormValue("lang")
	if !validLang(lang) {
		lang = langZH
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	if rq.P != nil {
		if err := s.Auth.SetLang(r.Context(), rq.P, lang); err != nil {
			return err
		}
	}
	http.Redirect(w, r, localPath(r.PostFormValue("next"), "/"), http.StatusSeeOther)
	return nil
}
