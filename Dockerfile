# The coordwatch image: every worker role, the migration and the API run from this one build
# (docker-compose.yml picks the role with the command). tsx is a runtime dependency: the
# sources run as TypeScript, there is no build step.
FROM node:20-bookworm-slim
ENV NODE_ENV=production DOTENV_CONFIG_QUIET=true
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
USER node
ENTRYPOINT ["node", "bin/coordwatch.js"]
CMD ["--help"]
