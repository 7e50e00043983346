#!/usr/bin/env bash
# The shared cache across runs: a second run of a playbook makes no auth request.
set -eu  # no -x: the leak check searches the output for the credentials set here
export ANSIBLE_ROLES_PATH=..
export VENDOR_TOKENS_CACHE_DIR="${OUTPUT_DIR}/token-cache"
rm -rf "${VENDOR_TOKENS_CACHE_DIR}"

ansible-playbook -i "${INVENTORY_PATH}" every_vendor.yml -e first_run=true "$@"
ansible-playbook -i "${INVENTORY_PATH}" every_vendor.yml -e first_run=false "$@"
ansible-playbook -i "${INVENTORY_PATH}" renewal.yml "$@"

# The folder is private, and no credential is written in it.
test "$(stat -c %a "${VENDOR_TOKENS_CACHE_DIR}")" = 700
test -z "$(find "${VENDOR_TOKENS_CACHE_DIR}" -type f ! -perm 600)"
# One entry per vendor, and none of the emulator's credentials (it publishes them in its state file) in any file.
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
state="$(dirname "${JUNIT_OUTPUT_DIR}")/vendor-tokens-emulator/state.json"
vendors=$("${python}" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["vendors"]))' "${state}")
test "$(find "${VENDOR_TOKENS_CACHE_DIR}" -name '*.token' | wc -l)" -ge "${vendors}"
"${python}" - "${state}" "${VENDOR_TOKENS_CACHE_DIR}" <<'PYTHON'
import json, os, sys
state, folder = json.load(open(sys.argv[1])), sys.argv[2]
values = [value for vendor in state['vendors'].values() for value in vendor['credentials'].values() if len(value) > 3]
for root, _dirs, files in os.walk(folder):
    for name in files:
        data = open(os.path.join(root, name), 'rb').read()
        found = [value for value in values if value.encode('utf-8') in data]
        if found:
            sys.exit('a credential was written to the cache, in %s' % name)
PYTHON
