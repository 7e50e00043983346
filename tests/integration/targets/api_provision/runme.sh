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
vars_file="$(dirname "${JUNIT_OUTPUT_DIR}")/vendor-tokens-emulator/vars.json"  # where setup_emulator starts it

# An inventory as users write one: the tenant's addresses in group_vars, and localhost named with an ssh
# connection (to a closed port, and no Python given): the token and the API calls still run on the controller.
inventory="${OUTPUT_DIR}/tenant"
rm -rf "${inventory}" && mkdir -p "${inventory}/group_vars"
printf '[tenant]\nlocalhost ansible_connection=ssh ansible_host=127.0.0.1 ansible_port=1\n' > "${inventory}/hosts.ini"
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
# No task of the playbook or its roles prints the token, at any verbosity (its output is searched whole).
! grep -q 'eyJ' "${out}" || { echo 'the token is in the output of provision_sase_tenant' >&2; exit 1; }
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

# 3. Changing an address's type sends one type: the tenant's object ends with the new type only.
sed -i 's|{name: updates-mirror, folder: Shared, fqdn: updates.example.com}|{name: updates-mirror, folder: Shared, ip_netmask: 192.0.2.20/32}|' \
  "${inventory}/group_vars/tenant.yml"
provision "$@" > "${out}" 2>&1 || { cat "${out}"; exit 1; }
run counts.yml -e expect_writes=5 -e expect_pushes=3 "$@"
run address.yml -e folder=Shared -e address=updates-mirror -e expect_field=ip_netmask "$@"

# 4. A push whose child job fails fails the run, saying how to push again; a plain rerun has nothing to write, and
# provision_push=always pushes what the candidate configuration still holds.
run config.yml -e jobs_fail=child "$@"
sed -i 's/description: Web front end v2,/description: Web front end v3,/' "${inventory}/group_vars/tenant.yml"
if provision "$@" > "${out}" 2>&1; then cat "${out}"; echo 'a failed push job did not fail the run' >&2; exit 1; fi
cat "${out}"
test "$(count 'a child of push job' "${out}")" -ge 1
test "$(count 'provision_push=always' "${out}")" -ge 1
run config.yml -e jobs_fail=none "$@"
provision "$@" > "${out}" 2>&1 || { cat "${out}"; exit 1; }
run counts.yml -e expect_writes=6 -e expect_pushes=4 "$@"
provision -e provision_push=always "$@" > "${out}" 2>&1 || { cat "${out}"; exit 1; }
run counts.yml -e expect_writes=6 -e expect_pushes=5 "$@"

# 5. Addresses a user gets wrong are refused before any request, naming the address and what is wrong.
bad="${OUTPUT_DIR}/bad"
rm -rf "${bad}" && mkdir -p "${bad}/group_vars" && cp "${inventory}/hosts.ini" "${bad}/"
refused() {
  printf 'provision_addresses:\n%s\n' "$1" > "${bad}/group_vars/tenant.yml"
  if ansible-playbook -i "${bad}/hosts.ini" -e @"${vars_file}" vendor.tokens.provision_sase_tenant "${@:3}" > "${out}" 2>&1; then
    cat "${out}"; echo "accepted: $1" >&2; exit 1
  fi
  test "$(count "$2" "${out}")" -ge 1 || { cat "${out}"; echo "no '$2' for: $1" >&2; exit 1; }
}
refused '  - {name: a1, folder: Shared, ip_netmask: 192.0.2.1/32, state: absnet}' 'Shared/a1 has state absnet' "$@"
refused '  - {name: a2, folder: Shared, ip_netmask: 192.0.2.2/32, descripton: typo}' 'Shared/a2 has unknown fields descripton' "$@"
refused '  - {name: a3, folder: Shared, ip_netmask: 192.0.2.3/32, fqdn: a3.example.com}' 'Shared/a3 must have exactly one of' "$@"
refused '  - {name: a4, folder: Shared, fqdn: a4.example.com}
  - {name: a4, folder: Shared, fqdn: a4b.example.com}' 'Shared/a4 is listed more than once in its folder' "$@"
run counts.yml -e expect_writes=6 -e expect_pushes=5 "$@"

# 6. The api role on its own: paging, a 429 storm, push jobs, a revoked token on five ssh hosts that cannot be
# reached (the role's calls run on the controller).
run api_cases.yml "$@"
hosts="${OUTPUT_DIR}/five.ini"
{ echo '[five]'; for n in 1 2 3 4 5; do echo "host${n} ansible_host=127.0.0.1 ansible_port=1"; done; } > "${hosts}"
run -i "${hosts}" -f 5 revoked.yml "$@"
