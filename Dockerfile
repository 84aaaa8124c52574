# Vigil for x86-64 edge boxes. CPU image by default (inference on tfjs-wasm, SIMD).
# Reviewed by eye only: no Docker engine runs on our CI machines.
#   docker build -t vigil .
#   docker run --rm -p 8080:8080 -v $PWD/config:/config:ro -v vigil-data:/data vigil
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY services ./services
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg tini ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY models ./models
COPY config ./config
ENV NODE_ENV=production VIGIL_CONFIG=/config/site.yaml VIGIL_DATA_DIR=/data VIGIL_API_HOST=0.0.0.0
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/services/main.js"]
