# Stand-in for node:20-bookworm-slim: Debian bookworm with this machine's Node.js 20 and npm (node.tar), and
# this machine's trusted certificates, since its way to the npm registry may re-sign TLS.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
ADD node.tar /usr/
COPY ca-certificates.crt /etc/ssl/certs/
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/bin/npx
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
