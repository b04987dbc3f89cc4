package main

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// serverGCPercent is the collector's target for `lecms serve` when the
// operator has not set GOGC. The server's live heap is a few megabytes while
// each list page allocates 100–200 kB, so at Go's default of 100 the
// collector runs many times a second under load; 400 cut the server's CPU
// per officer-list page by about a fifth (docs/performance.md). GOMEMLIMIT,
// when set, still caps the heap.
const serverGCPercent = 400

func tuneGC(log *slog.Logger) {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(serverGCPercent)
	log.Debug("garbage collector target", "gogc", serverGCPercent)
}
