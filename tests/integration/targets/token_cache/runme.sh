#!/usr/bin/env bash
# The shared cache across runs: a second run of a playbook makes no auth request.
set -eu  # no -x: the leak check searches the output for the credentials set here
export ANSIBLE_ROLES_PATH=..
export VENDOR_TOKENS_CACHE_DIR="${OUTPUT_DIR}/token-cache"
rm -rf "${VENDOR_TOKENS_CACHE_DIR}"

ansible-playbook -i "${INVENTORY_PATH}" five_vendors.yml -e expect_requests=5 -e expect_cached=false "$@"
ansible-playbook -i "${INVENTORY_PATH}" five_vendors.yml -e expect_requests=0 -e expect_cached=true "$@"
ansible-playbook -i "${INVENTORY_PATH}" renewal.yml "$@"

# The folder is private, and no credential is written in it.
test "$(stat -c %a "${VENDOR_TOKENS_CACHE_DIR}")" = 700
test -z "$(find "${VENDOR_TOKENS_CACHE_DIR}" -type f ! -perm 600)"
test "$(find "${VENDOR_TOKENS_CACHE_DIR}" -name '*.token' | wc -l)" -ge 5
if grep -rlE 'emulator-(pa|cp|fc|plainid|keepz)|emulator-sa@|0f8fad5b' "${VENDOR_TOKENS_CACHE_DIR}"; then
  echo "a credential was written to the cache" >&2
  exit 1
fi
