# Vigil for x86-64 edge boxes.
#   docker build -t vigil .                                    # GPU: ONNX Runtime with CUDA 12 (default)
#   docker build -t vigil:tfjs-gpu --build-arg VARIANT=tfjs-gpu .   # GPU: tfjs-node-gpu (CUDA 11.2)
#   docker build -t vigil:cpu --build-arg VARIANT=cpu .        # CPU: ONNX Runtime on the CPU
#   docker run --gpus all -p 8080:8080 -v $PWD/config:/config:ro -v vigil-data:/data vigil
#
# gpu: onnxruntime-node 1.30's CUDA and TensorRT providers are not in its npm package; its install
# script fetches them when ONNXRUNTIME_NODE_INSTALL=cuda12 (set below; the build needs internet
# access). They need CUDA 12 and cuDNN 9, hence the base. onnx-cuda runs on this base; onnx-tensorrt
# also needs TensorRT 10's libraries: build with --build-arg GPU_BASE=<an image with TensorRT 10>.
# tfjs-gpu: @tensorflow/tfjs-node-gpu 4.22 loads libtensorflow 2.9.1, built for CUDA 11.2 and
# cuDNN 8.1 (Ubuntu 20.04, ffmpeg 4.2; Vigil picks ffmpeg 4's RTSP timeout flag itself).
# cpu: Debian bookworm, ffmpeg 5.1, ONNX Runtime's bundled CPU provider (inference.backend auto
# picks onnx). Reviewed by eye only: our CI machines have no Docker engine and no GPU (README,
# Deployment).
ARG VARIANT=gpu
ARG GPU_BASE=nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04

# Node 20 built against glibc 2.31: runs on Ubuntu 20.04 and on Debian bookworm alike.
FROM node:20-bullseye-slim AS node

FROM ${GPU_BASE} AS base-gpu
FROM nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04 AS base-tfjs-gpu
FROM debian:bookworm-slim AS base-cpu

FROM base-${VARIANT} AS build
ARG VARIANT
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# .npmrc skips onnxruntime-node's download; the gpu variant asks for the CUDA 12 providers instead.
RUN if [ "$VARIANT" = "gpu" ]; then export ONNXRUNTIME_NODE_INSTALL=cuda12; fi \
    && npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY services ./services
COPY scripts ./scripts
# The console (browser TypeScript): built to dist/console by npm run build.
COPY console ./console
# The same `npm run build` that CI's tests run against produces dist/.
RUN npm run build && npm prune --omit=dev \
    && if [ "$VARIANT" != "tfjs-gpu" ]; then rm -rf node_modules/@tensorflow/tfjs-node-gpu; fi

FROM base-${VARIANT}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg tini ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app vigil \
    && mkdir -p /data && chown vigil /data
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY models ./models
COPY config ./config
# The console's page, styles and icon (its scripts are in dist/console).
COPY console/static ./console/static
# glibc's per-thread malloc arenas cost ~60 MB with inference worker threads and libvips; a fixed
# mmap threshold returns each freed 1.3 MB frame buffer to the OS (~45 MB less at 4 cameras).
ENV NODE_ENV=production VIGIL_CONFIG=/config/site.yaml VIGIL_DATA_DIR=/data VIGIL_API_HOST=0.0.0.0 \
    MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
USER vigil
# Only /data (snapshots, state, the ONNX conversion cached at first start) and /tmp are written:
# run with --read-only --tmpfs /tmp.
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/services/main.js"]
