# syntax=docker/dockerfile:1
# The runtime stage is replayed by test/ops/production-install.test.ts (its COPY and RUN lines, ENV
# and CMD) in a temporary directory, so that `npm test` proves the image starts without a Docker
# engine. The test understands only the instructions used here: keep both in step.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: every dependency; the image is only built from code that typechecks ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY adapters ./adapters
COPY app ./app
RUN npm run typecheck

# ---- runtime: production dependencies only, as the unprivileged `node` user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/src ./src
COPY --from=build /app/adapters ./adapters
COPY --from=build /app/app ./app
USER node
# Slack HTTP events and /healthz, /readyz, /metrics (PORT, 3000 by default).
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself, not npm: npm's shell would not pass SIGTERM on, and a stop must reach the bot so it can
# finish the answers in flight. tsx is a production dependency that loads the TypeScript sources.
CMD ["node", "--import", "tsx", "app/main.ts"]
