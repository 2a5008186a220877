package backup

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// fileWriter writes a backup file: JSON lines through gzip, compressed in
// a goroutine of its own while the database is read.
type fileWriter struct {
	a     *asyncWriter
	w     *bufio.Writer
	total int64
	n     int
}

func newFileWriter(w io.Writer) *fileWriter {
	// The fastest level: the file is a sixth of the size of the database,
	// and a better level costs more time than the space it saves is worth.
	z, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	a := newAsyncWriter(z, z.Close)
	return &fileWriter{a: a, w: bufio.NewWriterSize(a, 64<<10)}
}

func (f *fileWriter) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return errs.Wrap(err, "encode backup line")
	}
	f.w.Write(b)
	return f.w.WriteByte('\n')
}

func (f *fileWriter) header(h *Header) error { return f.line(h) }
func (f *fileWriter) table(t *Table) error   { return f.line(t) }

func (f *fileWriter) row(_ []any, line []byte) error {
	f.w.Write(line)
	return f.w.WriteByte('\n')
}

func (f *fileWriter) end(_ *Table, s Sum) error {
	f.total += s.Rows
	f.n++
	return f.line(s)
}

// close writes the trailer and ends the gzip stream.
func (f *fileWriter) close() error {
	if err := f.line(trailer{Done: true, Tables: f.n, Rows: f.total}); err != nil {
		return err
	}
	if err := f.w.Flush(); err != nil {
		f.a.Close()
		return errs.Wrap(err, "write backup")
	}
	return errs.Wrap(f.a.Close(), "write backup")
}

// abort stops the compressing goroutine after a failure.
func (f *fileWriter) abort() { f.a.Close() }

// Backup writes every table of d, read in one snapshot while the server goes
// on serving, to w as a backup file, and returns what it holds.
func Backup(ctx context.Context, d *db.DB, w io.Writer, opts Options) (*Manifest, error) {
	s, err := openSnapshot(ctx, d)
	if err != nil {
		return nil, err
	}
	defer s.close()
	f := newFileWriter(w)
	m, err := dump(ctx, s, opts.header(), f, opts.Progress)
	if err != nil {
		f.abort()
		return nil, err
	}
	if err := f.close(); err != nil {
		return nil, err
	}
	return m, nil
}

// fileReader reads a backup file back, checking as it goes that every line
// is where it should be and every table's rows match their count and checksum.
type fileReader struct {
	name string // the file's name, for messages
	a    *asyncReader
	r    *bufio.Reader
	buf  []byte
	enc  []byte // a decoded row encoded again
	n    int    // lines read
}

func openFile(r io.Reader, name string) (*fileReader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	z, err := gzip.NewReader(br)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errs.New(errs.EINVALID, "%s is empty or cut short: it is not a complete gongzhi backup", name)
		}
		return nil, errs.New(errs.EINVALID, "%s is not a gongzhi backup file (not gzip)", name)
	}
	z.Multistream(false)
	a := newAsyncReader(z) // decompressing runs beside decoding and loading
	return &fileReader{name: name, a: a, r: bufio.NewReaderSize(a, 1<<20)}, nil
}

// close stops the goroutine reading ahead.
func (f *fileReader) close() { f.a.Close() }

// next returns the next line without its newline; valid until the next call.
func (f *fileReader) next() ([]byte, error) {
	f.buf = f.buf[:0]
	for {
		chunk, err := f.r.ReadSlice('\n')
		f.buf = append(f.buf, chunk...)
		if err == nil {
			f.n++
			return f.buf[:len(f.buf)-1], nil
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return nil, f.readError(err)
	}
}

// readError names what is wrong with the file for an error of the gzip stream.
func (f *fileReader) readError(err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errs.New(errs.EINVALID, "%s is cut short after line %d: it is not a complete gongzhi backup", f.name, f.n)
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return errs.New(errs.EINVALID, "%s is damaged after line %d: its compressed data is corrupt", f.name, f.n)
	}
	return errs.Wrap(err, "read "+f.name)
}

// damaged is the error for a line that is not what it should be.
func (f *fileReader) damaged(what string) error {
	return errs.New(errs.EINVALID, "%s is damaged at line %d: %s", f.name, f.n, what)
}

// header reads and checks the first line.
func (f *fileReader) header() (*Header, error) {
	line, err := f.next()
	if err != nil {
		return nil, err
	}
	var h Header
	if json.Unmarshal(line, &h) != nil || h.Format != Format {
		return nil, errs.New(errs.EINVALID, "%s is not a gongzhi backup file", f.name)
	}
	if h.Version != FormatVersion {
		return nil, errs.New(errs.EINVALID, "%s is in backup format %d; this gongzhi reads format %d", f.name, h.Version, FormatVersion)
	}
	if h.Engine != db.SQLite.String() && h.Engine != db.Postgres.String() {
		return nil, f.damaged("unknown engine " + h.Engine)
	}
	return &h, nil
}

// read reads the tables after the header into out (nil: only check them);
// rows are decoded only for a sink that takes them.
func (f *fileReader) read(ctx context.Context, h *Header, out sink, progress func(Progress)) (*Manifest, error) {
	if out != nil {
		if err := out.header(h); err != nil {
			return nil, err
		}
	}
	m := &Manifest{Header: *h}
	for _, name := range h.Tables {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		line, err := f.next()
		if err != nil {
			return nil, err
		}
		var t Table
		if json.Unmarshal(line, &t) != nil || t.Name != name || len(t.Columns) == 0 {
			return nil, f.damaged("the columns of table " + name + " should follow")
		}
		for _, c := range t.Columns {
			if c.Name == "" || !validKind(c.Kind) {
				return nil, f.damaged("table " + name + " has a column of unknown type")
			}
		}
		if out != nil {
			if err := out.table(&t); err != nil {
				return nil, err
			}
		}
		h256 := sha256.New()
		var n int64
		for {
			line, err = f.next()
			if err != nil {
				return nil, err
			}
			if len(line) == 0 || line[0] != '[' {
				break
			}
			n++
			if err := f.row(&t, line, h256, out); err != nil {
				return nil, err
			}
			if progress != nil && n%progressEvery == 0 {
				progress(Progress{Table: name, Done: n, Total: t.Rows})
			}
		}
		var s Sum
		if json.Unmarshal(line, &s) != nil || s.Table != name {
			return nil, f.damaged("the end of table " + name + " should follow its rows")
		}
		got := hex.EncodeToString(h256.Sum(nil))
		if s.Rows != n || s.SHA256 != got {
			return nil, errs.New(errs.EINVALID, "%s is damaged: table %s holds %d rows with checksum %.12s, its record says %d rows with checksum %.12s",
				f.name, name, n, got, s.Rows, s.SHA256)
		}
		if out != nil {
			if err := out.end(&t, s); err != nil {
				return nil, err
			}
		}
		m.Sums = append(m.Sums, s)
		if progress != nil {
			progress(Progress{Table: name, Done: n, Total: t.Rows, End: true})
		}
	}
	line, err := f.next()
	if err != nil {
		return nil, err
	}
	var tr trailer
	if json.Unmarshal(line, &tr) != nil || !tr.Done || tr.Tables != len(h.Tables) || tr.Rows != m.Rows() {
		return nil, f.damaged("the closing line does not match the tables before it")
	}
	// Read to the end: gzip checks its own checksum and length there.
	if _, err := f.r.ReadByte(); err == nil {
		return nil, f.damaged("more data follows the closing line")
	} else if !errors.Is(err, io.EOF) {
		return nil, f.readError(err)
	}
	return m, nil
}

// row checks one row line and hands it on.
func (f *fileReader) row(t *Table, line []byte, h hash.Hash, out sink) error {
	h.Write(line)
	h.Write([]byte{'\n'})
	if out == nil {
		return nil
	}
	vals, err := decodeRow(t, line)
	if err != nil {
		return f.damaged("table " + t.Name + ": " + err.Error())
	}
	// A row must read back to its own line: what is loaded is what was summed.
	f.enc = appendRow(f.enc[:0], vals)
	if !bytes.Equal(f.enc, line) {
		return f.damaged("table " + t.Name + ": a row is not in canonical form")
	}
	return out.row(vals, line)
}

// Verify reads a whole backup file and checks it: the header, every table's
// row count and checksum, the closing line and the compressed stream's own
// checksum. It writes nothing.
func Verify(ctx context.Context, r io.Reader, name string, progress func(Progress)) (*Manifest, error) {
	f, err := openFile(r, name)
	if err != nil {
		return nil, err
	}
	defer f.close()
	h, err := f.header()
	if err != nil {
		return nil, err
	}
	return f.read(ctx, h, nil, progress)
}

// ReadHeader reads only the header of a backup file.
func ReadHeader(r io.Reader, name string) (*Header, error) {
	f, err := openFile(r, name)
	if err != nil {
		return nil, err
	}
	defer f.close()
	return f.header()
}
