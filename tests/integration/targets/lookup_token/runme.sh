#!/usr/bin/env bash
# The lookup, with credentials from keywords, variables, environment variables and ansible.cfg.
set -eu  # no -x: the leak check searches the output for the credentials set here
export ANSIBLE_ROLES_PATH=..
export VENDOR_TOKENS_CACHE_DIR="${OUTPUT_DIR}/lookup-cache"

ansible-playbook -i "${INVENTORY_PATH}" lookup.yml "$@"

# Palo Alto credentials from the environment only.
PALOALTO_CLIENT_ID=emulator-sa@1838006364.iam.panserviceaccount.com \
PALOALTO_CLIENT_SECRET=emulator-pa-secret \
PALOALTO_TSG_ID=1838006364 \
  ansible-playbook -i "${INVENTORY_PATH}" from_environment.yml "$@"

# Check Point credentials and the timeout from ansible.cfg.
cfg="${OUTPUT_DIR}/lookup-ansible.cfg"
trap 'rm -f "${cfg}"' EXIT
printf '[vendor_tokens]\ncheckpoint_api_key = emulator-cp-api-key\ntimeout = 7\n' > "${cfg}"
ANSIBLE_CONFIG="${cfg}" ansible-playbook -i "${INVENTORY_PATH}" from_ini.yml "$@"
