# The API server: a static, cgo-free binary on a distroless base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY api ./api
COPY docs ./docs
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/lecms ./api/cmd/lecms

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/lecms /lecms
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/lecms"]
CMD ["serve"]
