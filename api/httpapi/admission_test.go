package httpapi

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v5"
)

// gatedServer serves /work through admission(n, maxWait); each request
// reports that it started and then blocks until release is closed.
func gatedServer(n int, maxWait time.Duration) (e *echo.Echo, started chan struct{}, release chan struct{}) {
	e = echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))
	started, release = make(chan struct{}, 16), make(chan struct{})
	e.GET("/work", func(c *echo.Context) error {
		started <- struct{}{}
		<-release
		return c.NoContent(http.StatusNoContent)
	}, admission(n, maxWait))
	return e, started, release
}

func serve(e *echo.Echo) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/work", nil))
	return rec
}

// Two slots: two requests run, the third waits for a slot instead of
// running beside them, and runs once one finishes.
func TestAdmissionBoundsRequestsInFlight(t *testing.T) {
	e, started, release := gatedServer(2, time.Minute)
	var wg sync.WaitGroup
	codes := make(chan int, 3)
	for range 3 {
		wg.Go(func() { codes <- serve(e).Code })
	}
	<-started
	<-started
	select {
	case <-started:
		t.Fatal("a third request ran while two held both slots")
	case <-time.After(200 * time.Millisecond):
	}
	close(release) // the two finish; the third gets a slot and finishes too
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusNoContent {
			t.Errorf("status %d, want 204 for every request", c)
		}
	}
	if len(started) != 1 {
		t.Errorf("the waiting request did not run after a slot was freed")
	}
}

// A request that cannot get a slot within maxWait is told the system is
// busy (503 problem JSON with Retry-After), not kept hanging.
func TestAdmissionAnswers503AfterMaxWait(t *testing.T) {
	e, started, release := gatedServer(1, 50*time.Millisecond)
	defer close(release)
	go serve(e)
	<-started
	rec := serve(e)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
	if rec.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After header")
	}
	var p struct{ Code, Detail string }
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Code != "unavailable" || p.Detail == "" {
		t.Errorf("body %s: want problem JSON with code unavailable and a detail", rec.Body)
	}
}

// n = 0 turns the gate off.
func TestAdmissionOff(t *testing.T) {
	e, started, release := gatedServer(0, time.Millisecond)
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() { serve(e) })
	}
	for range 5 {
		<-started // all five run at once
	}
	close(release)
	wg.Wait()
}
