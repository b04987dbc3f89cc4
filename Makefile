# LECMS — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO      ?= go
NPM     ?= npm
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run build build-agent spa spa-deps spec spec-check test test-go test-spa test-e2e cross-build bench clean

## run: build the SPA and the server, then serve on the embedded database with demo data
run: spa build
	./bin/lecms serve

## build: the server binary bin/lecms
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/lecms ./api/cmd/lecms

## build-agent: the card agent for this machine and for Windows
build-agent:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/lecms-cardagent ./cardagent/cmd/lecms-cardagent
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o bin/lecms-cardagent.exe ./cardagent/cmd/lecms-cardagent

spa-deps:
	@if [ ! -d frontend/node_modules ]; then cd frontend && $(NPM) ci --no-audit --no-fund; fi

## spa: the production build of the SPA into frontend/dist
spa: spa-deps
	cd frontend && $(NPM) run build

## spec: regenerate docs/swagger.json, docs/openapi.json and the SPA's API types
spec:
	$(GO) tool swag init -q -g doc.go -d api/httpapi,api/domain,api/identity,api/lifecycle,api/records,api/audit,api/issuance,api/settings --outputTypes json -o docs --parseInternal
	$(GO) run ./api/cmd/openapi3 docs/swagger.json docs/openapi.json
	@if [ -d frontend/node_modules ]; then cd frontend && $(NPM) run --silent gen:api; \
	else echo "frontend/node_modules missing: SPA types not regenerated (run make spa-deps)"; fi

## spec-check: fail when the committed spec or SPA types are stale
spec-check:
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(GO) tool swag init -q -g doc.go -d api/httpapi,api/domain,api/identity,api/lifecycle,api/records,api/audit,api/issuance,api/settings --outputTypes json -o $$tmp --parseInternal; \
	$(GO) run ./api/cmd/openapi3 $$tmp/swagger.json $$tmp/openapi.json; \
	diff -q docs/swagger.json $$tmp/swagger.json && diff -q docs/openapi.json $$tmp/openapi.json \
	  || { echo "docs/*.json are stale: run make spec and commit"; exit 1; }; \
	if [ -d frontend/node_modules ]; then \
	  (cd frontend && npx openapi-typescript ../docs/openapi.json -o $$tmp/schema.d.ts >/dev/null) && \
	  diff -q frontend/src/api/schema.d.ts $$tmp/schema.d.ts || { echo "frontend/src/api/schema.d.ts is stale: run make spec"; exit 1; }; \
	fi; echo "spec is up to date"

## test: every test — Go (embedded SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the
## card agent through pcscd (when available), SPA type check and unit tests, browser end-to-end
test: spec-check test-go test-spa test-e2e

test-go: cross-build
	@if [ -z "$${TEST_DATABASE_URL:-}" ]; then \
	  echo "!!! TEST_DATABASE_URL is not set: Go tests run on the embedded SQLite only (CI runs PostgreSQL too)"; \
	  [ -z "$${CI:-}" ] || { echo "CI needs TEST_DATABASE_URL"; exit 1; }; fi
	$(GO) vet ./...
	$(GO) test -p 1 -count=1 ./...

## cross-build: the card agent must build for Windows (winscard, no cgo) as well as Linux
cross-build:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cardagent/cmd/lecms-cardagent

test-spa: spa-deps
	cd frontend && $(NPM) run --silent typecheck && $(NPM) run --silent test

## test-e2e: Playwright in Debian's headless Chromium against the real server
test-e2e: spa build
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "!!! /usr/bin/chromium missing (apt-get install chromium fonts-noto-cjk): browser tests skipped"; \
	  [ -z "$${CI:-}" ] || exit 1; \
	else cd frontend && $(NPM) run --silent e2e; fi

## bench: Go benchmarks (set TEST_DATABASE_URL for the PostgreSQL ones)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./api/...

clean:
	rm -rf bin frontend/dist
