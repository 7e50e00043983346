#!/usr/bin/env bash
# Units and integration on another ansible-core and Python:
#   matrix.sh CORE_VERSION PYTHON_VERSION COLLECTION_DIR [INTEGRATION_TARGET ...]
set -euo pipefail
core="$1" python="$2" collection="$(cd "$3" && pwd)"
shift 3
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${root}/.venv-core-${core}"

# pyenv shims only answer for the selected versions; look in pyenv's folders too.
interpreter=""
for candidate in "$(command -v "python${python}" || true)" "${PYENV_ROOT:-${HOME}/.pyenv}"/versions/"${python}"*/bin/"python${python}"; do
  if [ -n "${candidate}" ] && "${candidate}" -c 'pass' 2>/dev/null; then interpreter="${candidate}"; break; fi
done
[ -n "${interpreter}" ] || { echo "Python ${python} is not installed" >&2; exit 1; }

if [ ! -f "${venv}/.installed-${core}" ]; then
  rm -rf "${venv}"
  "${interpreter}" -m venv "${venv}"
  "${venv}/bin/pip" install --quiet --disable-pip-version-check "ansible-core==${core}"
  "${venv}/bin/python" "${root}/tests/utils/install_get_pip.py"
  touch "${venv}/.installed-${core}"
fi

# ansible-test finds "python${python}" on PATH.
export PATH="$(dirname "${interpreter}"):${PATH}"
cd "${collection}"
echo "== ansible-core ${core}, Python ${python}: units"
"${venv}/bin/ansible-test" units --venv --python "${python}" --requirements --color no
echo "== ansible-core ${core}, Python ${python}: integration"
"${venv}/bin/ansible-test" integration --venv --python "${python}" --requirements --color no "$@"
