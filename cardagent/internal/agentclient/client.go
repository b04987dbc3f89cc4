// Package agentclient is a Go client for the card agent's websocket
// protocol. Tests use it to drive the agent as the SPA will; it doubles as
// a reference for the SPA's implementation.
package agentclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/coder/websocket"

	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/pairing"
	"github.com/lecms/lecms/cardagent/server"
)

// Client is one connection to the agent.
type Client struct {
	conn   *websocket.Conn
	events chan server.EventMessage

	mu      sync.Mutex
	nextID  int
	pending map[string]chan server.Response
	err     error
	done    chan struct{}
}

// Dial connects to url (ws://127.0.0.1:PORT/ws) sending origin as the
// Origin header ("" sends none). On a refused handshake the HTTP response
// is returned with the error.
func Dial(ctx context.Context, url, origin string) (*Client, *http.Response, error) {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, resp, err
	}
	c := &Client{conn: conn, events: make(chan server.EventMessage, 256), pending: map[string]chan server.Response{}, done: make(chan struct{})}
	go c.read()
	return c, resp, nil
}

// Close closes the connection.
func (c *Client) Close() { _ = c.conn.Close(websocket.StatusNormalClosure, "") }

// Done is closed when the connection ends.
func (c *Client) Done() <-chan struct{} { return c.done }

func (c *Client) read() {
	defer close(c.done)
	for {
		_, data, err := c.conn.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			c.err = err
			for id, ch := range c.pending {
				close(ch)
				delete(c.pending, id)
			}
			c.mu.Unlock()
			return
		}
		var head struct {
			Kind string `json:"kind"`
			ID   string `json:"id"`
		}
		if json.Unmarshal(data, &head) != nil {
			continue
		}
		switch head.Kind {
		case server.KindEvent:
			var e server.EventMessage
			if json.Unmarshal(data, &e) == nil {
				select {
				case c.events <- e:
				default: // nobody is watching events; drop
				}
			}
		case server.KindResponse:
			var r server.Response
			var raw struct {
				Result json.RawMessage `json:"result"`
			}
			if json.Unmarshal(data, &r) != nil || json.Unmarshal(data, &raw) != nil {
				continue
			}
			r.Result = raw.Result
			c.mu.Lock()
			ch := c.pending[head.ID]
			delete(c.pending, head.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- r
			}
		}
	}
}

// Error is an error answer from the agent.
type Error struct {
	Code    errcode.Code
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Code returns the agent's error code in err, or "" if err is not one.
func Code(err error) errcode.Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Call sends a request and decodes the result into result (may be nil).
func (c *Client) Call(ctx context.Context, typ string, params, result any) error {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return c.err
	}
	c.nextID++
	id := strconv.Itoa(c.nextID)
	ch := make(chan server.Response, 1)
	c.pending[id] = ch
	c.mu.Unlock()

	msg := map[string]any{"id": id, "type": typ}
	if params != nil {
		msg["params"] = params
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
		return err
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return fmt.Errorf("connection closed: %w", c.err)
		}
		if !r.OK {
			if r.Error == nil {
				return &Error{Code: errcode.Internal, Message: "error without body"}
			}
			return &Error{Code: r.Error.Code, Message: r.Error.Message}
		}
		if result != nil {
			return json.Unmarshal(r.Result.(json.RawMessage), result)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Events delivers events in arrival order.
func (c *Client) Events() <-chan server.EventMessage { return c.events }

// WaitEvent returns the next event of type typ for reader ("" for any),
// skipping others.
func (c *Client) WaitEvent(ctx context.Context, typ, reader string) (server.EventMessage, error) {
	for {
		select {
		case e := <-c.events:
			if e.Type == typ && (reader == "" || e.Data.Reader == reader) {
				return e, nil
			}
		case <-ctx.Done():
			return server.EventMessage{}, fmt.Errorf("waiting for %s on %q: %w", typ, reader, ctx.Err())
		case <-c.done:
			return server.EventMessage{}, fmt.Errorf("waiting for %s: connection closed", typ)
		}
	}
}

// DrainEvents discards queued events.
func (c *Client) DrainEvents() {
	for {
		select {
		case <-c.events:
		default:
			return
		}
	}
}

// Pair runs the pairing dialogue; code is asked for the code the agent
// showed (in the SPA, the operator types it).
func (c *Client) Pair(ctx context.Context, label string, code func() (string, error)) (server.PairCompleteResult, error) {
	var res server.PairCompleteResult
	if err := c.Call(ctx, server.TypePairBegin, nil, nil); err != nil {
		return res, err
	}
	cd, err := code()
	if err != nil {
		return res, err
	}
	err = c.Call(ctx, server.TypePairComplete, server.PairCompleteParams{Code: cd, Label: label}, &res)
	return res, err
}

// Authenticate says hello and answers its challenge.
func (c *Client) Authenticate(ctx context.Context, pairingID string, secret []byte) (server.HelloResult, error) {
	var hello server.HelloResult
	if err := c.Call(ctx, server.TypeHello, server.HelloParams{Client: "agentclient"}, &hello); err != nil {
		return hello, err
	}
	resp := pairing.Response(secret, hello.Nonce)
	return hello, c.Call(ctx, server.TypeAuthenticate, server.AuthenticateParams{PairingID: pairingID, Response: resp}, nil)
}
