// Package backup copies a whole gongzhi database, read in one snapshot, to a
// portable file and back, and from one engine to the other (备份、恢复、迁移).
//
// One file format serves both engines: a gzip'd stream of JSON lines. The
// first line is the header (format, its version, the schema version, the
// engine and the time of the snapshot); then each table in dependency order,
// as a line naming its columns, one line per row (a JSON array, rows in
// primary-key order) and a line with its row count and the SHA-256 of its
// row lines; then a closing line. The row lines are the canonical encoding
// of the values (integers, floats, text, booleans, times in UTC to the
// microsecond, bytes in base64), the same whichever engine wrote or reads
// them, so one checksum says that a restored copy holds exactly the rows of
// the snapshot. Search data (SQLite's full-text tables and area tokens,
// PostgreSQL's generated vectors) is not carried: it is rebuilt.
package backup

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Format names the file format in the header; FormatVersion is the version
// this package writes and reads.
const (
	Format        = "gongzhi-backup"
	FormatVersion = 1
)

// Kind is what a column holds, the same on both engines.
type Kind string

// The kinds of values a backup carries.
const (
	Int   Kind = "int"   // INTEGER / BIGINT, INTEGER
	Float Kind = "float" // REAL / DOUBLE PRECISION
	Text  Kind = "text"  // TEXT
	Bool  Kind = "bool"  // BOOLEAN (0/1 on SQLite)
	Time  Kind = "time"  // TIMESTAMP / TIMESTAMPTZ, carried in UTC to the microsecond
	Bytes Kind = "bytes" // BLOB / BYTEA (attachments)
)

// timeLayout is the canonical text of a time: UTC, always six fractional
// digits (PostgreSQL keeps microseconds), so equal times encode equally.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Header is the first line of a backup file.
type Header struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	Schema    int64     `json:"schema"` // the newest migration applied to the database backed up
	Engine    string    `json:"engine"` // sqlite or postgres
	CreatedAt time.Time `json:"created_at"`
	Gongzhi   string    `json:"gongzhi,omitempty"` // the release that wrote it
	Tables    []string  `json:"tables"`            // in the order they follow
}

// Column is one carried column.
type Column struct {
	Name string `json:"name"`
	Kind Kind   `json:"type"`
}

// Table is a table as a backup carries it: the line before its rows.
type Table struct {
	Name    string   `json:"table"`
	Columns []Column `json:"columns"`
	Key     []string `json:"key"`  // primary key: the rows' order
	Rows    int64    `json:"rows"` // as counted in the snapshot

	refs   []string // other tables it refers to
	serial string   // the column its ids come from, if any
}

// Sum is a table's row count and the SHA-256 of its row lines, each followed
// by a newline; the line after a table's rows in a backup file.
type Sum struct {
	Table  string `json:"end"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
	// NextID is the id the table's next row gets (PostgreSQL's sequence
	// may be past the largest id): a restore keeps handing out new ids.
	NextID int64 `json:"next_id,omitempty"`
}

// trailer is the last line: a file without it was cut short.
type trailer struct {
	Done   bool  `json:"done"`
	Tables int   `json:"tables"`
	Rows   int64 `json:"rows"`
}

// Manifest is what a backup holds: its header and every table's sum.
type Manifest struct {
	Header Header
	Sums   []Sum
}

// Rows is the number of rows of every table together.
func (m *Manifest) Rows() int64 {
	var n int64
	for _, s := range m.Sums {
		n += s.Rows
	}
	return n
}

// canon turns a value as a driver returns it into the canonical value of
// its kind: int64, float64, string, bool, time.Time (UTC, microseconds),
// []byte or nil. SQLite keeps booleans as integers and may hold a value of
// another type than declared; those are refused rather than guessed.
func canon(k Kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case Int:
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x), nil
			}
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case Float:
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%v cannot be carried", x)
			}
			return x, nil
		case int64:
			return float64(x), nil
		}
	case Text:
		switch x := v.(type) {
		case string:
			if !utf8.ValidString(x) {
				return nil, fmt.Errorf("text is not valid UTF-8")
			}
			return x, nil
		case []byte:
			if !utf8.Valid(x) {
				return nil, fmt.Errorf("text is not valid UTF-8")
			}
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		}
	case Bool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		}
	case Time:
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Truncate(time.Microsecond), nil
		case string:
			if t, err := parseTime(x); err == nil {
				return t, nil
			}
		}
	case Bytes:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	}
	return nil, fmt.Errorf("%T value %.40v is not a %s", v, v, k)
}

// parseTime reads a time SQLite holds as text in a form its driver did not
// turn into a time.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Microsecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time", s)
}

// appendRow appends the canonical line of a row of canonical values.
func appendRow(b []byte, vals []any) []byte {
	b = append(b, '[')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendValue(b, v)
	}
	return append(b, ']')
}

func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	case string:
		return appendString(b, x)
	case time.Time:
		b = append(b, '"')
		b = x.AppendFormat(b, timeLayout)
		return append(b, '"')
	case []byte:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, x)
		return append(b, '"')
	}
	panic(fmt.Sprintf("backup: no canonical encoding for %T", v))
}

// appendString appends s as a JSON string, escaping only what JSON requires
// (quote, backslash, control characters), so the text stays readable.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// decodeRow reads a row line of t back into canonical values. It reads the
// canonical form only (no spaces, only the escapes appendString writes);
// anything else is refused, and the caller checks the values encode back
// to the very line.
func decodeRow(t *Table, line []byte) ([]any, error) {
	if len(line) < 2 || line[0] != '[' || line[len(line)-1] != ']' {
		return nil, fmt.Errorf("not a row")
	}
	vals := make([]any, len(t.Columns))
	p := line[1 : len(line)-1]
	for i, c := range t.Columns {
		if i > 0 {
			if len(p) == 0 || p[0] != ',' {
				return nil, fmt.Errorf("%d values for %d columns", i, len(t.Columns))
			}
			p = p[1:]
		}
		v, rest, err := decodeValue(c.Kind, p)
		if err != nil {
			return nil, fmt.Errorf("column %s: %v", c.Name, err)
		}
		vals[i], p = v, rest
	}
	if len(p) != 0 {
		return nil, fmt.Errorf("more values than the %d columns", len(t.Columns))
	}
	return vals, nil
}

// decodeValue reads one value of kind k from the front of p.
func decodeValue(k Kind, p []byte) (any, []byte, error) {
	if len(p) >= 4 && string(p[:4]) == "null" {
		return nil, p[4:], nil
	}
	if len(p) > 0 && p[0] == '"' {
		str, rest, err := decodeString(p)
		if err != nil {
			return nil, nil, err
		}
		switch k {
		case Text:
			return str, rest, nil
		case Time:
			t, err := time.Parse(timeLayout, str)
			if err != nil {
				return nil, nil, fmt.Errorf("%q is not a time", str)
			}
			return t, rest, nil
		case Bytes:
			b, err := base64.StdEncoding.DecodeString(str)
			return b, rest, err
		}
		return nil, nil, fmt.Errorf("a string is not a %s", k)
	}
	n := 0
	for n < len(p) && p[n] != ',' {
		n++
	}
	tok, rest := string(p[:n]), p[n:]
	switch k {
	case Int:
		v, err := strconv.ParseInt(tok, 10, 64)
		return v, rest, err
	case Float:
		v, err := strconv.ParseFloat(tok, 64)
		return v, rest, err
	case Bool:
		switch tok {
		case "true":
			return true, rest, nil
		case "false":
			return false, rest, nil
		}
	}
	return nil, nil, fmt.Errorf("%.40q is not a %s", tok, k)
}

// decodeString reads the JSON string at the front of p.
func decodeString(p []byte) (string, []byte, error) {
	i := 1
	plain := true
	for ; i < len(p) && p[i] != '"'; i++ {
		if p[i] == '\\' {
			plain = false
			i++
		}
	}
	if i >= len(p) {
		return "", nil, fmt.Errorf("unterminated string")
	}
	body, rest := p[1:i], p[i+1:]
	if plain {
		return string(body), rest, nil
	}
	b := make([]byte, 0, len(body))
	for j := 0; j < len(body); j++ {
		c := body[j]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		j++
		switch body[j] {
		case '"', '\\':
			b = append(b, body[j])
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			if j+4 >= len(body) || string(body[j+1:j+3]) != "00" {
				return "", nil, fmt.Errorf("bad escape in a string")
			}
			x, err := strconv.ParseUint(string(body[j+3:j+5]), 16, 8)
			if err != nil {
				return "", nil, fmt.Errorf("bad escape in a string")
			}
			b = append(b, byte(x))
			j += 4
		default:
			return "", nil, fmt.Errorf("bad escape in a string")
		}
	}
	return string(b), rest, nil
}

// validKind reports whether k is a kind a backup carries.
func validKind(k Kind) bool {
	switch k {
	case Int, Float, Text, Bool, Time, Bytes:
		return true
	}
	return false
}
