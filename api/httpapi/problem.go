package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string              `json:"type" validate:"required" example:"about:blank"`
	Title     string              `json:"title" validate:"required" example:"Bad Request"`
	Status    int                 `json:"status" validate:"required" example:"400"`
	Detail    string              `json:"detail" validate:"required" example:"请求参数有误"`
	Code      string              `json:"code" validate:"required" example:"invalid"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []domain.FieldError `json:"errors,omitempty"`
}

// statusOf maps domain codes to HTTP statuses: the only place that does.
func statusOf(code domain.Code) int {
	switch code {
	case domain.CodeInvalid, domain.CodeBadGrant:
		return http.StatusBadRequest
	case domain.CodeUnauthorized, domain.CodeBadClient:
		return http.StatusUnauthorized
	case domain.CodeForbidden, domain.CodeMustChangePw:
		return http.StatusForbidden
	case domain.CodeLocked:
		return http.StatusLocked
	case domain.CodeNotFound:
		return http.StatusNotFound
	case domain.CodeConflict:
		return http.StatusConflict
	case domain.CodeRuleViolated:
		return http.StatusUnprocessableEntity
	case domain.CodeTooMany:
		return http.StatusTooManyRequests
	case domain.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// frameworkProblem translates Echo's own errors (no route, wrong method,
// body too large) into domain terms so clients see one error shape.
func frameworkProblem(status int) *domain.Error {
	switch status {
	case http.StatusNotFound:
		return domain.Errorf(domain.CodeNotFound, "请求的资源不存在")
	case http.StatusMethodNotAllowed:
		return &domain.Error{Code: "method_not_allowed", Message: "不支持该请求方法"}
	case http.StatusRequestEntityTooLarge:
		return &domain.Error{Code: "payload_too_large", Message: "请求体过大"}
	case http.StatusUnsupportedMediaType:
		return &domain.Error{Code: "unsupported_media_type", Message: "请求体须为 JSON"}
	case http.StatusBadRequest:
		return domain.Errorf(domain.CodeInvalid, "请求格式有误")
	case http.StatusServiceUnavailable:
		return domain.Errorf(domain.CodeUnavailable, "服务暂不可用，请稍后重试")
	}
	return nil
}

// errorHandler writes every error as problem JSON. Internal errors are
// logged with the request id and shown only as a generic message.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(c *echo.Context, err error) {
		if r, _ := echo.UnwrapResponse(c.Response()); r != nil && r.Committed {
			return
		}
		status := http.StatusInternalServerError
		var de *domain.Error
		var sc echo.HTTPStatusCoder
		switch {
		case errors.As(err, &de):
			status = statusOf(de.Code)
		case errors.As(err, &sc):
			status = sc.StatusCode()
			de = frameworkProblem(status)
		}
		if de == nil || de.Code == domain.CodeInternal {
			if status < 500 {
				status = http.StatusInternalServerError
			}
			de = domain.Internal(err)
		}
		rid := c.Response().Header().Get(echo.HeaderXRequestID)
		if status >= 500 {
			log.ErrorContext(c.Request().Context(), "request failed", "err", err, "request_id", rid,
				"method", c.Request().Method, "path", c.Request().URL.Path)
		}
		p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: de.Message,
			Code: string(de.Code), Instance: c.Request().URL.Path, RequestID: rid, Errors: de.Fields}
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, p)
	}
}

// statusFromError is the status errorHandler will send for err.
func statusFromError(err error) int {
	var de *domain.Error
	if errors.As(err, &de) {
		return statusOf(de.Code)
	}
	var sc echo.HTTPStatusCoder
	if errors.As(err, &sc) {
		return sc.StatusCode()
	}
	return http.StatusInternalServerError
}
