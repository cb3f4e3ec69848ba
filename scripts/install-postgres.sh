#!/usr/bin/env bash
# PostgreSQL server binaries for the service tests (tests/service/), from Debian's packages.
# Idempotent: with a server already installed (/usr/lib/postgresql/<version>/bin/postgres)
# it does not touch apt. The tests start their own throwaway server as an unprivileged
# user; this script starts nothing. Without root or sudo it says so and exits 0: the
# service tests then skip, naming the reason.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
  echo "PostgreSQL server: present ($(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' '))."
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "PostgreSQL server: missing, and no root or sudo to install it; service tests will skip."
    exit 0
  fi
  sudo="sudo"
fi
echo "Installing PostgreSQL from Debian's packages (server binaries only, no cluster started)."
# No cluster is created or started: the tests make their own in a temporary folder.
$sudo mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/scorecard-tests.conf >/dev/null
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends postgresql
