package agent

import (
	"slices"
	"strings"

	"github.com/lecms/lecms/cardagent/buildinfo"
)

// virtualReaderName is what vsmartcard-vpcd calls its readers.
const virtualReaderName = "Virtual PCD"

func isVirtual(reader string) bool { return strings.Contains(reader, virtualReaderName) }

// refused reports whether policy forbids reader. Release builds refuse
// virtual readers whatever the configuration says: vpcd listens on every
// interface, so anyone on the network could act as a card.
func (a *Agent) refused(reader string) bool {
	return isVirtual(reader) && (buildinfo.Release || a.cfg.RefuseVirtualReaders)
}

func (a *Agent) allowedReaders(names []string) []string {
	return slices.DeleteFunc(slices.Clone(names), a.refused)
}

func (a *Agent) hasBuzzer(reader string) bool {
	for _, p := range a.cfg.BuzzerReaders {
		if p != "" && strings.Contains(reader, p) {
			return true
		}
	}
	return false
}

func sortReaders(r []ReaderInfo) {
	slices.SortFunc(r, func(x, y ReaderInfo) int { return strings.Compare(x.Name, y.Name) })
}
