#!/usr/bin/env bash
# ansible-builder: the collection's meta/execution-environment.yml must bring its Python and system requirements
# into an execution environment, and `ansible-builder create` must produce a build context (no container engine).
set -euo pipefail
tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
bin="$(cd "$(dirname "$0")/../.." && pwd)/.venv/bin"
scratch="$(mktemp -d)"
trap 'rm -rf "${scratch}"' EXIT

# Its own collections path and --force: a vendor.tokens already installed elsewhere must not satisfy the install.
ANSIBLE_COLLECTIONS_PATH="${scratch}/collections" \
  "${bin}/ansible-galaxy" collection install --force -p "${scratch}/collections" "${tarball}" >/dev/null 2>&1
"${bin}/ansible-builder" introspect --sanitize "${scratch}/collections" > "${scratch}/introspect.txt"
for requirement in requests jmespath cryptography redis "python3 \[platform:rpm\]"; do
  grep -q "${requirement}" "${scratch}/introspect.txt" || {
    cat "${scratch}/introspect.txt" >&2; echo "ansible-builder introspect does not see ${requirement}" >&2; exit 1; }
done

cat > "${scratch}/execution-environment.yml" <<EE
---
version: 3
images:
  base_image:
    name: quay.io/ansible/awx-ee:latest
dependencies:
  galaxy:
    collections:
      - name: ${tarball}
        type: file
EE
"${bin}/ansible-builder" create -f "${scratch}/execution-environment.yml" -c "${scratch}/context" >/dev/null
test -s "${scratch}/context/Containerfile" -o -s "${scratch}/context/Dockerfile"
test -s "${scratch}/context/_build/requirements.yml"
echo "ansible-builder: introspect finds requests, jmespath, cryptography, redis and python3; create wrote a build context"
