#!/usr/bin/env bash
# Starts latchkey (embedded PostgreSQL, in a temporary DATA_DIR), nginx with nginx.conf in front of a small
# app, and shows what nginx lets through: a valid token reaches the app with X-User-ID; a missing, forged or
# revoked one is stopped at nginx with 401. Exits non-zero if anything differs. Needs nginx (Debian's
# package), curl, and the jar (built here if missing). Ports: LATCHKEY_PORT (8080), NGINX_PORT (8000),
# APP_PORT (8001).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
latchkey_port=${LATCHKEY_PORT:-8080}
nginx_port=${NGINX_PORT:-8000}
app_port=${APP_PORT:-8001}
key=example-internal-key-0123456789abcdef

[ -f "$root/target/latchkey.jar" ] || (cd "$root" && mvn -B -q package -DskipTests)
work=$(mktemp -d)
latchkey_pid=""
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2> /dev/null || true
  if [ -n "$latchkey_pid" ]; then
    kill "$latchkey_pid" 2> /dev/null || true
    wait "$latchkey_pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# latchkey: nginx is the one proxy in front of it, so it trusts nginx's forwarded headers
DATA_DIR="$work/data" HTTP_HOST=127.0.0.1 HTTP_PORT="$latchkey_port" INTERNAL_API_KEYS="$key" \
  HTTP_TRUSTED_PROXY_HOPS=1 \
  java -jar "$root/target/latchkey.jar" > "$work/latchkey.log" 2>&1 &
latchkey_pid=$!

mkdir -p "$work/tmp"
sed -e "s/127.0.0.1:8080/127.0.0.1:$latchkey_port/" -e "s/127.0.0.1:8000/127.0.0.1:$nginx_port/" \
  -e "s/127.0.0.1:8001/127.0.0.1:$app_port/g" "$here/nginx.conf" > "$work/nginx.conf"
nginx -p "$work" -c "$work/nginx.conf" -g "pid $work/nginx.pid;"

for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$latchkey_port/readyz" > /dev/null && break
  kill -0 "$latchkey_pid" 2> /dev/null || { cat "$work/latchkey.log"; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$latchkey_port/readyz" > /dev/null || { echo "latchkey did not become ready"; exit 1; }

failed=0
check() { # what, expected, actual
  if [ "$2" = "$3" ]; then echo "ok   $1: $3"; else echo "FAIL $1: expected $2, got $3"; failed=1; fi
}
through_nginx() { # curl arguments; prints the status, then the body
  curl -s -o "$work/body" -w '%{http_code}' "$@" "http://127.0.0.1:$nginx_port/orders?page=1"
}

created=$(curl -sf -X POST "http://127.0.0.1:$latchkey_port/api/v1/internal/sessions" \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"identity":{"kind":"email","subject":"ada@example.com"}}')
token=$(printf '%s' "$created" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
account=$(printf '%s' "$created" | sed -n 's/.*"account_id":"\([^"]*\)".*/\1/p')
session=$(printf '%s' "$created" | sed -n 's/.*"session_id":"\([^"]*\)".*/\1/p')

check "a valid token reaches the app" 200 "$(through_nginx -H "Authorization: Bearer $token")"
check "the app sees who it is" "{\"app\":\"hello\",\"user\":\"$account\",\"session\":\"$session\"}" "$(cat "$work/body")"
check "no token is stopped at nginx" 401 "$(through_nginx)"
check "a forged X-User-ID is stopped at nginx" 401 "$(through_nginx -H "X-User-ID: $account")"
check "a made-up token is stopped at nginx" 401 "$(through_nginx -H 'Authorization: Bearer not-a-real-token')"
curl -s -D "$work/headers" -o /dev/null "http://127.0.0.1:$nginx_port/orders"
check "the 401 says how to authenticate" yes "$(grep -qi '^WWW-Authenticate: Bearer' "$work/headers" && echo yes || echo no)"
# nginx passes the client's headers to latchkey, which honours X-User-ID only with an internal key
check "a valid token with a forged X-User-ID is stopped at nginx" 401 \
  "$(through_nginx -H "Authorization: Bearer $token" -H 'X-User-ID: 00000000-0000-0000-0000-000000000000')"

# a device-bound session: the signature alone (keyid) is the credential, checked by latchkey against the
# original method and URI nginx forwards (X-Original-Method, X-Original-URI, X-Forwarded-Host/-Proto)
signcli() { java -cp "$root/target/latchkey.jar" io.latchkey.client.SignCli "$@"; }
public_key=$(signcli keygen "$work/device.key")
device=$(curl -sf -X POST "http://127.0.0.1:$latchkey_port/api/v1/internal/sessions" \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d "{\"identity\":{\"kind\":\"email\",\"subject\":\"grace@example.com\"},\"client_public_key\":\"$public_key\"}")
device_session=$(printf '%s' "$device" | sed -n 's/.*"session_id":"\([^"]*\)".*/\1/p')
signcli sign "$work/device.key" --keyid "$device_session" GET "http://127.0.0.1:$nginx_port/orders?page=1" \
  > "$work/signed.curl"
check "a signed request (keyid, no token) reaches the app" 200 "$(through_nginx -K "$work/signed.curl")"
check "the app sees the device's session" "$device_session" "$(sed -n 's/.*"session":"\([^"]*\)".*/\1/p' "$work/body")"
check "the same signature replayed is stopped at nginx" 401 "$(through_nginx -K "$work/signed.curl")"
signcli sign "$work/device.key" --keyid "$device_session" GET "http://127.0.0.1:$nginx_port/admin?page=1" \
  > "$work/other.curl"
check "a signature for another URI is stopped at nginx" 401 "$(through_nginx -K "$work/other.curl")"

check "logout" 204 "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE \
  -H "Authorization: Bearer $token" "http://127.0.0.1:$latchkey_port/api/v1/user/sessions/current")"
check "the revoked token is stopped at nginx" 401 "$(through_nginx -H "Authorization: Bearer $token")"

exit $failed
