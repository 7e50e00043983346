#!/usr/bin/env bash
# The lookup, with credentials from keywords, variables, environment variables and ansible.cfg.
set -eu  # no -x: the leak check searches the output for the credentials set here
export ANSIBLE_ROLES_PATH=..
export VENDOR_TOKENS_CACHE_DIR="${OUTPUT_DIR}/lookup-cache"

ansible-playbook -i "${INVENTORY_PATH}" lookup.yml "$@"

# credential VENDOR FIELD: a test credential the emulator (started above) publishes in its state file.
credential() {
  "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c \
    'import json, sys; print(json.load(open(sys.argv[1]))["vendors"][sys.argv[2]]["credentials"][sys.argv[3]])' \
    "$(dirname "${JUNIT_OUTPUT_DIR}")/vendor-tokens-emulator/state.json" "$1" "$2"
}

# Palo Alto credentials from the environment only.
PALOALTO_CLIENT_ID="$(credential paloalto client_id)" \
PALOALTO_CLIENT_SECRET="$(credential paloalto client_secret)" \
PALOALTO_TSG_ID="$(credential paloalto tsg_id)" \
  ansible-playbook -i "${INVENTORY_PATH}" from_environment.yml "$@"

# Check Point credentials and the timeout from ansible.cfg.
cfg="${OUTPUT_DIR}/lookup-ansible.cfg"
trap 'rm -f "${cfg}"' EXIT
printf '[vendor_tokens]\ncheckpoint_api_key = %s\ntimeout = 7\n' "$(credential checkpoint api_key)" > "${cfg}"
ANSIBLE_CONFIG="${cfg}" ansible-playbook -i "${INVENTORY_PATH}" from_ini.yml "$@"
