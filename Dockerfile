# Patchbay's container image: `docker compose up` (compose.yaml) or
#   docker build -t patchbay . && docker run -p 3000:3000 -v patchbay-data:/data patchbay
# Two stages: the first installs every dependency (better-sqlite3 may compile, hence python3,
# make and g++) and runs `next build`; the runtime keeps the build, the production dependencies
# and the sources server.ts runs through tsx, on the slim Node image, as the unprivileged `node` user.
# Data (the SQLite file, and the secrets generated when AUTH_SECRET / ENCRYPTION_KEY are unset)
# lives in the /data volume; with PostgreSQL (DATABASE_URL=postgres://...) nothing is kept there.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false
# Dependencies first, so a change to the sources reuses this layer.
COPY package.json package-lock.json .npmrc ./
COPY scripts/check-node.cjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
# Next's build cache lives in a cache mount, kept by the builder between builds (a rebuild after a
# change compiles less) and never in the image. Then only what the server runs: no dev
# dependencies, no server source maps (over 200 MB; error stacks in the log point into the
# compiled chunks instead), and an empty /data for the runtime stage to copy as the node user's
# (the runtime stage runs no command of its own).
RUN --mount=type=cache,target=/app/.next/cache \
    npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf data \
 && find .next/server -name '*.map' -delete \
 && mkdir /data

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app ./
COPY --from=build --chown=node:node /data /data
USER node
VOLUME /data
EXPOSE 3000
# /api/health answers 200 once the server is up and its database answers (503 otherwise).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: server.ts stops accepting, lets the requests being answered finish and exits within 5 s;
# a delivery still being processed stays leased in the database and is taken up again after the restart.
STOPSIGNAL SIGTERM
# glibc's malloc gives blocks of 64 KB and more their own mappings, returned to the system when freed (server.ts says why).
ENV MALLOC_MMAP_THRESHOLD_=65536
# What `npm start` runs (tsx --max-semi-space-size=16 --conditions=react-server server.ts), with tsx loaded into node itself
# rather than through npm and tsx's launcher: node is PID 1 and receives the SIGTERM directly.
CMD ["node", "--max-semi-space-size=16", "--import", "tsx", "--conditions=react-server", "server.ts"]
