#!/usr/bin/env bash
# Failures as users meet them: a refused login on many hosts, awkward secrets, typos, empty settings, proxies,
# validate_certs: false and CA bundles from the environment.
set -eu  # no -x: the leak check searches the output for the credentials used here
export ANSIBLE_ROLES_PATH="$(cd .. && pwd)"
here="$(pwd)"
export VENDOR_TOKENS_CACHE_DIR="${OUTPUT_DIR}/failures-cache"
rm -rf "${VENDOR_TOKENS_CACHE_DIR}"
run() { ansible-playbook -i "${INVENTORY_PATH}" "$@"; }
# How often a phrase stands in an output file; older ansible-core wraps warnings at 80 columns.
count() { tr '\n' ' ' < "$2" | tr -s ' ' | grep -oF "$1" | wc -l; }

# 1. A refused login on 30 hosts in 15 forks is asked once.
hosts="${OUTPUT_DIR}/thirty.ini"
{ echo '[thirty]'; for n in $(seq -w 1 30); do echo "host${n} ansible_connection=local"; done; } > "${hosts}"
run -i "${hosts}" -f 15 refused.yml "$@"

# 2. Secrets beyond Latin-1 and with URL-special characters, and misspelled lookup keywords.
run awkward.yml "$@"

# 3. Empty settings mean unset; the cache never changes a folder it did not create.
scratch="${OUTPUT_DIR}/project"
rm -rf "${scratch}" "${OUTPUT_DIR}/home" && mkdir -p "${scratch}" && chmod 755 "${scratch}" && echo '---' > "${scratch}/site.yml"
out="${OUTPUT_DIR}/settings.out"
(cd "${scratch}" && VENDOR_TOKENS_CACHE_DIR='' HOME="${OUTPUT_DIR}/home" env -u XDG_CACHE_HOME \
  ansible-playbook -i "${INVENTORY_PATH}" "${here}/settings.yml" -e project="${scratch}" "$@") > "${out}" 2>&1 \
  || { cat "${out}"; exit 1; }
cat "${out}"
test "$(count 'is open to other users (mode 755); make it private with chmod 700' "${out}")" -ge 1
test "$(stat -c %a "${scratch}")" = 755
test "$(ls -A "${scratch}")" = site.yml
test "$(stat -c %a "${OUTPUT_DIR}/home/.cache/vendor.tokens")" = 700

# 3b. ansible.cfg's [vendor_tokens] settings reach the role and the module, as they reach the lookup.
ini="${OUTPUT_DIR}/vendor-tokens.cfg"
run ini_write.yml -e ini_path="${ini}" "$@"
ANSIBLE_CONFIG="${ini}" ansible-playbook -i "${INVENTORY_PATH}" ini_use.yml -e ini_path="${ini}" "$@" || { rm -f "${ini}"; exit 1; }
rm -f "${ini}"  # it holds a credential, which the leak check would find

# 4. Proxies that are down or hang are named, within a bounded time, without their credentials.
proxy_port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python -c '
import socket, sys, time
listener = socket.socket()
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen(16)
held = []
deadline = time.time() + 120
listener.settimeout(1)
while time.time() < deadline:  # accept and never answer
    try:
        held.append(listener.accept()[0])
    except socket.timeout:
        pass
' "${proxy_port}" &
hung_proxy=$!
trap 'kill ${hung_proxy} 2>/dev/null || true' EXIT
closed_port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run proxy.yml -e hung_proxy_port="${proxy_port}" -e down_proxy_port="${closed_port}" "$@"

# 5. validate_certs: false gives one warning of the collection's own per run, and nothing from urllib3.
out="${OUTPUT_DIR}/insecure.out"
run insecure.yml "$@" > "${out}" 2>&1 || { cat "${out}"; exit 1; }
cat "${out}"
test "$(count 'validate_certs is false, so the TLS certificate of' "${out}")" -eq 1
! grep -E 'InsecureRequestWarning|errantly sent data' "${out}"

# 6. With validate_certs and no ca_path, REQUESTS_CA_BUNDLE gives the CA (as corporate CAs usually are).
run ca_bundle.yml "$@"
