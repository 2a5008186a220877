package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
)

// format is a response format chosen by the URL's extension.
type format int

const (
	formatXML format = iota
	formatJSON
)

// formats maps extensions to formats; XML is the spec's required one.
var formats = map[string]format{"xml": formatXML, "json": formatJSON}

// contentType is the spec's header for each format.
func (f format) contentType() string {
	if f == formatJSON {
		return "application/json; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}

// mimeTypes are the formats as discovery lists them.
var mimeTypes = []string{"text/xml", "application/json"}

// write sends v with status. JSON is v itself (lists are top-level arrays,
// the spec's Spark mapping); XML is v inside root, each list item named item.
// A non-list v is written as the root element itself (item is then unused).
func write(w http.ResponseWriter, f format, status int, root, item string, v any) error {
	var buf bytes.Buffer
	if f == formatJSON {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
	} else {
		buf.WriteString(xml.Header)
		enc := xml.NewEncoder(&buf)
		enc.Indent("", "  ")
		if err := encodeXML(enc, root, item, v); err != nil {
			return err
		}
		buf.WriteByte('\n')
	}
	w.Header().Set("Content-Type", f.contentType())
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// encodeXML writes v as <root>, wrapping each element of a list in <item>.
func encodeXML(enc *xml.Encoder, root, item string, v any) error {
	start := xml.StartElement{Name: xml.Name{Local: root}}
	list := reflect.ValueOf(v)
	if list.Kind() != reflect.Slice {
		if err := enc.EncodeElement(v, start); err != nil {
			return err
		}
		return enc.Flush()
	}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	for i := range list.Len() {
		if err := enc.EncodeElement(list.Index(i).Interface(), xml.StartElement{Name: xml.Name{Local: item}}); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(start.End()); err != nil {
		return err
	}
	return enc.Flush()
}

// isoTime writes t as ISO-8601 in Asia/Shanghai: 2026-11-30T09:30:00+08:00.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(clock.Shanghai).Format("2006-01-02T15:04:05-07:00")
}

// coord is a latitude or longitude that may be unknown: null in JSON, an
// empty element in XML.
type coord struct {
	v  float64
	ok bool
}

// publicCoord is a latitude or longitude rounded to 3 decimals (about
// 100 m): the public learns the block, not the door.
func publicCoord(p *float64) coord {
	if p == nil {
		return coord{}
	}
	return coord{math.Round(*p*1000) / 1000, true}
}

func (c coord) text() string {
	if !c.ok {
		return ""
	}
	return strconv.FormatFloat(c.v, 'f', -1, 64)
}

// MarshalJSON writes the number, or null.
func (c coord) MarshalJSON() ([]byte, error) {
	if !c.ok {
		return []byte("null"), nil
	}
	return []byte(c.text()), nil
}

// MarshalXML writes the number as text, or an empty element.
func (c coord) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(c.text(), start)
}

// null is a field we never fill (account_id): null in JSON, empty in XML.
type null struct{}

// MarshalJSON writes null.
func (null) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// MarshalXML writes an empty element.
func (null) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement("", start)
}

// maxPublicDescription is how much of a description the public lists show.
const maxPublicDescription = 500

// truncate cuts s to n characters, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// scrub masks what looks like personal data in free text shown publicly:
// the names and phones of the demand's own reporters wherever someone typed
// them, then everything auth.MaskText masks (phones however written, ID
// numbers, e-mail addresses, long digit runs).
func scrub(s string, personal []string) string {
	for _, p := range personal {
		switch {
		case utf8.RuneCountInString(p) < 2:
		case strings.Trim(p, "+-0123456789 ") == "":
			s = strings.ReplaceAll(s, p, auth.MaskPhone(p))
		default:
			s = strings.ReplaceAll(s, p, auth.MaskName(p))
		}
	}
	return auth.MaskText(s)
}
