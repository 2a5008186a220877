package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestGate: with room for one request, a second waits until the first is
// answered, and one whose client leaves while waiting never runs.
func TestGate(t *testing.T) {
	entered, release := make(chan string, 3), make(chan struct{})
	h := newGate(1).wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- r.URL.Path
		if r.URL.Path == "/first" {
			<-release
		}
	}))
	serve := func(ctx context.Context, path string) chan struct{} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil).WithContext(ctx))
		}()
		return done
	}
	first := serve(context.Background(), "/first")
	if p := <-entered; p != "/first" {
		t.Fatalf("entered %s first", p)
	}
	gone, leave := context.WithCancel(context.Background())
	abandoned := serve(gone, "/abandoned")
	leave()
	<-abandoned // returns without taking the first's place
	second := serve(context.Background(), "/second")
	select {
	case p := <-entered:
		t.Fatalf("%s ran while the first held the only place", p)
	default:
	}
	close(release)
	<-first
	<-second
	if p := <-entered; p != "/second" {
		t.Errorf("after the first, %s ran; want /second (the abandoned one must not run)", p)
	}
}
