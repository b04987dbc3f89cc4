package agent

// Event types sent to the SPA.
const (
	EventPCSCStatus     = "pcsc_status"     // the PC/SC service came or went
	EventReaderAttached = "reader_attached" // a reader appeared
	EventReaderRemoved  = "reader_removed"  // a reader disappeared
	EventCardPresent    = "card_present"    // a card was put on a reader
	EventCardRemoved    = "card_removed"    // the card left the reader
)

// Event is a change seen by the monitor.
type Event struct {
	Type      string    `json:"type"`
	Reader    string    `json:"reader,omitempty"`
	Card      *CardInfo `json:"card,omitempty"`      // card_present
	Available *bool     `json:"available,omitempty"` // pcsc_status
}

// CardInfo identifies a card on a reader.
type CardInfo struct {
	ATR     HexBytes `json:"atr"`
	UID     HexBytes `json:"uid,omitempty"`
	Profile string   `json:"profile,omitempty"`
	// Error is set when the card could not be identified (e.g.
	// card_unsupported); ATR is still reported.
	Error string `json:"error,omitempty"`
}

// ReaderInfo is a reader and its card, as last seen by the monitor.
type ReaderInfo struct {
	Name    string    `json:"name"`
	Card    *CardInfo `json:"card"` // null when empty
	Buzzer  bool      `json:"buzzer"`
	Virtual bool      `json:"virtual"`
}

// Readers returns the monitor's view: whether PC/SC is reachable, and the
// readers with their cards.
func (a *Agent) Readers() (available bool, readers []ReaderInfo) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.readers {
		c := *r
		if r.Card != nil {
			ci := *r.Card
			c.Card = &ci
		}
		readers = append(readers, c)
	}
	sortReaders(readers)
	return a.available, readers
}
