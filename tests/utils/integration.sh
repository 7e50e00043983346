#!/usr/bin/env bash
# Every integration target at -vvv into one log, then: the emulator stopped, the reports the targets write printed
# (the fault matrix, the concurrency counts), and on failure the log's end.
#   integration.sh BIN COLLECTION_DIR LOG EMULATOR EMULATOR_DIR REPORTS_DIR PYTHON_VERSION
set -u
bin="$1" collection="$2" log="$3" emulator="$4" emulator_dir="$5" reports="$6" python="$7"
rm -rf "${reports}" && mkdir -p "${reports}"
stop_emulator() { "${bin}/python" "${emulator}" --stop --state-dir "${emulator_dir}" >/dev/null 2>&1; }
# Interrupted (Ctrl-C, a CI timeout): the emulator runs in a session of its own, so stop it by its recorded pid.
trap 'stop_emulator; exit 130' INT TERM
echo "ansible-test integration -vvv (output in ${log})"
(cd "${collection}" && "${bin}/ansible-test" integration --venv --python "${python}" --requirements --color no -vvv) \
  > "${log}" 2>&1
status=$?
stop_emulator
grep -E '^(Running .* integration test|WARNING: Reviewing)' "${log}"
for report in "${reports}"/*.txt; do
  [ -f "${report}" ] && { echo "== $(basename "${report}" .txt)"; cat "${report}"; }
done
if [ "${status}" -ne 0 ]; then
  tail -n 200 "${log}"
  echo "integration failed"
fi
exit "${status}"
