# syntax=docker/dockerfile:1.7
# One image for every citygraph service: `docker run IMAGE serve gateway`, `serve health`, `migrate`…
# Built in two stages: the first installs everything, type-checks and runs `npm run build` (dist/,
# Prisma clients generated and compiled in, the console bundled); the second holds production dependencies
# and dist/ only, runs as a non-root user, and starts `node` on the build output (no tsx).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run typecheck && npm run build
# What the runtime stage needs: the manifests npm ci --omit=dev reads (workspaces included) and dist/.
RUN mkdir /out && cp package.json package-lock.json /out/ \
 && find apps services packages -name package.json -not -path "*/node_modules/*" -exec cp --parents {} /out/ \; \
 && cp -r bin dist /out/ && mkdir -p /out/scripts && cp scripts/postinstall.mjs /out/scripts/

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    CITYGRAPH_DATA_DIR=/var/lib/citygraph
WORKDIR /app
COPY --from=build /out/ ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
 && mkdir -p /var/lib/citygraph && chown node:node /var/lib/citygraph
USER node
EXPOSE 8080 9400
# The gateway's port; a subgraph's container sets <NAME>_PORT=8080 (see deploy/kubernetes).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/apps/cli/src/main.js"]
CMD ["serve", "gateway"]
