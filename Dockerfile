# access-why: the Slack bot in a container. Build: docker build -t access-why .
# Run (Socket Mode): docker run --env-file .env -p 8081:8081 access-why
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
# The compiler is a dev dependency: compile here, ship only dist/ and the runtime dependencies.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM node:20.19-bookworm-slim

ENV NODE_ENV=production \
    # Socket Mode has no listener of its own: /healthz on this port for the HEALTHCHECK and probes.
    HEALTH_PORT=8081 \
    # HTTP mode (SLACK_SOCKET_MODE=false) listens here for /slack/events.
    PORT=3000
WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The compiled bot: no TypeScript loader thread at run time (about 23 MB less RSS than tsx).
COPY --from=build /app/dist/src ./dist/src

USER node
EXPOSE 3000 8081

# Uses the node binary and fetch the image already has; no curl needed.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HEALTH_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# SHUTDOWN_DRAIN_MS (default 10 s) + 2 s: give `docker stop` at least that (`--stop-timeout 15`,
# or `stop_grace_period: 15s` in compose); Docker's default of 10 s would SIGKILL a full drain.
STOPSIGNAL SIGTERM

# The command `npm start` runs, with node as the process that gets SIGTERM: npm does not forward
# signals, so `CMD ["npm", "start"]` would be killed mid-answer. test/deploy.test.ts keeps this in
# step with package.json. The bot handles SIGTERM/SIGINT itself; `docker run --init` (tini) is
# optional and only adds zombie reaping.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=4", "dist/src/main.js"]
