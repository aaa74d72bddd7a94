#!/bin/sh
# Development TLS for the project Mosquitto: a local CA and a server certificate for localhost /
# 127.0.0.1 it signs, and a device CA for per-device client certificates, in the directory given
# (created if missing). Idempotent: existing files are
# kept, so devices that trust the CA keep trusting it across restarts. Never use these in
# production (README, "MQTT over TLS"): the CA key sits next to the certificates.
# Used by the local stack (infra/local/mosquitto-tls.ts) and docker-compose (mosquitto-init).
set -eu
dir="$1"
mkdir -p "$dir"
cd "$dir"
if [ ! -f ca.key ] || [ ! -f ca.crt ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.crt -subj "/CN=Kuruma Cover dev MQTT CA" 2>/dev/null
  rm -f server.crt server.key
fi
if [ ! -f server.key ] || [ ! -f server.crt ]; then
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,DNS:mosquitto,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -sha256 -extfile server.ext -out server.crt 2>/dev/null
  rm -f server.csr server.ext
fi
# The CA that signs per-device client certificates (PUT /v1/devices/{id} with a csr): claims-trigger
# holds its key, the broker trusts it on the device-certificate listener.
if [ ! -f device-ca.key ] || [ ! -f device-ca.crt ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout device-ca.key -out device-ca.crt -subj "/CN=Kuruma Cover dev device CA" 2>/dev/null
fi
# The broker in Docker runs as the mosquitto user: it must read its key (a development key only).
chmod 644 server.key ca.crt server.crt device-ca.crt
chmod 600 ca.key device-ca.key
