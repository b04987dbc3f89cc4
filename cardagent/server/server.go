package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/pairing"
)

// Config configures the websocket server.
type Config struct {
	Agent    *agent.Agent
	Hub      *Hub
	Origins  Origins
	Port     string // the port the agent listens on, for the Host check
	Pairings *pairing.Store
	Codes    *pairing.Codes
	// ShowCode puts a pairing code in front of the operator (console and
	// log today, a tray icon later). It must not block.
	ShowCode func(code, origin string, expires time.Time)
	Logger   *slog.Logger
	Now      func() time.Time
	// CommandTimeout bounds each card command (default 30 s).
	CommandTimeout time.Duration
}

// Server serves the websocket at Path.
type Server struct {
	cfg Config
	log *slog.Logger
}

// New checks cfg and returns a server.
func New(cfg Config) (*Server, error) {
	if cfg.Agent == nil || cfg.Hub == nil || cfg.Pairings == nil || cfg.Codes == nil || cfg.ShowCode == nil || cfg.Port == "" {
		return nil, errors.New("server: Agent, Hub, Pairings, Codes, ShowCode and Port are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CommandTimeout == 0 {
		cfg.CommandTimeout = 30 * time.Second
	}
	return &Server{cfg: cfg, log: cfg.Logger}, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != Path {
		http.NotFound(w, r)
		return
	}
	origin := r.Header.Get("Origin")
	if !loopbackHost(r.Host, s.cfg.Port) {
		s.refuse(w, "host not allowed", "host", r.Host, "origin", origin)
		return
	}
	if !s.cfg.Origins.Allowed(origin) {
		s.refuse(w, "origin not allowed", "origin", origin)
		return
	}
	// The origin was checked above against the allow-list, which is
	// stricter than the library's same-host rule (the SPA is never served
	// from the agent's own host:port), so the library check is off.
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		s.log.Info("websocket handshake failed", "origin", origin, "err", err)
		return
	}
	sess := newSession(s, conn, origin)
	s.cfg.Hub.add(sess)
	defer s.cfg.Hub.remove(sess)
	s.log.Info("client connected", "origin", origin, "session", sess.id)
	sess.run(r.Context())
	s.log.Info("client disconnected", "origin", origin, "session", sess.id)
}

func (s *Server) refuse(w http.ResponseWriter, why string, attrs ...any) {
	s.log.Warn("refused connection: "+why, attrs...)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	_ = json.NewEncoder(w).Encode(map[string]ErrorBody{
		"error": {Code: errcode.OriginForbidden, Message: why},
	})
}
