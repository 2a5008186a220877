package backup

import (
	"io"
)

// chunkSize is the size of the pieces passed between a copy's goroutines.
const chunkSize = 1 << 20

// asyncWriter hands what is written to it, in chunks, to a goroutine that
// writes them to w: compressing a backup runs beside reading the database.
type asyncWriter struct {
	buf   []byte
	out   chan []byte
	free  chan []byte
	done  chan struct{}
	err   error // the goroutine's; read after done
	close func() error
}

// newAsyncWriter starts the goroutine writing to w; closeW, if set, is
// called after the last chunk (the gzip stream's end).
func newAsyncWriter(w io.Writer, closeW func() error) *asyncWriter {
	a := &asyncWriter{out: make(chan []byte, 4), free: make(chan []byte, 5), done: make(chan struct{}), close: closeW}
	a.buf = make([]byte, 0, chunkSize)
	go func() {
		defer close(a.done)
		for b := range a.out {
			if a.err == nil {
				_, a.err = w.Write(b)
			}
			select {
			case a.free <- b[:0]:
			default:
			}
		}
		if a.err == nil && a.close != nil {
			a.err = a.close()
		}
	}()
	return a
}

func (a *asyncWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		room := chunkSize - len(a.buf)
		if room > len(p) {
			room = len(p)
		}
		a.buf = append(a.buf, p[:room]...)
		p = p[room:]
		if len(a.buf) == chunkSize {
			if err := a.flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

func (a *asyncWriter) flush() error {
	select {
	case <-a.done:
		return a.err
	case a.out <- a.buf:
	}
	select {
	case a.buf = <-a.free:
	default:
		a.buf = make([]byte, 0, chunkSize)
	}
	return nil
}

// Close writes what is left, waits for the goroutine and returns its error.
func (a *asyncWriter) Close() error {
	if len(a.buf) > 0 {
		a.flush()
	}
	close(a.out)
	<-a.done
	return a.err
}

// asyncReader reads r ahead in a goroutine, so decompressing a backup runs
// beside decoding and loading it.
type asyncReader struct {
	in   chan chunk
	cur  []byte
	err  error
	stop chan struct{}
}

type chunk struct {
	b   []byte
	err error
}

func newAsyncReader(r io.Reader) *asyncReader {
	a := &asyncReader{in: make(chan chunk, 4), stop: make(chan struct{})}
	go func() {
		defer close(a.in)
		for {
			b := make([]byte, chunkSize)
			n := 0
			var err error
			for n < len(b) && err == nil {
				var m int
				m, err = r.Read(b[n:])
				n += m
			}
			select {
			case a.in <- chunk{b[:n], err}:
			case <-a.stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return a
}

func (a *asyncReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		c, ok := <-a.in
		if !ok {
			return 0, io.EOF
		}
		a.cur, a.err = c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine reading ahead.
func (a *asyncReader) Close() {
	select {
	case <-a.stop:
	default:
		close(a.stop)
	}
}
