package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestGate: with room for one request, a second waits until the first is
// answered, one whose client leaves while waiting never runs, a request
// gives its place up at its answer's first byte, and a large upload does
// not wait for a place.
func TestGate(t *testing.T) {
	entered, release, wrote := make(chan string, 4), make(chan struct{}), make(chan struct{})
	h := newGate(1).wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- r.URL.Path
		if r.URL.Path == "/first" {
			<-release
		}
	}))
	serve := func(ctx context.Context, r *http.Request) chan struct{} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			h.ServeHTTP(httptest.NewRecorder(), r.WithContext(ctx))
		}()
		return done
	}
	get := func(path string) *http.Request { return httptest.NewRequest("GET", path, nil) }
	bg := context.Background()

	first := serve(bg, get("/first"))
	if p := <-entered; p != "/first" {
		t.Fatalf("entered %s first", p)
	}
	gone, leave := context.WithCancel(bg)
	abandoned := serve(gone, get("/abandoned"))
	leave()
	<-abandoned // returns without taking the first's place
	upload := httptest.NewRequest("POST", "/upload", strings.NewReader(strings.Repeat("x", gateBodyLimit+1)))
	<-serve(bg, upload) // not behind the gate: runs while the first holds the place
	if p := <-entered; p != "/upload" {
		t.Fatalf("entered %s, want the upload", p)
	}
	second := serve(bg, get("/second"))
	close(release)
	<-first
	<-second
	if p := <-entered; p != "/second" {
		t.Errorf("after the first, %s ran; want /second (the abandoned one must not run)", p)
	}

	// A streaming answer frees its place once it starts.
	release = make(chan struct{})
	h = newGate(1).wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- r.URL.Path
		if r.URL.Path == "/stream" {
			w.WriteHeader(http.StatusOK)
			close(wrote)
			<-release
		}
	}))
	stream := serve(bg, get("/stream"))
	<-entered
	<-wrote
	<-serve(bg, get("/after")) // gets the place while /stream still writes
	if p := <-entered; p != "/after" {
		t.Errorf("entered %s, want /after", p)
	}
	close(release)
	<-stream
}
