# kubeknock CLI image, e.g. for an in-cluster CronJob audit.
#   docker build -t kubeknock:0.1.0 --build-arg VERSION=0.1.0 --build-arg SOURCE_URL=<repository URL> .
#   docker run --rm kubeknock:0.1.0 --help
# test/image/build-cli-image.sh builds an equivalent image without Docker (an OCI tarball for ctr).

# Build stage: Debian Node with npm and TypeScript toolchain; nothing of it ships but the output.
FROM node:20-bookworm-slim AS build
WORKDIR /src
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" would compile before the sources are copied in.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY bin ./bin
COPY scenarios ./scenarios
# Compile (the same step "prepare" runs), then drop the dev dependencies (TypeScript, vitest, ...).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Final stage: distroless has node and glibc but no shell or package manager, and a nonroot user.
FROM gcr.io/distroless/nodejs20-debian12:nonroot
ARG VERSION=0.1.0
# No repository URL is recorded in package.json yet; pass it at build time.
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="kubeknock" \
      org.opencontainers.image.description="Verifies Kubernetes NetworkPolicies by probing real traffic." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root: the nonroot user (65532) can read the app but not change it.
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/scenarios ./scenarios
USER 65532:65532
# Exec form with an absolute node path: there is no shell and bin/kubeknock's "#!/usr/bin/env node"
# would find no env. The pod spec's args (or `docker run` arguments) are the CLI's arguments.
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/cli/entry.js"]
