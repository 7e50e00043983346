#!/usr/bin/env bash
# 50 processes at once: the same credential makes one auth request, 50 credentials make 50; the cache stays sound.
set -eu
export ANSIBLE_ROLES_PATH=..
export VENDOR_TOKENS_CACHE_DIR="${OUTPUT_DIR}/concurrency-cache"
inventory="${OUTPUT_DIR}/fifty.ini"
{
  echo '[fifty]'
  for n in $(seq -w 1 50); do echo "host${n} ansible_connection=local credential_index=${n}"; done
} > "${inventory}"

reports="$(dirname "${JUNIT_OUTPUT_DIR}")/vendor-tokens-reports"
mkdir -p "${reports}"
for distinct in false true; do
  rm -rf "${VENDOR_TOKENS_CACHE_DIR}"
  ansible-playbook -i "${inventory}" -i "${INVENTORY_PATH}" fifty.yml -f 50 -e distinct=${distinct} -e first_run=true "$@"
  ansible-playbook -i "${inventory}" -i "${INVENTORY_PATH}" fifty.yml -f 50 -e distinct=${distinct} -e first_run=false "$@"
  expected=$([ "${distinct}" = true ] && echo 50 || echo 1)
  entries=$(find "${VENDOR_TOKENS_CACHE_DIR}" -name '*.token' | wc -l)
  echo "distinct credentials: ${distinct}; cache entries: ${entries} (expected ${expected})" \
    | tee -a "${reports}/concurrency.txt"
  test "${entries}" -eq "${expected}"
  test -z "$(find "${VENDOR_TOKENS_CACHE_DIR}" -name '.*' -type f)"  # no temporary file left behind
done
