#!/usr/bin/env bash
# The token cache shared through a real Redis by two controllers (each its own home and file cache): ten runs at
# once make one auth request; a token near its expiry is renewed once for both; Redis killed mid-run and a wrong
# password are one warning each, never a failure; Redis holds only sealed entries.
set -eu  # no -x: the leak check searches the output for the Redis password set here
export ANSIBLE_ROLES_PATH=..
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
work="${OUTPUT_DIR}/shared-cache"
rm -rf "${work}" && mkdir -p "${work}/tokens"
export ANSIBLE_LOCALHOST_WARNING=false

ansible-playbook -i "${INVENTORY_PATH}" setup.yml "$@"
state="$(dirname "${JUNIT_OUTPUT_DIR}")/vendor-tokens-emulator/state.json"
vars=$("${python}" -c 'import json, sys; print(json.load(open(sys.argv[1]))["vars_path"])' "${state}")
check() { "${python}" check.py "${state}" "$@"; }

# Non-ASCII and URL-special characters, as a generated password may hold; the URL carries it percent-encoded.
password='rédis-p@ss:/#?%-3f8a'
port=$("${python}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url_with() { "${python}" -c 'import sys, urllib.parse as u; print("redis://:%s@127.0.0.1:%s/0" % (u.quote(sys.argv[1], safe=""), sys.argv[2]))' "$1" "${port}"; }
url=$(url_with "${password}")

start_redis() {
  command -v redis-server >/dev/null || { echo "redis-server is not installed; make redis-server installs it" >&2; exit 1; }
  # The password goes in a private config file, not on the command line.
  # rdbcompression no: the dump kept for the leak check shows any token in clear, never LZF-compressed.
  (umask 077 && printf 'port %s\nbind 127.0.0.1\nrequirepass "%s"\nsave ""\nappendonly no\nrdbcompression no\ndir %s\ndaemonize yes\npidfile %s\nlogfile %s\n' \
    "${port}" "${password}" "${work}" "${work}/redis.pid" "${work}/redis.log" > "${work}/redis.conf")
  rm -f "${work}/redis.pid"
  redis-server "${work}/redis.conf"
  rm -f "${work}/redis.conf"  # read at the start; the output folder must not keep the password
  for _ in $(seq 100); do [ -s "${work}/redis.pid" ] && "${python}" -c 'import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()' "${url}" 2>/dev/null && return 0; sleep 0.1; done
  echo "redis-server did not start; its log:" >&2 && cat "${work}/redis.log" >&2 && exit 1
}
stop_redis() { [ -s "${work}/redis.pid" ] && kill -9 "$(cat "${work}/redis.pid")" 2>/dev/null || true; }
trap stop_redis EXIT

# controller NAME RUN [ansible-playbook arguments]: one run of shared.yml as controller NAME, its output in a file.
controller() {
  local name="$1" run="$2"
  shift 2
  mkdir -p "${work}/${name}/home"
  HOME="${work}/${name}/home" ANSIBLE_LOCAL_TEMP="${work}/${name}/home/tmp" VENDOR_TOKENS_CACHE_DIR="${work}/${name}/cache" \
    ansible-playbook -i shared.ini shared.yml -e "@${vars}" -e run="${run}" -e tokens_dir="${work}/tokens" "$@" \
    > "${work}/${run}.log" 2>&1
}
shown() { cat "${work}/$1.log"; }  # into the integration log, which the leak check searches
digests() { cut -d' ' -f1 "${work}"/tokens/"$1"-* | sort -u; }
requests_are() {
  local counted
  counted=$(check auth-requests)
  [ "${counted}" -eq "$1" ] || { echo "the emulator answered ${counted} token requests, not $1" >&2; exit 1; }
}

start_redis
export VENDOR_TOKENS_CACHE_URL="${url}"

echo "== ten runs at once on two controllers"
check reset
pids=()
for run in $(seq 1 10); do
  controller "controller-$((run % 2))" "burst${run}" "$@" &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "${pid}" || status=1; done
for run in $(seq 1 10); do shown "burst${run}"; done
test "${status}" -eq 0
requests_are 1
test "$(cat "${work}"/tokens/burst* | cut -d' ' -f1 | sort -u | wc -l)" -eq 1  # all 30 hosts hold one token
check redis "${url}"

echo "== a token near its expiry is renewed once for both controllers"
check reset paloalto 20
export VENDOR_TOKENS_MIN_TTL=10
"${python}" -c 'import redis, sys; redis.Redis.from_url(sys.argv[1]).flushall()' "${url}"
controller expiry-a first-a "$@" && shown first-a
controller expiry-b first-b "$@" && shown first-b
requests_are 1
test "$(digests first-a)" = "$(digests first-b)"
grep -q ' True$' "${work}"/tokens/first-b-shared1 || { echo "controller b was not served from Redis" >&2; exit 1; }
sleep 10  # the 20 s token now has less than min_ttl 10 s left
controller expiry-b renewed-b "$@" && shown renewed-b
controller expiry-a renewed-a "$@" && shown renewed-a
requests_are 2
test "$(digests renewed-a)" = "$(digests renewed-b)"
test "$(digests renewed-a)" != "$(digests first-a)"
unset VENDOR_TOKENS_MIN_TTL

echo "== Redis killed in the middle of a run"
check reset
controller killed killed "$@" -e redis_pid="$(cat "${work}/redis.pid")" || { shown killed; exit 1; }
shown killed
test "$(grep -c 'shared token cache at redis://127.0.0.1:'"${port}"'/0 not used' "${work}/killed.log")" -eq 1
requests_are 2  # the first token, then the forced renewal without Redis
test "$(digests killed | wc -l)" -eq 1

echo "== a wrong password"
start_redis
check reset
wrong="$(url_with 'wr0ng-pässword:@/')"
VENDOR_TOKENS_CACHE_URL="${wrong}" controller wrong wrong "$@" || { shown wrong; exit 1; }
shown wrong
grep -q 'AuthenticationError' "${work}/wrong.log"
test "$(grep -c 'shared token cache at redis://127.0.0.1:'"${port}"'/0 not used' "${work}/wrong.log")" -eq 1
! grep -qF -e 'wr0ng-pässword' -e 'wr0ng-p%C3%A4ssword' -e "${password}" -e "${url}" "${work}/wrong.log"
# What Redis and both controllers stored, kept for the leak check (this target's output folder is removed).
check redis "${url}" >/dev/null 2>&1 || true
kept="$(dirname "${JUNIT_OUTPUT_DIR}")/vendor-tokens-reports/shared-cache"
mkdir -p "${kept}" && cp -r "${work}/dump.rdb" "${work}"/controller-*/cache "${kept}/" 2>/dev/null || true
echo "shared cache: all cases passed"
