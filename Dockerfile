# The coordwatch image: workers and (later) the API run from the same build.
FROM node:20-bookworm-slim
ENV NODE_ENV=production DOTENV_CONFIG_QUIET=true
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save tsx@4
COPY . .
USER node
ENTRYPOINT ["node", "bin/coordwatch.js"]
CMD ["--help"]
