# syntax=docker/dockerfile:1
#
# One image for every fedbank process: the router and the six subgraphs (docker-compose.yml picks the
# process per service with `command`). TypeScript runs directly with tsx, so there is no compile step:
# the image holds the sources, production node_modules and the generated Prisma client.
#
#   docker build -t fedbank .
#   docker run --rm fedbank                                   # router (default CMD)
#   docker run --rm fedbank node --import tsx subgraphs/users/src/main.ts
#
# Nothing but npm packages is downloaded at build time: install scripts are skipped (@prisma/engines'
# postinstall would fetch native engines, which we do not use: prisma.config.ts runs the JS engines through
# the pg driver adapter), and the Prisma client is generated explicitly instead of by our postinstall.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- deps: production dependencies only, exactly as locked --------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# No Prisma telemetry/update checks (network calls) from the CLI, in this stage or the ones built on it.
ENV CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
# --ignore-scripts also skips our own postinstall (`prisma generate`), which would fail here because
# prisma/ is not copied yet; the `prisma` stage below does that step.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# --- prisma: generate the client into kernel/generated/prisma -----------------------------------------
FROM deps AS prisma
COPY prisma.config.ts ./
COPY prisma ./prisma
# The CLI only needs a syntactically valid postgres URL to generate; nothing connects to it.
RUN DATABASE_URL=postgresql://build@localhost/build npx --no-install prisma generate

# --- runtime ----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app

# Files stay owned by root: the `node` user can read and run them but not modify the code it runs.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY schema ./schema
COPY kernel ./kernel
COPY domain ./domain
COPY subgraphs ./subgraphs
COPY router ./router
COPY scripts ./scripts
COPY --from=prisma /app/kernel/generated/prisma ./kernel/generated/prisma
# The playground's browser bundle, built now into node_modules/.cache (router/src/playground/assets.ts)
# so no router builds it at run time.
RUN node --import tsx scripts/build-playground.ts

# Unprivileged user shipped with the node image (uid 1000). tsx caches compiled files under /tmp and
# npm writes its logs under /home/node, both writable by it.
USER node

# router, users, accounts, transactions, notifications, audit, reporting
EXPOSE 4000 4001 4002 4003 4004 4005 4006

# No HEALTHCHECK here: the port depends on which process the container runs, so docker-compose.yml
# defines one per service (GET /ready).
CMD ["node", "--import", "tsx", "router/src/main.ts"]
