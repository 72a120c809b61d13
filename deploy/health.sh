#!/usr/bin/env sh
# Ask one replica whether it is healthy: GET /api/health on 127.0.0.1:PORT.
#   deploy/health.sh PORT            exit 0 healthy, 1 up but its database is not
#                                    (unreachable or not migrated), 2 no answer
#   deploy/health.sh PORT --wait N   keep asking for up to N seconds until healthy
# systemd runs it after starting a replica (ExecStartPost) and every minute from
# dashboard-health@.timer, which restarts a replica that no longer answers at all.
set -u
port=${1:?usage: health.sh PORT [--wait SECONDS]}
wait=0
if [ "${2:-}" = "--wait" ]; then wait=${3:?usage: health.sh PORT --wait SECONDS}; fi
ask() {
    code=$(curl --silent --output /dev/null --max-time 5 --write-out '%{http_code}' \
        "http://127.0.0.1:${port}/api/health")
    case "$code" in
        200) return 0 ;;
        503) return 1 ;;
        *) return 2 ;;
    esac
}
deadline=$(( $(date +%s) + wait ))
while :; do
    ask
    status=$?
    if [ "$status" -eq 0 ] || [ "$(date +%s)" -ge "$deadline" ]; then exit "$status"; fi
    sleep 1
done
