# The SPA, built with Node 20 and served by nginx, which proxies the API.
FROM node:20 AS build
WORKDIR /src
COPY frontend/package.json frontend/package-lock.json ./frontend/
RUN cd frontend && npm ci --no-audit --no-fund
COPY frontend ./frontend
COPY docs/openapi.json ./docs/openapi.json
RUN cd frontend && npm run build

FROM nginx:1.27
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/frontend/dist /usr/share/nginx/html
