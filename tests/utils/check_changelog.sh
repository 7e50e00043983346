#!/usr/bin/env bash
# antsibull-changelog lint, then a release of the current version in a scratch copy: CHANGELOG.md must name it
# and every plugin, module and role of the collection.
set -euo pipefail
collection="$(cd "$1" && pwd)"
bin="$(cd "$(dirname "$0")/../.." && pwd)/.venv/bin"
# antsibull-changelog asks ansible-doc about the plugins, which finds this collection through its layout.
export PATH="${bin}:${PATH}" ANSIBLE_COLLECTIONS_PATH="${collection%/ansible_collections/*}"
cd "${collection}"
"${bin}/antsibull-changelog" lint
scratch="$(mktemp -d)"
trap 'rm -rf "${scratch}"' EXIT
cp -r . "${scratch}/tokens"
version="$(sed -n 's/^version: *//p' galaxy.yml)"
(cd "${scratch}/tokens" && "${bin}/antsibull-changelog" release --version "${version}" --date "$(date +%F)" >/dev/null)
changelog="${scratch}/tokens/CHANGELOG.md"
# The Markdown escapes dots and underscores.
for name in "v${version//./\\.}" 'sase\_token' 'casb\_token' 'plainid\_token' 'keepz\_token' 'vendor\.tokens\.token ' \
            'vendor\.tokens\.vendor ' 'login role' 'api role'; do
  grep -qF "${name}" "${changelog}" || { echo "CHANGELOG.md for ${version} does not mention ${name}" >&2; exit 1; }
done
echo "antsibull-changelog: lint clean, release ${version} generates CHANGELOG.md ($(wc -l < "${changelog}") lines)"
