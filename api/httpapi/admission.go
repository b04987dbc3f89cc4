package httpapi

import (
	"time"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
)

// admission lets at most n API requests run at once and queues the rest
// in arrival order. Without it every request holds a goroutine that waits
// for a database connection, and database/sql hands a freed connection to a
// random waiter, so under load some requests wait many times longer than
// the mean (the p99 of the officer list was 4× its median). A channel's
// blocked senders are woken first in, first out, which keeps the tail close
// to the mean. A request that waits longer than maxWait is answered 503 so
// a client never hangs on an overloaded replica; n = 0 turns the gate off.
func admission(n int, maxWait time.Duration) echo.MiddlewareFunc {
	if n <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	slots := make(chan struct{}, n)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			select {
			case slots <- struct{}{}:
			default:
				t := time.NewTimer(maxWait)
				select {
				case slots <- struct{}{}:
					t.Stop()
				case <-t.C:
					c.Response().Header().Set("Retry-After", "1")
					return domain.Errorf(domain.CodeUnavailable, "系统繁忙，请稍后重试")
				case <-c.Request().Context().Done():
					t.Stop()
					return c.Request().Context().Err()
				}
			}
			defer func() { <-slots }()
			return next(c)
		}
	}
}
