#!/bin/sh
# Roll a new version of marketbot across this host's processes, one at a time, so that the
# others keep serving: migrate first, then restart each instance and wait until its /readyz
# answers 200 before the next. Run as root after installing the new version into
# /opt/marketbot/.venv:
#   deploy/roll.sh 8081 8082
# Stops at the first failure (a migration that fails, a process not ready within 60 s), leaving
# the processes not yet restarted on the old version.
set -eu

ports="${*:-8081 8082}"
ready_within=60
settle=6

systemctl start marketbot-migrate.service

for port in $ports; do
    systemctl restart "marketbot@$port.service"
    waited=0
    until curl -fsS --max-time 2 "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
        waited=$((waited + 1))
        if [ "$waited" -ge "$ready_within" ]; then
            echo "marketbot@$port is not ready after $ready_within s: roll stopped" >&2
            echo "see: journalctl -u marketbot@$port.service" >&2
            exit 1
        fi
        sleep 1
    done
    echo "marketbot@$port ready"
    # nginx left it out while it was down (fail_timeout=5s in deploy/nginx/marketbot.conf):
    # let that run out before the next one stops, so that one of them is always taken.
    sleep "$settle"
done
