#!/bin/sh
# Entrypoint of the image: `kuruma <service>` runs one service the way npm start does
# (infra/local/service-runtime.ts: SERVICE_NODE_ARGS, MALLOC_ARENA_MAX in the image's ENV);
# `kuruma migrate` applies prisma/migrations; `kuruma kafka-topics` creates the topics and ACLs of
# libs/contracts as the Kafka admin. exec: node is PID 1 and receives SIGTERM itself (drain).
set -eu
NODE_ARGS="--enable-source-maps --max-old-space-size=160 --max-semi-space-size=8 --liftoff-only"
# The ops console's young generation is half the others' (serviceNodeArgs in service-runtime.ts).
OPS_CONSOLE_NODE_ARGS="--enable-source-maps --max-old-space-size=160 --max-semi-space-size=4 --liftoff-only"
command="${1:-help}"
case "$command" in
  booking-ingest|pricing|policy|claims-trigger|partner-webhooks|ops-console)
    shift
    if [ "$command" = ops-console ]; then NODE_ARGS="$OPS_CONSOLE_NODE_ARGS"; fi
    # shellcheck disable=SC2086 # NODE_ARGS is a list of flags
    exec node $NODE_ARGS "/app/dist/apps/$command/main.js" "$@" ;;
  migrate|kafka-topics)
    shift
    exec node --enable-source-maps "/app/tools/$command.js" "$@" ;;
  *)
    echo "usage: kuruma booking-ingest|pricing|policy|claims-trigger|partner-webhooks|ops-console|migrate|kafka-topics" >&2
    exit 64 ;;
esac
