# apimlint as a container image: a static binary on distroless, run as a
# non-root user.
#   docker build -t apimlint .
#   docker run --rm -v "$PWD:/work:ro" apimlint lint deploy/
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.releaseVersion=${VERSION}" -o /out/apimlint ./cmd/apimlint

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/apimlint /usr/local/bin/apimlint
# 65532 is distroless's nonroot user.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/apimlint"]
CMD ["--help"]
