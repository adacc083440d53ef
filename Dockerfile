# syntax=docker/dockerfile:1
# Both stages are replayed by test/ops/production-install.test.ts (their COPY and RUN lines, ENV and
# CMD) in temporary directories, so that `npm test` proves the image starts without a Docker
# engine. The test understands only the instructions used here: keep both in step.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: every dependency; tsc typechecks and compiles src, adapters and app to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY app ./app
RUN npm run build

# ---- runtime: production dependencies only, as the unprivileged `node` user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
USER node
# Slack HTTP events and /healthz, /readyz, /metrics (PORT, 3000 by default).
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself, not npm: npm's shell would not pass SIGTERM on, and a stop must reach the bot so it can
# finish the answers in flight. Compiled JavaScript: no tsx, no esbuild, a faster start and less memory.
CMD ["node", "dist/app/main.js"]
