package store

import (
	"context"
	"time"
)

// RateLimits counts hits per key in fixed windows in the database, so the
// limit holds across every API replica.
type RateLimits struct{ db *DB }

func NewRateLimits(db *DB) *RateLimits { return &RateLimits{db: db} }

// Hit counts one hit for key in the window containing now and returns the
// count so far in that window. One statement: atomic on both databases.
func (r *RateLimits) Hit(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	start := now.UTC().Truncate(window)
	var count int
	err := r.db.ctx(ctx).Raw(`INSERT INTO rate_buckets (key, window_start, count) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN rate_buckets.window_start = excluded.window_start THEN rate_buckets.count + 1 ELSE 1 END,
			window_start = excluded.window_start
		RETURNING count`, key, start).Scan(&count).Error
	return count, err
}

// Prune deletes buckets of windows that ended before cutoff.
func (r *RateLimits) Prune(ctx context.Context, cutoff time.Time) error {
	return r.db.ctx(ctx).Where("window_start < ?", cutoff).Delete(&rateBucketRow{}).Error
}
