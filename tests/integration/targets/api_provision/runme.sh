#!/usr/bin/env bash
# Provisioning a tenant with the api role and the provision_sase_tenant playbook, as a user runs it: an ordinary
# inventory whose group_vars hold the addresses, a first run that creates, a second that changes nothing, --check
# --diff that writes nothing; then paging, a 429 storm, a push job that outlives its token, a failed job, and a
# token revoked mid-play on five hosts. Every write is counted by the emulator.
set -eu  # no -x: the leak check searches the output for the credentials used here
export ANSIBLE_ROLES_PATH="$(cd .. && pwd)"
export VENDOR_TOKENS_CACHE_DIR="${OUTPUT_DIR}/provision-cache"
rm -rf "${VENDOR_TOKENS_CACHE_DIR}"
run() { ansible-playbook -i "${INVENTORY_PATH}" "$@"; }
# How often a phrase stands in an output file; older ansible-core wraps lines at 80 columns.
count() { tr '\n' ' ' < "$2" | tr -s ' ' | grep -oF "$1" | wc -l; }

run setup.yml "$@"
vars_file="${TMPDIR:-/tmp}/vendor-tokens-emulator/vars.json"  # where setup_emulator starts it

# An inventory as users write one: the tenant's addresses in group_vars.
inventory="${OUTPUT_DIR}/tenant"
rm -rf "${inventory}" && mkdir -p "${inventory}/group_vars"
printf '[tenant]\nlocalhost ansible_connection=local\n' > "${inventory}/hosts.ini"
cat > "${inventory}/group_vars/tenant.yml" <<'YAML'
provision_addresses:
  - {name: web-frontend, folder: Shared, ip_netmask: 192.0.2.10/32, description: Web front end, tag: [web]}
  - {name: updates-mirror, folder: Shared, fqdn: updates.example.com}
  - {name: lab-range, folder: Lab, ip_range: 198.51.100.10-198.51.100.20}
  - {name: never-existed, folder: Shared, state: absent}
vendor_tokens_push_poll: 1
YAML
provision() { ansible-playbook -i "${inventory}/hosts.ini" -e @"${vars_file}" vendor.tokens.provision_sase_tenant "$@"; }

# 1. The first run creates three addresses and pushes both folders; the second sends no write.
out="${OUTPUT_DIR}/first.out"
provision "$@" > "${out}" 2>&1 || { cat "${out}"; exit 1; }
cat "${out}"
run counts.yml -e expect_writes=3 -e expect_pushes=1 "$@"
out="${OUTPUT_DIR}/second.out"
provision "$@" > "${out}" 2>&1 || { cat "${out}"; exit 1; }
cat "${out}"
grep -E 'localhost +: ok=[0-9]+ +changed=0 ' "${out}"
run counts.yml -e expect_writes=3 -e expect_pushes=1 "$@"

# 2. --check --diff after an edit shows the plan and writes nothing.
sed -i 's/description: Web front end,/description: Web front end v2,/' "${inventory}/group_vars/tenant.yml"
out="${OUTPUT_DIR}/check.out"
provision --check --diff "$@" > "${out}" 2>&1 || { cat "${out}"; exit 1; }
cat "${out}"
test "$(count '"action": "update"' "${out}")" -ge 1
test "$(count 'Web front end v2' "${out}")" -ge 1
run counts.yml -e expect_writes=3 -e expect_pushes=1 "$@"
# And then the edit itself: one PUT, one push.
provision "$@" > "${out}" 2>&1 || { cat "${out}"; exit 1; }
run counts.yml -e expect_writes=4 -e expect_pushes=2 "$@"

# 3. The api role on its own: paging, a 429 storm, push jobs, a revoked token on five hosts.
run api_cases.yml "$@"
hosts="${OUTPUT_DIR}/five.ini"
{ echo '[five]'; for n in 1 2 3 4 5; do echo "host${n} ansible_connection=local"; done
  echo "[five:vars]"; echo "ansible_python_interpreter={{ ansible_playbook_python }}"; } > "${hosts}"
run -i "${hosts}" -f 5 revoked.yml "$@"
