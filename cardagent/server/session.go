package server

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/pairing"
)

const (
	maxMessage     = 64 << 10 // a ticket and record are well under 2 KiB
	outQueue       = 64       // messages waiting for a slow client before it is dropped
	maxInFlight    = 4        // concurrent requests per connection
	maxAuthFailure = 5        // wrong challenge answers before the connection is closed
	writeTimeout   = 10 * time.Second
)

// session is one websocket connection.
type session struct {
	srv    *Server
	conn   *websocket.Conn
	origin string
	id     string // binds a pairing code to the connection that asked for it
	out    chan any
	slow   sync.Once

	mu       sync.Mutex
	nonce    []byte
	authed   bool
	pairing  *pairing.Pairing // without its secret
	failures int
}

func newSession(srv *Server, conn *websocket.Conn, origin string) *session {
	conn.SetReadLimit(maxMessage)
	return &session{srv: srv, conn: conn, origin: origin, id: uuid.NewString(), out: make(chan any, outQueue)}
}

func (s *session) authenticated() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authed
}

// push queues a message. A client that does not keep up is disconnected
// rather than allowed to hold up events for everyone.
func (s *session) push(msg any) {
	select {
	case s.out <- msg:
	default:
		s.slow.Do(func() {
			s.srv.log.Warn("client too slow; disconnecting", "session", s.id)
			// Close waits for the peer's answer: never under the hub's lock.
			go s.conn.Close(websocket.StatusPolicyViolation, "too slow")
		})
	}
}

func (s *session) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		s.writer(ctx)
	}()
	var wg sync.WaitGroup
	inflight := make(chan struct{}, maxInFlight)
	for {
		typ, data, err := s.conn.Read(ctx)
		if err != nil {
			break
		}
		if typ != websocket.MessageText {
			s.push(errorResponse(Request{}, errcode.New(errcode.BadRequest, "send JSON text messages")))
			continue
		}
		var req Request
		if err := json.Unmarshal(data, &req); err != nil || req.Type == "" {
			s.push(errorResponse(Request{}, errcode.New(errcode.BadRequest, "a message needs JSON with id and type")))
			continue
		}
		select {
		case inflight <- struct{}{}:
		case <-ctx.Done():
			continue // the next Read fails and ends the loop
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-inflight }()
			s.push(s.handle(ctx, req))
		}()
	}
	cancel()
	wg.Wait()
	<-writerDone
	_ = s.conn.CloseNow()
}

func (s *session) writer(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case msg := <-s.out:
			b, err := json.Marshal(msg)
			if err != nil {
				s.srv.log.Error("cannot encode message", "err", err)
				continue
			}
			wctx, cancel := context.WithTimeout(ctx, writeTimeout)
			err = s.conn.Write(wctx, websocket.MessageText, b)
			cancel()
			if err != nil {
				return
			}
		}
	}
}

func okResponse(req Request, result any) Response {
	return Response{Kind: KindResponse, ID: req.ID, Type: req.Type, OK: true, Result: result}
}

func errorResponse(req Request, err error) Response {
	return Response{Kind: KindResponse, ID: req.ID, Type: req.Type, Error: &ErrorBody{Code: errcode.Of(err), Message: errcode.MessageOf(err)}}
}

// decode reads params into v; absent params leave v at its zero value.
func decode(req Request, v any) error {
	if len(req.Params) == 0 || string(req.Params) == "null" {
		return nil
	}
	if err := json.Unmarshal(req.Params, v); err != nil {
		return errcode.Wrap(errcode.BadRequest, err, "invalid params for %s", req.Type)
	}
	return nil
}
