# The playbook command in a small image: the static binary that GoReleaser
# built for the platform (.goreleaser.yaml, dockers_v2, which puts it at
# $TARGETPLATFORM/playbook in the build context) on distroless/static,
# which has CA certificates and a non-root user and no shell.
#
#   docker run --rm -v "$PWD:/site" ghcr.io/opsplaybook/playbook check --strict
#   docker run --rm -v "$PWD:/site" ghcr.io/opsplaybook/playbook build
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/playbook /usr/local/bin/playbook
WORKDIR /site
ENTRYPOINT ["/usr/local/bin/playbook"]
CMD ["check"]
