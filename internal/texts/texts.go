// Package texts words the sentences the system makes — timeline notes,
// notice titles, who did a step — in the reader's language. Services store
// a Text (a code with arguments), never a sentence; pages, the API and
// e-mails word it when they show it, so one record reads in Chinese to one
// person and in English to the next. What a person typed (a reason, a
// resolution note) is not a Text: it stays as it was written.
package texts

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/clock"
)

// Interface languages, as stored in users.lang and written in <html lang>.
const (
	ZH = "zh-CN" // the default: the people using gongzhi read Chinese first
	EN = "en"
)

// Lang returns lang when it is one of ours, else Chinese.
func Lang(lang string) string {
	if lang == EN {
		return EN
	}
	return ZH
}

// Text is a system-made sentence: a catalog code and its arguments.
// The zero Text says nothing.
type Text struct {
	Code string            `json:"code"`
	Args map[string]string `json:"args,omitempty"`
}

// New returns the text code with args given as name, value pairs.
func New(code string, pairs ...string) Text {
	t := Text{Code: code}
	if len(pairs) > 0 {
		t.Args = map[string]string{}
		for i := 0; i+1 < len(pairs); i += 2 {
			t.Args[pairs[i]] = pairs[i+1]
		}
	}
	return t
}

// In words t in lang.
func (t Text) In(lang string) string { return Render(lang, t.Code, t.Args) }

// ArgsJSON is t's arguments as stored in a *_args column ("{}" for none).
func (t Text) ArgsJSON() string {
	if len(t.Args) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(t.Args) // a map of strings always marshals
	return string(b)
}

// ParseArgs reads a *_args column; a damaged value reads as no arguments
// (the sentence then shows its placeholders' names, which stays readable).
func ParseArgs(s string) map[string]string {
	if s == "" || s == "{}" {
		return nil
	}
	var m map[string]string
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m
}

// Render words code with args in lang. Each {name} in the sentence is
// replaced by args[name], and that value is itself worded when
//   - the catalog has name.value (a channel, a step, a kind of actor),
//   - it is a time (RFC 3339): shown in Asia/Shanghai as 2006-01-02 15:04,
//   - lang is English and args holds name_en (an admin-named thing's
//     English name, such as a category's).
//
// An unknown code renders as "" so a reader never sees a bare code.
func Render(lang, code string, args map[string]string) string {
	if code == "" {
		return ""
	}
	e, ok := catalog[code]
	if !ok {
		return ""
	}
	msg := e.zh
	lang = Lang(lang)
	if lang == EN {
		msg = e.en
	}
	if !strings.Contains(msg, "{") {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		j := strings.IndexByte(msg[i+1:], '}')
		if i < 0 || j < 0 {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(msg[:i])
		b.WriteString(arg(lang, msg[i+1:i+1+j], args))
		msg = msg[i+2+j:]
	}
}

// arg words one argument.
func arg(lang, name string, args map[string]string) string {
	v := args[name]
	if lang == EN && args[name+"_en"] != "" {
		return args[name+"_en"]
	}
	if _, ok := catalog[name+"."+v]; ok && v != "" {
		return Render(lang, name+"."+v, nil)
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.In(clock.Shanghai).Format("2006-01-02 15:04")
	}
	return v
}

// Time is a time as a Text argument.
func Time(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Int is a whole number as a Text argument.
func Int[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// Join words a system sentence and a person's free text as one note: the
// sentence first, then what they wrote.
func Join(sentence, free string) string {
	switch {
	case sentence == "":
		return free
	case free == "":
		return sentence
	}
	return sentence + " " + free
}

// Codes lists every code in the catalog, sorted.
func Codes() []string {
	out := make([]string, 0, len(catalog))
	for c := range catalog {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Has reports whether code is in the catalog.
func Has(code string) bool {
	_, ok := catalog[code]
	return ok
}

// AcceptLang returns the best of our languages for an Accept-Language
// header, Chinese when it names neither.
func AcceptLang(header string) string {
	type choice struct {
		lang string
		q    float64
	}
	var choices []choice
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		switch {
		case q <= 0:
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			choices = append(choices, choice{ZH, q})
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			choices = append(choices, choice{EN, q})
		}
	}
	if len(choices) == 0 {
		return ZH
	}
	sort.SliceStable(choices, func(i, j int) bool { return choices[i].q > choices[j].q })
	return choices[0].lang
}
