package server

import (
	"sync"

	"github.com/lecms/lecms/cardagent/agent"
)

// Hub fans agent events out to the authenticated sessions. Create it before
// the agent and pass Broadcast as the agent's OnEvent.
type Hub struct {
	mu       sync.Mutex
	sessions map[*session]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{sessions: map[*session]struct{}{}} }

func (h *Hub) add(s *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sessions[s] = struct{}{}
}

func (h *Hub) remove(s *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.sessions, s)
}

// Broadcast sends e to every authenticated session. It never blocks: a
// session too slow to take events is dropped.
func (h *Hub) Broadcast(e agent.Event) {
	msg := EventMessage{Kind: KindEvent, Type: e.Type, Data: EventData{Reader: e.Reader, Card: e.Card, Available: e.Available}}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.sessions {
		if s.authenticated() {
			s.push(msg)
		}
	}
}
