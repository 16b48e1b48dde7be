# Multi-stage: the Go toolchain and cgo compiler stay in the build stage; the
# runtime image carries only the binary and the C++ runtime DuckDB links to.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -tags duckdb_arrow -trimpath -ldflags "-s -w" -o /out/pier ./cmd/pier

# bookworm-slim already has libstdc++6 and libgcc-s1, which is all pier
# needs beyond libc (see `ldd pier`).
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/pier pier
COPY --from=build /out/pier /usr/local/bin/pier
USER pier
WORKDIR /var/lib/pier
VOLUME /var/lib/pier
EXPOSE 8080
# Mount the lake read-only at /lake:
#   docker run -p 8080:8080 -v /srv/lake:/lake:ro -v pier-data:/var/lib/pier pier
# Pier only reads the lake; --no-demo keeps it from trying to write a demo
# lake into an empty mount.
ENTRYPOINT ["pier"]
CMD ["serve", "--data", "/var/lib/pier", "--lake", "/lake", "--no-demo", "--addr", ":8080"]
