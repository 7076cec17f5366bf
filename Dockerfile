# syntax=docker/dockerfile:1
# The AWS Batch job image: `cdr-summary` on Node.js 22, production dependencies only, non-root.
# Build for Fargate (x86_64, also what Fargate Spot runs):
#   docker build --platform linux/amd64 -t <repository URL>:<IMAGE_TAG> .
# Upgrade Node.js by changing NODE_VERSION (a full x.y.z tag of the official image).
ARG NODE_VERSION=22.20.0

# ---- build: dev dependencies, TypeScript → dist/ (job CLI + scheduler bundle) ----
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/ scripts/
# Scripts off: `prepare` would compile before the sources are copied; the build runs below.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY job/ job/
RUN npm run build

# ---- runtime: production dependencies + the compiled code, nothing else ----
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No compiler here: `prepare` is skipped and the prebuilt dist/ is copied from the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/ dist/
COPY bin/ bin/
COPY data/ data/
# The job definition mounts a scratch volume here (the root file system is read-only); the
# volume takes this folder's owner, so the non-root user can write to it.
RUN mkdir -p /scratch && chown 1000:1000 /scratch \
  && ln -s /app/bin/cdr-summary.js /usr/local/bin/cdr-summary
VOLUME ["/scratch"]
ENV TMPDIR=/scratch
# The image's `node` user (uid/gid 1000); the job definition runs as the same uid:gid.
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/cdr-summary.js"]
CMD ["run"]
