package app

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestCompression: text answers are gzipped for clients that accept it and
// come back byte for byte; compressed formats, ranges, HEAD and clients
// that refuse gzip get the answer as it was.
func TestCompression(t *testing.T) {
	page := strings.Repeat("<p>社区诉求 report page</p>\n", 400)
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		io.WriteString(w, page)
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"items":[`+strings.Repeat(`{"id":1},`, 300)+`{"id":2}]}`)
	})
	mux.HandleFunc("/sheet.xlsx", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		io.WriteString(w, page)
	})
	mux.HandleFunc("/sniffed", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, page) })
	mux.HandleFunc("/range", func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "a.txt", time.Time{}, strings.NewReader(page))
	})
	srv := httptest.NewServer(withCompression(mux))
	defer srv.Close()
	get := func(method, path, enc string, hdr ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", enc) // set by hand: the transport then leaves the body compressed
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	gunzip := func(b []byte) string {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		out, _ := io.ReadAll(zr)
		return string(out)
	}
	for _, c := range []struct{ path, want string }{{"/page", page}, {"/sniffed", page}} {
		res, b := get("GET", c.path, "br, gzip;q=0.8")
		if res.Header.Get("Content-Encoding") != "gzip" || gunzip(b) != c.want || len(b) > len(c.want)/5 || res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: encoding %q, %d bytes for %d", c.path, res.Header.Get("Content-Encoding"), len(b), len(c.want))
		}
	}
	res, _ := get("GET", "/page", "gzip")
	if res.Header.Get("ETag") != `W/"v1"` {
		t.Errorf("a compressed answer keeps a strong ETag: %q", res.Header.Get("ETag"))
	}
	res, b := get("GET", "/json", "gzip")
	if res.StatusCode != http.StatusCreated || res.Header.Get("Content-Encoding") != "gzip" || !strings.HasSuffix(gunzip(b), `{"id":2}]}`) {
		t.Errorf("json: %d %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	for _, c := range []struct{ method, path, enc string }{
		{"GET", "/page", ""}, {"GET", "/page", "gzip;q=0"}, {"GET", "/sheet.xlsx", "gzip"}, {"HEAD", "/page", "gzip"},
	} {
		res, b := get(c.method, c.path, c.enc)
		if res.Header.Get("Content-Encoding") != "" || c.method == "GET" && string(b) != page {
			t.Errorf("%s %s (%q): encoding %q, %d bytes", c.method, c.path, c.enc, res.Header.Get("Content-Encoding"), len(b))
		}
	}
	res, b = get("GET", "/range", "gzip", "Range", "bytes=0-9")
	if res.StatusCode != http.StatusPartialContent || res.Header.Get("Content-Encoding") != "" || string(b) != page[:10] {
		t.Errorf("range: %d %q %q", res.StatusCode, res.Header.Get("Content-Encoding"), b)
	}
}
