#!/usr/bin/env bash
# Install the Debian packages the tests and benchmarks need, when any is missing.
#
# Idempotent and fast when everything is installed (one dpkg-query, no apt-get). The
# harnesses start private servers (oneview_openstack/testing/mariadb.py): nothing here
# starts, enables or depends on the distribution's own services.
# Usage: tools/system-packages.sh          (as root, or with passwordless sudo)
set -euo pipefail

# MariaDB: a real database for Ironic and Neutron under concurrent writers (sqlite refuses them).
# Redis: the coordination backend (tooz) of ironic-oneviewd (oneview_openstack/testing/redis.py).
# RabbitMQ: the message bus between Nova's services (oneview_openstack/testing/rabbitmq.py).
# curl, jq: the API examples of doc/ironic-driver.md, which a test runs as a shell does.
PACKAGES=(mariadb-server mariadb-client redis-server rabbitmq-server curl jq)

missing=()
for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $EUID -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "$0: missing Debian packages: ${missing[*]}; run this script as root" >&2
    exit 1
fi

echo "$0: installing ${missing[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_get=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
    -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
if ! { "${apt_get[@]}" update && "${apt_get[@]}" install --no-install-recommends "${missing[@]}"; } \
    >"$log" 2>&1; then
    cat "$log" >&2
    echo "$0: could not install ${missing[*]}" >&2
    exit 1
fi
