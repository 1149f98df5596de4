# syntax=docker/dockerfile:1
# UniRoute gateway image: the gateway, its migrations and the settings SPA on one port.
#   docker build -t uniroute-gateway .        (or: docker compose up -d --build)

ARG NODE_IMAGE=node:20-bookworm-slim

# ── build: install the workspace, build every package, prune the gateway to production deps ──
FROM ${NODE_IMAGE} AS build
# argon2 is a native add-on: node-gyp needs python3, make and a C++ compiler to build it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
RUN npm i -g pnpm@10
WORKDIR /src

# The manifests alone first, so the dependency layer is reused while only sources change.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json tsconfig.base.json ./
COPY apps/gateway/package.json apps/gateway/
COPY apps/web/package.json apps/web/
COPY packages/shared/package.json packages/shared/
COPY packages/provider-stand-ins/package.json packages/provider-stand-ins/
COPY migrations/package.json migrations/
RUN pnpm install --frozen-lockfile

COPY . .
# packages/shared, migrations, the stand-ins, the SPA (vite) and the gateway (tsc).
RUN pnpm build

# The gateway with only its production dependencies (workspace packages copied in with their
# dist/, argon2 with the add-on built above), laid out as in the repository so that the
# container's command is the one the README gives: node apps/gateway/dist/main.js.
RUN pnpm --filter @uniroute/gateway deploy --prod --legacy /out/apps/gateway \
 && rm -rf /out/apps/gateway/src /out/apps/gateway/test /out/apps/gateway/tsconfig*.json /out/apps/gateway/vitest.config.ts \
 && mkdir -p /out/apps/web \
 && cp -r apps/web/dist /out/apps/web/dist

# ── runtime: Node and the pruned app, run as the unprivileged `node` user ──
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WEB_DIST_DIR=/app/apps/web/dist \
    DATA_DIR=/app/data
WORKDIR /app
# Code stays owned by root (read-only to the process); only DATA_DIR is writable, for the
# embedded database when no DATABASE_URL is given.
COPY --from=build /out/ /app/
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# No curl in the slim image: Node's fetch asks /healthz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
# Pending migrations run on start (under a PostgreSQL advisory lock, so replicas can start together).
# SIGTERM drains in-flight requests and streams for up to SHUTDOWN_TIMEOUT_MS before exiting.
STOPSIGNAL SIGTERM
CMD ["node", "apps/gateway/dist/main.js"]
