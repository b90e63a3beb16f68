#!/usr/bin/env bash
# pg-ctl.sh -- stops or starts the test database under the running service, for the
# database-restart test (IDEKOM_PG_CTL). Uses IDEKOM_PG_DIR and IDEKOM_PG_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
exec deploy/pg-local.sh "${IDEKOM_PG_DIR:?}" "${IDEKOM_PG_PORT:?}" "${1:?stop or start}"
