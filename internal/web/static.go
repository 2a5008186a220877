package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Only these are served: the vendor folder also holds licence texts.
//
//go:embed static/*.css static/*.js static/vendor/*.js
var staticFS embed.FS

// asset is one static file, held in memory with a gzip copy.
type asset struct {
	body, gz []byte
	ctype    string
	etag     string
}

// assets maps content-hashed URLs to files and file names to URLs.
type assets struct {
	byURL  map[string]*asset
	urlFor map[string]string // "vendor/htmx.min.js" → "/static/vendor/htmx.min.1a2b3c4d5e.js"
}

// hashLen is how many hex digits of SHA-256 go into a URL: enough that two
// versions of a file never share one.
const hashLen = 10

// loadAssets reads and hashes every static file once at startup.
func loadAssets() (*assets, error) {
	a := &assets{byURL: map[string]*asset{}, urlFor: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:hashLen]
		ext := path.Ext(name)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hash + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		gz, err := gzipped(body)
		if err != nil {
			return err
		}
		a.byURL[url] = &asset{body: body, gz: gz, ctype: ctype, etag: `"` + hash + `"`}
		a.urlFor[name] = url
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	return a, nil
}

func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// url returns the hashed URL of a static file; templates call it as asset.
// An unknown name is a programming error, shown as an obviously broken URL.
func (a *assets) url(name string) string {
	if u, ok := a.urlFor[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

// serveAsset serves a hashed static file. The URL changes with the content,
// so browsers may keep it for a year without asking again.
func (s *server) serveAsset(w http.ResponseWriter, r *http.Request) {
	f, ok := s.assets.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Type", f.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", f.etag)
	h.Set("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if len(f.gz) < len(f.body) && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.TrimSpace(params) != "q=0" {
			return true
		}
	}
	return false
}
