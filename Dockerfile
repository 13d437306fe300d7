# syntax=docker/dockerfile:1
# Build stage: install all dependencies and compile TypeScript.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY commands ./commands
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

# Runtime stage: only the compiled server and production dependencies, as a non-root user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 6379
# Listen on all interfaces inside the container; set a password (--requirepass) before
# publishing the port beyond the host. Protected mode is off here, as in the official
# redis image: inside a container every client (even from the host) comes through a
# bridge, never the loopback interface, so protected mode would refuse them all.
ENTRYPOINT ["node", "bin/holdfast.js"]
CMD ["--bind", "0.0.0.0", "--dir", "/data", "--protected-mode", "no"]
# A PING over a raw socket: no redis-cli in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD node -e "const s=require('net').connect(6379,'127.0.0.1',()=>s.write('PING\r\n'));s.on('data',d=>process.exit(String(d).startsWith('+PONG')?0:1));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),2500)"
