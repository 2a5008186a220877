package open311

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/demand"
)

// service is one entry of GET services: an active demand category.
type service struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

// services serves services.{xml,json} from the active categories; group is
// the parent category's name, metadata says whether it has attributes.
func (h *handler) services(ctx context.Context, w http.ResponseWriter, r *http.Request, f format, _ string) {
	if !h.jurisdiction(w, f, r.URL.Query().Get("jurisdiction_id")) {
		return
	}
	cats, err := h.Demand.Categories(ctx, false) // an inactive parent still names its group
	if err != nil {
		h.fail(w, f, err)
		return
	}
	names := map[string]string{}
	for _, c := range cats {
		names[c.Code] = c.Name
	}
	out := make([]service, 0, len(cats))
	for _, c := range cats {
		if c.Active {
			out = append(out, service{ServiceCode: c.Code, ServiceName: c.Name, Description: describe(c),
				Metadata: len(c.Attributes) > 0, Type: "realtime", Keywords: c.Keywords, Group: names[c.Parent]})
		}
	}
	h.send(w, f, "services", "service", out)
}

// describe says what a category is for and how fast it is answered.
func describe(c demand.Category) string {
	name := c.Name
	if c.NameEN != "" {
		name += "（" + c.NameEN + "）"
	}
	return fmt.Sprintf("%s：%s内首次联系，%s内办结", name, limitText(c.ContactLimit), limitText(c.ResolveLimit))
}

// limitText writes a limit for people: 2小时, 45分钟, 5个工作日.
func limitText(s string) string {
	l, err := demand.ParseLimit(s)
	switch {
	case err != nil:
		return s
	case l.Workdays > 0:
		return strconv.Itoa(l.Workdays) + "个工作日"
	}
	var b strings.Builder
	d := l.Dur
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{24 * time.Hour, "天"}, {time.Hour, "小时"}, {time.Minute, "分钟"}, {time.Second, "秒"}} {
		if n := d / u.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.name)
			d -= n * u.unit
		}
	}
	return b.String()
}

// definitionJSON is GET services/{code}.json: an object, not a list.
type definitionJSON struct {
	ServiceCode string      `json:"service_code"`
	Attributes  []attribute `json:"attributes"`
}

// definitionXML is the same as <service_definition>; the struct keeps an
// empty <attributes/> when a category asks for nothing.
type definitionXML struct {
	ServiceCode string `xml:"service_code"`
	Attributes  struct {
		Attribute []attribute `xml:"attribute"`
	} `xml:"attributes"`
}

// attribute is one extra field a category asks for.
type attribute struct {
	Variable            bool    `json:"variable" xml:"variable"`
	Code                string  `json:"code" xml:"code"`
	Datatype            string  `json:"datatype" xml:"datatype"`
	Required            bool    `json:"required" xml:"required"`
	DatatypeDescription string  `json:"datatype_description" xml:"datatype_description"`
	Order               int     `json:"order" xml:"order"`
	Description         string  `json:"description" xml:"description"`
	Values              []value `json:"values" xml:"values>value"`
}

// value is one choice of a list attribute; our choices are their own keys.
type value struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

// datatypeHelp tells a client how to send each datatype.
var datatypeHelp = map[string]string{
	"string":          "一行文字 / one line of text",
	"text":            "文字，可换行 / text, line breaks allowed",
	"number":          "数字 / a number, e.g. 12 or 3.5",
	"datetime":        "ISO-8601 时间 / an ISO-8601 time, e.g. 2026-11-30T09:30:00+08:00",
	"singlevaluelist": "单选，发送选项的 key / one choice: send its key",
	"multivaluelist":  "多选，每个选项发送一次 attribute[CODE][]=key / several choices: send attribute[CODE][]=key once per choice",
}

// definition serves services/{code}.{xml,json}; an unknown or inactive code is 404.
func (h *handler) definition(ctx context.Context, w http.ResponseWriter, r *http.Request, f format, code string) {
	if !h.jurisdiction(w, f, r.URL.Query().Get("jurisdiction_id")) {
		return
	}
	c, err := h.Demand.Category(ctx, code)
	if err != nil || !c.Active {
		h.fail(w, f, notFound("service_code %q not found", code))
		return
	}
	attrs := make([]attribute, 0, len(c.Attributes))
	for i, a := range c.Attributes {
		desc := a.Name
		if a.Description != "" {
			desc += "：" + a.Description
		}
		vals := make([]value, 0, len(a.Values))
		for _, v := range a.Values {
			vals = append(vals, value{Key: v, Name: v})
		}
		attrs = append(attrs, attribute{Variable: true, Code: a.Code, Datatype: a.Datatype, Required: a.Required,
			DatatypeDescription: datatypeHelp[a.Datatype], Order: i + 1, Description: desc, Values: vals})
	}
	if f == formatJSON {
		h.send(w, f, "", "", definitionJSON{ServiceCode: c.Code, Attributes: attrs})
		return
	}
	x := definitionXML{ServiceCode: c.Code}
	x.Attributes.Attribute = attrs
	h.send(w, f, "service_definition", "", x)
}
