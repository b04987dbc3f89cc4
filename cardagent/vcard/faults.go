package vcard

import "sync"

// Faults injects the failures the agent must survive. The zero value
// injects nothing. Methods are safe to call while the card is in use.
type Faults struct {
	mu         sync.Mutex
	pullAfter  int  // update commands still let through before the pull
	pullArmed  bool // whether a pull is pending
	corrupt    int  // next update commands whose data gets garbled
	shortCount int  // next responses to cut short
	shortLen   int
	updates    int // update commands applied so far
	beeps      int
}

// PullAfterUpdates lets n more update commands (UPDATE BINARY or MIFARE
// block writes) through, then pulls the card when the next one arrives: it
// is not applied and never answered.
func (f *Faults) PullAfterUpdates(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pullAfter, f.pullArmed = n, true
}

// CorruptWrites makes the next n update commands store garbled data while
// answering 90 00, like a failing chip.
func (f *Faults) CorruptWrites(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.corrupt = n
}

// ShortResponses cuts the next n responses to length bytes (0 or 1): a
// response without a complete status word.
func (f *Faults) ShortResponses(n, length int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.shortCount, f.shortLen = n, length
}

// Clear removes all pending faults.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pullArmed, f.corrupt, f.shortCount = false, 0, 0
}

// Updates reports how many update commands have been applied.
func (f *Faults) Updates() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.updates
}

// Beeps reports how many LED/buzzer commands the card's reader received.
func (f *Faults) Beeps() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.beeps
}

// beforeUpdate decides the fate of an update command: pulled (not applied,
// not answered) or garbled.
func (f *Faults) beforeUpdate() (pull, garble bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pullArmed {
		if f.pullAfter <= 0 {
			f.pullArmed = false
			return true, false
		}
		f.pullAfter--
	}
	f.updates++
	if f.corrupt > 0 {
		f.corrupt--
		return false, true
	}
	return false, false
}

func (f *Faults) beep() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.beeps++
}

// shape cuts a response short if a fault says so.
func (f *Faults) shape(resp []byte) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.shortCount > 0 {
		f.shortCount--
		return resp[:min(f.shortLen, len(resp))]
	}
	return resp
}

func garble(data []byte) []byte {
	g := make([]byte, len(data))
	for i, b := range data {
		g[i] = b ^ 0x5A
	}
	return g
}
