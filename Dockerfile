# syntax=docker/dockerfile:1
# Switchyard: one static binary for every role (ingress, worker, replay,
# trigger). Build: docker build -t switchyard . ; run: docker run switchyard ingress

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
# Modules first, so a source change does not re-download them.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# CGO_ENABLED=0: a static binary that runs on distroless/static (no libc).
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/switchyard ./cmd/switchyard
# An empty folder for the payload store (distroless has no shell to mkdir).
RUN mkdir -p /out/payloads

# distroless/static: CA certificates and tzdata, no shell, no package manager;
# the :nonroot tag runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/switchyard /switchyard
# docker-compose.yml mounts its shared payload volume here. Docker fills an
# empty named volume from the image's folder, ownership included, so the
# volume is writable by uid 65532; without this folder it would be root's.
COPY --from=build --chown=65532:65532 /out/payloads /var/lib/switchyard/payloads
USER 65532:65532
EXPOSE 8080 9090
ENTRYPOINT ["/switchyard"]
CMD ["ingress"]
