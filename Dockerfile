# syntax=docker/dockerfile:1
# One image for the six services and the two one-shot tasks (migrations, Kafka topics and ACLs);
# the first argument chooses which (infra/container/run.sh): `docker run kuruma-cover policy`.
#
# Base image pinned by digest: node:20-bookworm-slim (Debian 12, glibc, which the prebuilt
# @node-rs/crc32 binaries need). The digest is the multi-arch index that public repositories pinned
# for node:20-bookworm-slim in 2026; this workplace cannot reach Docker Hub to re-check it, so bump
# it deliberately with `docker buildx imagetools inspect node:20-bookworm-slim` and change it here.
ARG NODE_IMAGE=node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0

# --- build: the whole workspace, then the project's own esbuild bundles (tools/build-app.mjs) ---
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json prisma.config.ts ./
COPY tools/prisma-generate.mjs tools/prisma-generate.mjs
COPY prisma prisma
# postinstall generates the Prisma client into libs/ (no native engine needed, see the script).
RUN npm ci --no-audit --no-fund
COPY . .
RUN node tools/build-app.mjs && node tools/build-app.mjs --tools

# --- production dependencies only: the bundles keep npm packages external ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY infra/container/prune-dev-optional.mjs /tmp/prune-dev-optional.mjs
# No install scripts: the only one is the Prisma generate above, done in the build stage. Then
# drop what npm installs for @prisma/client's optional peers (the Prisma CLI): 420 -> 180 MB.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && node /tmp/prune-dev-optional.mjs \
    && npm cache clean --force

# --- runtime ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json ./
COPY --from=build /src/dist/apps dist/apps
COPY --from=build /src/dist/tools tools
COPY prisma/migrations prisma/migrations
COPY infra/container/run.sh /usr/local/bin/kuruma
# Files stay root-owned and read-only to the service user: nothing in /app is written at run time.
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/kuruma"]
CMD ["help"]
