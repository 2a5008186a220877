// Package xlsxsafe opens XLSX files from untrusted users within fixed
// bounds. An XLSX is a zip of XML parts: a 1 MB upload can unpack to
// hundreds of MB (a decompression bomb), or to millions of XML elements or
// attributes that excelize decodes into structs of 75–180 bytes each. Open
// reads the zip's directory, then unpacks every part once through a
// counting reader and a cheap tag scanner, and only then lets excelize open
// the file, with its unzip limits set to the same bound and no temporary
// files.
package xlsxsafe

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/errs"
)

// Limits bound one workbook. A zero field takes its default.
type Limits struct {
	// MaxUnpacked bounds all parts together once unpacked, as the zip
	// directory declares them and as they really unpack. Default 64 MiB.
	MaxUnpacked int64
	// MaxParts bounds the files in the zip; Excel writes about a dozen.
	// Default 1,000.
	MaxParts int
	// MaxElements bounds the XML elements excelize decodes whole into
	// memory: everything except the cells of worksheets, which are read a
	// row at a time. Default 500,000 (a 20,000-row list with 10 columns of
	// distinct text has about 400,000: two per shared string).
	MaxElements int
	// MaxStringBytes bounds the XML of one shared string, so that a cell
	// referring to it cannot copy much text. Excel's own limit is 32,767
	// characters. Default 256 KiB.
	MaxStringBytes int
}

// Defaults are the limits of a zero Limits.
var Defaults = Limits{MaxUnpacked: 64 << 20, MaxParts: 1000, MaxElements: 500_000, MaxStringBytes: 256 << 10}

// Limits Excel itself has; a worksheet over them was not made by a spreadsheet.
const (
	maxSheetRows     = excelize.TotalRows  // rows in one worksheet
	maxRowCells      = excelize.MaxColumns // cells in one row
	maxCellElements  = 1024                // elements in one cell (a rich text's runs)
	maxTagName       = 16                  // longer names are never the ones counted apart
	maxAttributes    = 256                 // attributes of one element (Excel writes a dozen at most)
	maxDeclaration   = 1024                // an <?xml …?> declaration
	defaultChunkSize = 32 << 10
)

// Errors Open returns, wrapped with the part and number at fault.
var (
	// ErrTooLarge: the workbook unpacks to more than MaxUnpacked.
	ErrTooLarge = errors.New("xlsx unpacks beyond the limit")
	// ErrTooComplex: more parts, XML elements, or a longer shared string
	// than the limits allow, or a worksheet beyond Excel's own limits.
	ErrTooComplex = errors.New("xlsx beyond the limits on parts, elements or strings")
	// ErrUnreadable: not a zip, a part that does not unpack, or XML in an
	// encoding other than UTF-8 (which the scanner could not count).
	ErrUnreadable = errors.New("not a readable xlsx")
)

func (l Limits) withDefaults() Limits {
	if l.MaxUnpacked <= 0 {
		l.MaxUnpacked = Defaults.MaxUnpacked
	}
	if l.MaxParts <= 0 {
		l.MaxParts = Defaults.MaxParts
	}
	if l.MaxElements <= 0 {
		l.MaxElements = Defaults.MaxElements
	}
	if l.MaxStringBytes <= 0 {
		l.MaxStringBytes = Defaults.MaxStringBytes
	}
	return l
}

// Open checks data against l and opens it with excelize. The caller closes
// the file and reads sheets with Rows, which streams, never GetRows.
func Open(data []byte, l Limits) (*excelize.File, error) {
	l = l.withDefaults()
	if err := Check(data, l); err != nil {
		return nil, err
	}
	// Every part may stay in memory (UnzipXMLSizeLimit = UnzipSizeLimit):
	// Check bounded them all, and temporary files would only move the cost
	// to the disk.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: l.MaxUnpacked, UnzipXMLSizeLimit: l.MaxUnpacked})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	return f, nil
}

// Check reads the zip directory of data and then unpacks every part once,
// counting bytes and XML elements, without keeping any of it.
func Check(data []byte, l Limits) error {
	l = l.withDefaults()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if len(zr.File) > l.MaxParts {
		return fmt.Errorf("%w: %d parts, at most %d", ErrTooComplex, len(zr.File), l.MaxParts)
	}
	// What the directory declares first: a bomb is refused before any
	// unpacking.
	var declared uint64
	for _, f := range zr.File {
		declared += min(f.UncompressedSize64, uint64(l.MaxUnpacked)+1)
		if declared > uint64(l.MaxUnpacked) {
			return fmt.Errorf("%w: the zip directory declares more than %d bytes", ErrTooLarge, l.MaxUnpacked)
		}
	}
	// Then what the parts really unpack to, since a directory can lie.
	// (archive/zip also refuses a part longer than declared.)
	sc := &scanner{l: l}
	left := l.MaxUnpacked
	buf := make([]byte, defaultChunkSize)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrUnreadable, f.Name, err)
		}
		n, err := sc.part(f.Name, io.LimitReader(rc, left+1), buf)
		rc.Close()
		if left -= n; left < 0 {
			return fmt.Errorf("%w: more than %d bytes unpacked", ErrTooLarge, l.MaxUnpacked)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// scanner counts the XML elements of a workbook's parts across all parts,
// and the attributes of each. It looks only at '<', the name after it and
// the '=' of the tag, so it can over-count (a '<' in a comment or in binary
// data) but never under-count what an XML decoder would see; an encoding
// other than UTF-8 is refused, since there the bytes of a tag would not be
// ASCII.
type scanner struct {
	l        Limits
	elements int
}

// Scanner states within a part.
const (
	inText  = iota // looking for '<'
	afterLT        // just after '<'
	inName         // reading an element's name
	inAttrs        // in a start tag after its name
	inPI           // reading a processing instruction up to "?>"
)

// partScan is the state of one part.
type partScan struct {
	*scanner
	name       string
	sheet, sst bool
	state      int
	tag        []byte
	off        int64 // bytes of the part so far
	lt         int64 // offset of the last '<'
	question   bool  // the last byte of a processing instruction was '?'
	attrs      int   // attributes of the current start tag
	quote      byte  // the quote of the attribute value being read, or 0
	rows       int
	cells      int   // cells in the current row
	cellElems  int   // elements in the current cell
	stringFrom int64 // offset of the current shared string, or -1
}

// part scans one part and returns its unpacked size.
func (s *scanner) part(name string, r io.Reader, buf []byte) (int64, error) {
	lower := strings.ToLower(name)
	p := &partScan{scanner: s, name: name, stringFrom: -1,
		// excelize reads the shared strings from this path, in any case,
		// and streams the cells of worksheets; the workbook and every
		// other part it decodes whole, whatever the path.
		sheet: strings.HasPrefix(lower, "xl/worksheets/"),
		sst:   lower == "xl/sharedstrings.xml",
		tag:   make([]byte, 0, maxDeclaration)}
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if err := p.scan(buf[:n]); err != nil {
				return p.off, err
			}
		}
		if err == io.EOF {
			return p.off, p.end()
		}
		if err != nil {
			return p.off, fmt.Errorf("%w: %s: %v", ErrUnreadable, name, err)
		}
	}
}

func (p *partScan) scan(b []byte) error {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch p.state {
		case inText:
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				p.off += int64(len(b) - i)
				return nil
			}
			i += j
			p.off += int64(j)
			p.lt, p.state = p.off, afterLT
		case afterLT:
			switch c {
			case '/', '!': // an end tag, a comment, CDATA or a DOCTYPE
				p.state = inText
			case '?':
				p.state, p.tag, p.question = inPI, p.tag[:0], false
			default:
				p.state, p.tag = inName, append(p.tag[:0], c)
			}
		case inName:
			switch c {
			case ' ', '\t', '\r', '\n', '>', '/':
				p.state, p.attrs, p.quote = inAttrs, 0, 0
				if c == '>' {
					p.state = inText
				}
				if err := p.element(); err != nil {
					return err
				}
			case ':': // a namespace prefix: keep the local name
				p.tag = p.tag[:0]
			default:
				if len(p.tag) <= maxTagName {
					p.tag = append(p.tag, c)
				}
			}
		case inAttrs:
			// encoding/xml decodes every attribute into the token, so a
			// tag of a million attributes costs 50 bytes each.
			switch {
			case c == '<': // not XML; count it as a tag all the same
				p.lt, p.state = p.off, afterLT
			case p.quote != 0:
				if c == p.quote {
					p.quote = 0
				}
			case c == '"' || c == '\'':
				p.quote = c
			case c == '>':
				p.state = inText
			case c == '=':
				if p.attrs++; p.attrs > maxAttributes {
					return fmt.Errorf("%w: %s: an element of more than %d attributes", ErrTooComplex, p.name, maxAttributes)
				}
			}
		case inPI:
			if c == '>' && p.question {
				p.state = inText
				if err := p.declaration(); err != nil {
					return err
				}
			} else if len(p.tag) < maxDeclaration {
				p.tag = append(p.tag, c)
			} else if bytes.HasPrefix(p.tag, []byte("xml")) {
				return fmt.Errorf("%w: %s: an XML declaration longer than %d bytes", ErrUnreadable, p.name, maxDeclaration)
			}
			p.question = c == '?'
		}
		p.off++
	}
	return nil
}

// declaration refuses an XML declaration naming an encoding other than
// UTF-8: encoding/xml switches to it wherever the declaration appears, and
// the scanner would no longer see the tags. It reads the declaration as
// encoding/xml does (procInst).
func (p *partScan) declaration() error {
	pi := strings.TrimSuffix(string(p.tag), "?")
	target, content := pi, ""
	if i := strings.IndexAny(pi, " \t\r\n"); i >= 0 {
		target, content = pi[:i], pi[i:]
	}
	if target != "xml" {
		return nil
	}
	if enc := procInst("encoding", content); enc != "" && !strings.EqualFold(enc, "utf-8") {
		return fmt.Errorf("%w: %s: XML in %q; only UTF-8 is read", ErrUnreadable, p.name, enc)
	}
	return nil
}

// procInst is encoding/xml's reading of a parameter of a declaration.
func procInst(param, s string) string {
	param += "="
	for i := 0; i < len(s); {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || len(param)+k >= len(sub) {
			return ""
		}
		i += len(param) + k + 1
		if c := sub[len(param)+k]; c == '\'' || c == '"' {
			j := strings.IndexByte(s[i:], c)
			if j < 0 {
				return ""
			}
			return s[i : i+j]
		}
	}
	return ""
}

// element counts the element whose name was just read.
func (p *partScan) element() error {
	name := string(p.tag)
	switch {
	case p.sheet && name == "row":
		if p.rows++; p.rows > maxSheetRows {
			return fmt.Errorf("%w: %s: more than %d rows", ErrTooComplex, p.name, maxSheetRows)
		}
		p.cells, p.cellElems = 0, 0
		return nil
	case p.sheet && name == "c":
		if p.cells++; p.cells > maxRowCells {
			return fmt.Errorf("%w: %s: row %d has more than %d cells", ErrTooComplex, p.name, p.rows, maxRowCells)
		}
		p.cellElems = 1
		return nil
	case p.sheet && (name == "v" || name == "f" || name == "is" || name == "t" || name == "r" || name == "rPr"):
		if p.cellElems++; p.cellElems > maxCellElements {
			return fmt.Errorf("%w: %s: row %d has a cell of more than %d elements", ErrTooComplex, p.name, p.rows, maxCellElements)
		}
		return nil
	case p.sst && name == "si":
		if err := p.endString(p.lt); err != nil {
			return err
		}
		p.stringFrom = p.lt
	}
	if p.elements++; p.elements > p.l.MaxElements {
		return fmt.Errorf("%w: more than %d XML elements (at %s)", ErrTooComplex, p.l.MaxElements, p.name)
	}
	return nil
}

// endString checks the length of the shared string that ends at off.
func (p *partScan) endString(off int64) error {
	if p.stringFrom >= 0 && off-p.stringFrom > int64(p.l.MaxStringBytes) {
		return fmt.Errorf("%w: %s: a shared string of more than %d bytes", ErrTooComplex, p.name, p.l.MaxStringBytes)
	}
	return nil
}

func (p *partScan) end() error {
	if p.sst {
		return p.endString(p.off)
	}
	return nil
}

// FirstSheet opens an uploaded workbook within l and reads its first
// sheet's raw cell values, refusing more than maxRows rows. Its errors are
// coded for the person who uploaded file (the imports of members and of
// people in care share it).
func FirstSheet(file string, data []byte, l Limits, maxRows int) ([][]string, error) {
	f, err := Open(data, l)
	switch {
	case errors.Is(err, ErrTooLarge), errors.Is(err, ErrTooComplex):
		return nil, errs.New(errs.ETOOLARGE, "%s: the workbook is too large or complex; copy the rows into a new workbook and import that", file)
	case err != nil:
		return nil, errs.New(errs.EINVALID, "%s: not a readable XLSX file", file)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errs.New(errs.EINVALID, "%s: the workbook has no sheet", file)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, errs.New(errs.EINVALID, "%s: cannot read sheet %q", file, sheets[0])
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, errs.New(errs.EINVALID, "%s: cannot read sheet %q", file, sheets[0])
		}
		if len(out) > maxRows {
			return nil, errs.New(errs.ETOOLARGE, "%s: more than %d rows; split the file", file, maxRows)
		}
		out = append(out, cells)
	}
	return out, nil
}
