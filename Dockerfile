# esign-gateway: a static binary on distroless, running as non-root.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t esign-gateway .
#   docker run --rm -p 8080:8080 esign-gateway demo --addr 0.0.0.0:8080
#   docker run --rm -p 8080:8080 -v $PWD/config.yaml:/etc/esign-gateway/config.yaml:ro \
#     -e ESIGNGW_ESIGN_APP_ID=... -e ESIGNGW_ESIGN_APP_SECRET=... esign-gateway
#
# The demo listens where --addr says and runs the e签宝 emulator in-process,
# so one `docker run` is the whole demo.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/esign-gateway . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/esign-gateway /esign-gateway
COPY config.yaml /etc/esign-gateway/config.yaml
# The embedded (bbolt) store's file; unused with store.driver redis. Mount a
# volume here to keep it across containers.
COPY --from=build --chown=65532:65532 /out/data /var/lib/esign-gateway
ENV ESIGNGW_STORE_PATH=/var/lib/esign-gateway/esign-gateway.db
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/esign-gateway"]
CMD ["serve", "--config", "/etc/esign-gateway/config.yaml"]
