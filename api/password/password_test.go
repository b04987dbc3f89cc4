package password

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cheap keeps the unit tests fast; the default parameters are covered by
// TestDefaultParamsRoundTrip and the benchmarks.
func cheap(t testing.TB, max int) *Hasher {
	t.Helper()
	h, err := NewWithParams(Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, max)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestDefaultParamsRoundTrip(t *testing.T) {
	h := New(2)
	enc, err := h.Hash(context.Background(), "Demo@2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Fatalf("hash %q does not carry the default parameters", enc)
	}
	ok, err := h.Verify(context.Background(), "Demo@2026", enc)
	if err != nil || !ok {
		t.Fatalf("Verify(right password) = %v, %v", ok, err)
	}
	if h.NeedsRehash(enc) {
		t.Error("a fresh hash needs rehash")
	}
}

func TestWrongPassword(t *testing.T) {
	h := cheap(t, 2)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "Demo@2026")
	if err != nil {
		t.Fatal(err)
	}
	for _, wrong := range []string{"", "demo@2026", "Demo@2026 ", "Demo@202", "Demo@20266"} {
		ok, err := h.Verify(ctx, wrong, enc)
		if err != nil || ok {
			t.Errorf("Verify(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
	if ok, err := h.Verify(ctx, "Demo@2026", enc); err != nil || !ok {
		t.Fatalf("Verify(right) = %v, %v", ok, err)
	}
}

func TestSaltIsRandom(t *testing.T) {
	h := cheap(t, 2)
	a, _ := h.Hash(context.Background(), "same")
	b, _ := h.Hash(context.Background(), "same")
	if a == b {
		t.Fatal("two hashes of one password are equal")
	}
}

func TestTamperedHash(t *testing.T) {
	h := cheap(t, 2)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "Demo@2026")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(enc, "$")
	flip := func(s string) string { // change one base64 character of s (not the last, which may carry padding bits)
		b := []byte(s)
		if b[0] == 'A' {
			b[0] = 'B'
		} else {
			b[0] = 'A'
		}
		return string(b)
	}
	join := func(p []string) string { return strings.Join(p, "$") }
	with := func(i int, v string) string {
		q := append([]string(nil), parts...)
		q[i] = v
		return join(q)
	}

	// Still well-formed, but the hash no longer matches: a plain mismatch.
	for name, s := range map[string]string{
		"hash byte": with(5, flip(parts[5])),
		"salt byte": with(4, flip(parts[4])),
		"time":      with(3, "m=64,t=2,p=1"),
		"memory":    with(3, "m=72,t=1,p=1"),
	} {
		ok, err := h.Verify(ctx, "Demo@2026", s)
		if err != nil || ok {
			t.Errorf("%s tampered: Verify = %v, %v; want false, nil", name, ok, err)
		}
	}

	// Malformed: refused with ErrMalformed, never verified.
	for name, s := range map[string]string{
		"empty":          "",
		"argon2i":        with(1, "argon2i"),
		"version 16":     with(2, "v=16"),
		"no version":     join(append(parts[:2:2], parts[3:]...)),
		"params order":   with(3, "t=1,m=64,p=1"),
		"param missing":  with(3, "m=64,t=1"),
		"param extra":    with(3, "m=64,t=1,p=1,x=1"),
		"param sign":     with(3, "m=-64,t=1,p=1"),
		"leading zero":   with(3, "m=064,t=1,p=1"),
		"huge memory":    with(3, "m=4294967295,t=1,p=1"),
		"huge time":      with(3, "m=64,t=1000,p=1"),
		"zero threads":   with(3, "m=64,t=1,p=0"),
		"too many p":     with(3, "m=64,t=1,p=300"),
		"memory < 8p":    with(3, "m=64,t=1,p=16"),
		"bad base64":     with(5, parts[5][:10]+"!"+parts[5][11:]),
		"padded base64":  with(5, parts[5]+"="),
		"short hash":     with(5, parts[5][:8]),
		"short salt":     with(4, parts[4][:4]),
		"trailing field": enc + "$x",
		"bcrypt":         "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
	} {
		ok, err := h.Verify(ctx, "Demo@2026", s)
		if !errors.Is(err, ErrMalformed) || ok {
			t.Errorf("%s: Verify = %v, %v; want false, ErrMalformed", name, ok, err)
		}
		if !h.NeedsRehash(s) {
			t.Errorf("%s: NeedsRehash = false for an unreadable hash", name)
		}
	}
}

func TestParamsParsedFromString(t *testing.T) {
	ctx := context.Background()
	old, err := NewWithParams(Params{Memory: 32, Time: 3, Threads: 1, SaltLen: 8, KeyLen: 16}, 1)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := old.Hash(ctx, "pw")
	if err != nil {
		t.Fatal(err)
	}
	p, salt, key, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if p != (Params{Memory: 32, Time: 3, Threads: 1, SaltLen: 8, KeyLen: 16}) || len(salt) != 8 || len(key) != 16 {
		t.Fatalf("Decode = %+v, salt %d, key %d", p, len(salt), len(key))
	}
	// A Hasher with other parameters still verifies it with the stored ones
	// and asks for a rehash.
	cur := cheap(t, 1)
	if ok, err := cur.Verify(ctx, "pw", enc); err != nil || !ok {
		t.Fatalf("Verify with stored params = %v, %v", ok, err)
	}
	if !cur.NeedsRehash(enc) {
		t.Error("hash with old parameters does not need rehash")
	}
	if old.NeedsRehash(enc) {
		t.Error("hash with current parameters needs rehash")
	}
}

func TestContextCancelledWhileWaiting(t *testing.T) {
	h := cheap(t, 1)
	enc, _ := h.Hash(context.Background(), "pw")
	h.sem <- struct{}{} // occupy the only slot
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := h.Hash(ctx, "pw"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Hash while full = %v, want DeadlineExceeded", err)
	}
	if time.Since(start) < 25*time.Millisecond {
		t.Fatal("Hash returned before the deadline: it did not wait for the slot")
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel2() }()
	if ok, err := h.Verify(ctx2, "pw", enc); !errors.Is(err, context.Canceled) || ok {
		t.Fatalf("Verify while full = %v, %v; want false, Canceled", ok, err)
	}
	<-h.sem // free it: work goes through again
	if ok, err := h.Verify(context.Background(), "pw", enc); err != nil || !ok {
		t.Fatalf("Verify after release = %v, %v", ok, err)
	}
	// An already cancelled context never hashes, even with a free slot.
	done, cancel3 := context.WithCancel(context.Background())
	cancel3()
	if _, err := h.Hash(done, "pw"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash(cancelled) = %v", err)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	const limit = 2
	h := cheap(t, limit)
	var running, peak atomic.Int32
	inner := h.derive
	h.derive = func(pw, salt []byte, tm, mem uint32, th uint8, kl uint32) []byte {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		defer running.Add(-1)
		return inner(pw, salt, tm, mem, th, kl)
	}
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if _, err := h.Hash(context.Background(), "pw"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != limit {
		t.Fatalf("peak concurrent hashes = %d, want %d", p, limit)
	}
}

func TestNewWithParamsRejectsBadParams(t *testing.T) {
	for _, p := range []Params{
		{Memory: 0, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8},
		{Memory: 2 << 20, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	} {
		if _, err := NewWithParams(p, 1); err == nil {
			t.Errorf("NewWithParams(%+v) accepted", p)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	h := New(2)
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "Demo@2026"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	h := New(2)
	ctx := context.Background()
	enc, _ := h.Hash(ctx, "Demo@2026")
	for b.Loop() {
		if ok, err := h.Verify(ctx, "Demo@2026", enc); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkVerifyParallel shows the throughput with a login burst on all
// cores; the semaphore keeps at most 2 hashes (128 MiB) in flight.
func BenchmarkVerifyParallel(b *testing.B) {
	h := New(2)
	ctx := context.Background()
	enc, _ := h.Hash(ctx, "Demo@2026")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, err := h.Verify(ctx, "Demo@2026", enc); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
}
