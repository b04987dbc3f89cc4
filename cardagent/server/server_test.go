package server_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/internal/agentclient"
	"github.com/lecms/lecms/cardagent/internal/fakeserver"
	"github.com/lecms/lecms/cardagent/pairing"
	"github.com/lecms/lecms/cardagent/server"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
	"github.com/lecms/lecms/cardagent/vcard"
)

const (
	origin = "http://localhost:8080"
	reader = "ACS ACR122U PICC Interface 00 00"
)

type env struct {
	t      *testing.T
	url    string
	stack  *vcard.Stack
	auth   *fakeserver.Authority
	device sigalg.Signer
	codes  chan string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, stack: vcard.NewStack(reader), codes: make(chan string, 10)}
	var err error
	if e.auth, err = fakeserver.New(sigalg.Ed25519); err != nil {
		t.Fatal(err)
	}
	if e.device, err = sigalg.Generate(sigalg.Ed25519, rand.Reader); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := server.NewHub()
	a, err := agent.New(agent.Config{
		Provider: e.stack, TicketKeys: sigalg.NewKeySet(e.auth.TicketKey.Public()), Device: e.device,
		OnEvent: hub.Broadcast, Logger: quiet, PollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	store, err := pairing.Open(filepath.Join(t.TempDir(), "pairings.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	origins, _ := server.ParseOrigins(origin + ",http://127.0.0.1:8080")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	srv, err := server.New(server.Config{
		Agent: a, Hub: hub, Origins: origins, Port: port, Pairings: store, Codes: pairing.NewCodes(nil),
		ShowCode: func(code, _ string, _ time.Time) { e.codes <- code }, Logger: quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv)
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; hs.Close() })
	e.url = "ws://" + ln.Addr().String() + server.Path
	return e
}

func (e *env) dial(origin string) *agentclient.Client {
	e.t.Helper()
	c, _, err := agentclient.Dial(context.Background(), e.url, origin)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(c.Close)
	return c
}

func (e *env) code() (string, error) {
	select {
	case c := <-e.codes:
		return c, nil
	case <-time.After(2 * time.Second):
		return "", context.DeadlineExceeded
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func wantCode(t *testing.T, err error, code errcode.Code) {
	t.Helper()
	if agentclient.Code(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

func TestHandshakeRefusals(t *testing.T) {
	e := newEnv(t)
	for _, o := range []string{"", "https://evil.example", "http://localhost:9999"} {
		_, resp, err := agentclient.Dial(ctxT(t), e.url, o)
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("origin %q: err %v resp %v", o, err, resp)
		}
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), string(errcode.OriginForbidden)) {
			t.Fatalf("origin %q: body %s", o, body)
		}
	}
	// DNS rebinding: right origin, foreign Host header.
	req, _ := http.NewRequest("GET", strings.Replace(e.url, "ws://", "http://", 1), nil)
	req.Host = "rebind.evil.example:" + strings.Split(strings.TrimPrefix(e.url, "ws://127.0.0.1:"), "/")[0]
	req.Header.Set("Origin", origin)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign Host: status %d", resp.StatusCode)
	}
}

func TestUnpairedClientCannotUseCards(t *testing.T) {
	e := newEnv(t)
	_ = e.stack.Insert(reader, vcard.NewISO([]byte{1, 2, 3, 4}))
	c := e.dial(origin)
	ctx := ctxT(t)

	var hello server.HelloResult
	if err := c.Call(ctx, server.TypeHello, nil, &hello); err != nil {
		t.Fatal(err)
	}
	if hello.Authenticated || len(hello.Nonce) != pairing.NonceSize || hello.Version == "" || !hello.CanWrite {
		t.Fatalf("hello %+v", hello)
	}
	for _, typ := range []string{server.TypeListReaders, server.TypeReadCard, server.TypeIssueCard, server.TypeSyncInspection, server.TypeBeep, server.TypeUnpair} {
		wantCode(t, c.Call(ctx, typ, nil, nil), errcode.NotPaired)
	}
	// Made-up credentials.
	wantCode(t, c.Call(ctx, server.TypeAuthenticate, server.AuthenticateParams{PairingID: "x", Response: make([]byte, 32)}, nil), errcode.NotPaired)
	wantCode(t, c.Call(ctx, server.TypeAuthenticate, server.AuthenticateParams{PairingID: "x", Response: make([]byte, 32)}, nil), errcode.AuthFailed) // nonce used up
	wantCode(t, c.Call(ctx, "format_disk", nil, nil), errcode.UnknownType)
	// An unauthenticated client gets no events.
	_ = e.stack.Insert(reader, vcard.NewMifare([]byte{5, 6, 7, 8}))
	select {
	case ev := <-c.Events():
		t.Fatalf("unauthenticated client got event %+v", ev)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestPairingAndChallenge(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	c := e.dial(origin)

	// Wrong code, then the right one.
	if err := c.Call(ctx, server.TypePairBegin, nil, nil); err != nil {
		t.Fatal(err)
	}
	code, _ := e.code()
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	wantCode(t, c.Call(ctx, server.TypePairComplete, server.PairCompleteParams{Code: wrong}, nil), errcode.PairingFailed)
	var pr server.PairCompleteResult
	if err := c.Call(ctx, server.TypePairComplete, server.PairCompleteParams{Code: code, Label: "test"}, &pr); err != nil {
		t.Fatal(err)
	}
	if err := c.Call(ctx, server.TypeListReaders, nil, nil); err != nil {
		t.Fatalf("paired session: %v", err)
	}

	// A code requested on one connection is useless on another.
	other := e.dial(origin)
	if err := other.Call(ctx, server.TypePairBegin, nil, nil); err != nil {
		t.Fatal(err)
	}
	stolen, _ := e.code()
	wantCode(t, c.Call(ctx, server.TypePairComplete, server.PairCompleteParams{Code: stolen}, nil), errcode.PairingFailed)

	// A new connection authenticates with the secret.
	c2 := e.dial(origin)
	if _, err := c2.Authenticate(ctx, pr.PairingID, pr.Secret); err != nil {
		t.Fatal(err)
	}
	var lr server.ListReadersResult
	if err := c2.Call(ctx, server.TypeListReaders, nil, &lr); err != nil || !lr.PCSCAvailable || len(lr.Readers) != 1 {
		t.Fatalf("list_readers: %+v %v", lr, err)
	}

	// Wrong secret; the pairing from another origin.
	c3 := e.dial(origin)
	_, err := c3.Authenticate(ctx, pr.PairingID, make([]byte, 32))
	wantCode(t, err, errcode.AuthFailed)
	c4 := e.dial("http://127.0.0.1:8080")
	_, err = c4.Authenticate(ctx, pr.PairingID, pr.Secret)
	wantCode(t, err, errcode.NotPaired)

	// Too many failures close the connection.
	c5 := e.dial(origin)
	for range 5 {
		_, _ = c5.Authenticate(ctx, pr.PairingID, make([]byte, 32))
	}
	select {
	case <-c5.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("connection stays open after 5 failed authentications")
	}

	// Unpair: the secret stops working.
	if err := c2.Call(ctx, server.TypeUnpair, nil, nil); err != nil {
		t.Fatal(err)
	}
	c6 := e.dial(origin)
	_, err = c6.Authenticate(ctx, pr.PairingID, pr.Secret)
	wantCode(t, err, errcode.NotPaired)
}

func pairedClient(t *testing.T, e *env) *agentclient.Client {
	t.Helper()
	c := e.dial(origin)
	if _, err := c.Pair(ctxT(t), "test", e.code); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIssueAndSyncOverWebsocket(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	c := pairedClient(t, e)
	uid := []byte{0xDE, 0xAD, 0xBE, 0xEF}
	_ = e.stack.Insert(reader, vcard.NewMifare(uid))
	ev, err := c.WaitEvent(ctx, agent.EventCardPresent, reader)
	if err != nil {
		t.Fatal(err)
	}
	if string(ev.Data.Card.UID) != string(uid) || ev.Data.Card.Profile != "mifare-classic-1k" {
		t.Fatalf("card_present %+v", ev.Data.Card)
	}

	var read agent.CardRead
	if err := c.Call(ctx, server.TypeReadCard, server.ReaderParams{}, &read); err != nil || read.State != agent.CardBlank {
		t.Fatalf("read: %+v %v", read, err)
	}
	rv := &ticket.ReceiptVerifier{Devices: sigalg.NewKeySet(e.device.Public()), Guard: ticket.NewMemoryGuard(nil)}
	steps := []struct {
		typ     string
		purpose ticket.Purpose
		seq     uint32
		slot    string
	}{{server.TypeIssueCard, ticket.Issue, 1, "A"}, {server.TypeSyncInspection, ticket.Sync, 2, "B"}}
	for _, s := range steps {
		rec, err := e.auth.Sign(fakeserver.SampleRecord("37010200000007", uid, s.seq, chiprecord.Date{Year: 2024 + 2*int(s.seq), Month: 7, Day: 1}))
		if err != nil {
			t.Fatal(err)
		}
		tok, tk, err := e.auth.Ticket(s.purpose, uid, rec, fakeserver.TicketOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var res agent.WriteResult
		if err := c.Call(ctx, s.typ, server.WriteParams{Ticket: tok, Record: rec}, &res); err != nil {
			t.Fatalf("%s: %v", s.typ, err)
		}
		if res.Slot != s.slot || res.Seq != s.seq {
			t.Fatalf("%s: %+v", s.typ, res)
		}
		if _, err := rv.Verify(ctx, res.Receipt, tk); err != nil {
			t.Fatalf("%s receipt: %v", s.typ, err)
		}
		// The same receipt a second time is a replay.
		if _, err := rv.Verify(ctx, res.Receipt, tk); err == nil {
			t.Fatal("replayed receipt accepted")
		}
	}
	if err := c.Call(ctx, server.TypeReadCard, nil, &read); err != nil || read.Record == nil || read.Record.Seq != 2 {
		t.Fatalf("read after sync: %+v %v", read, err)
	}
	wantCode(t, c.Call(ctx, server.TypeIssueCard, map[string]any{"ticket": "x"}, nil), errcode.BadRequest)
	wantCode(t, c.Call(ctx, server.TypeIssueCard, map[string]any{"ticket": "x", "record": "AAAA"}, nil), errcode.TicketInvalid)
	wantCode(t, c.Call(ctx, server.TypeReadCard, "not an object", nil), errcode.BadRequest)

	e.stack.Remove(reader)
	if _, err := c.WaitEvent(ctx, agent.EventCardRemoved, reader); err != nil {
		t.Fatal(err)
	}
}

func TestBinaryAndGarbageMessages(t *testing.T) {
	e := newEnv(t)
	conn, _, err := websocket.Dial(ctxT(t), e.url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	for _, m := range []struct {
		typ  websocket.MessageType
		data string
	}{{websocket.MessageText, "{not json"}, {websocket.MessageBinary, "\x00\x01"}, {websocket.MessageText, `{"id":"1"}`}} {
		if err := conn.Write(ctxT(t), m.typ, []byte(m.data)); err != nil {
			t.Fatal(err)
		}
		_, b, err := conn.Read(ctxT(t))
		if err != nil || !strings.Contains(string(b), `"bad_request"`) {
			t.Fatalf("%q: %s %v", m.data, b, err)
		}
	}
}
