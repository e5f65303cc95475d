# Image of the `mcp-mqtt` command-line client (the core package's bin), for the compose stack:
#   docker compose run --rm cli services
#   docker compose run --rm cli call weather get_current_weather location=Paris
# Built from the repository root like the service images (services/weather/Dockerfile is the
# pattern): docker build -f compose/cli.Dockerfile -t neurhomia/mcp-cli .
# Needs BuildKit (cache mounts); no `# syntax=` line on purpose.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG CORE_PACKAGE=@neurhomia/mcp-mqtt-core
ARG PNPM_VERSION=10.34.9
ENV CI=true
RUN --mount=type=cache,id=npm-cache,target=/root/.npm \
    npm install -g --no-fund --no-audit "pnpm@${PNPM_VERSION}"
WORKDIR /repo
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
COPY packages/mcp-mqtt-core/package.json packages/mcp-mqtt-core/
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile --filter "${CORE_PACKAGE}"
COPY tsconfig.base.json ./
COPY packages/mcp-mqtt-core/ packages/mcp-mqtt-core/
RUN pnpm --filter "${CORE_PACKAGE}" run build
# Production dependencies only (see services/weather/Dockerfile for the deploy flags).
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm --filter "${CORE_PACKAGE}" --config.inject-workspace-packages=true deploy --prod /out

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="neurhomia-mcp-cli" \
      org.opencontainers.image.description="mcp-mqtt: list, inspect and call MCP services over MQTT (NeurHomIA)" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/package.json ./package.json
COPY --from=build /out/node_modules ./node_modules
COPY --from=build /out/dist ./dist
USER node
# A one-shot client: no healthcheck. `watch` stops on SIGTERM/SIGINT (Ctrl-C with `run`).
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["--help"]
