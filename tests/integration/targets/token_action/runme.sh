#!/usr/bin/env bash
# The token modules run on the controller: hosts that cannot be reached or have no usable Python still get tokens.
set -eu  # no -x: the leak check searches the output for the credentials used here
export ANSIBLE_ROLES_PATH=..
export VENDOR_TOKENS_CACHE_DIR="${OUTPUT_DIR}/token-action-cache"
rm -rf "${VENDOR_TOKENS_CACHE_DIR}"

# A Python without requests or jmespath, for a host whose interpreter could never run the module.
bare="${OUTPUT_DIR}/bare-python"
[ -x "${bare}/bin/python" ] || python -m venv --without-pip "${bare}"
closed_port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

inventory="${OUTPUT_DIR}/token-action"
mkdir -p "${inventory}/group_vars"
cat > "${inventory}/hosts.ini" <<INI
localhost ansible_port=${closed_port}
[down]
ssh-down ansible_host=127.0.0.1 ansible_port=${closed_port} ansible_user=nobody ansible_ssh_timeout=2
[bare]
no-requests ansible_connection=local ansible_python_interpreter=${bare}/bin/python
no-python ansible_connection=local ansible_python_interpreter=/nonexistent/bin/python3
[tsg_a]
tenant-a1 ansible_connection=local
tenant-a2 ansible_connection=local
[tsg_b]
tenant-b1 ansible_connection=local
INI
echo 'token_action_tsg: "1111111111"' > "${inventory}/group_vars/tsg_a.yml"
echo 'token_action_tsg: "2222222222"' > "${inventory}/group_vars/tsg_b.yml"

ansible-playbook -i "${inventory}/hosts.ini" -i "${INVENTORY_PATH}" -f 15 any_host.yml -e first_run=true "$@"
ansible-playbook -i "${inventory}/hosts.ini" -i "${INVENTORY_PATH}" -f 15 any_host.yml -e first_run=false "$@"
ansible-playbook -i "${INVENTORY_PATH}" options.yml "$@"
