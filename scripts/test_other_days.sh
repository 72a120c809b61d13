#!/usr/bin/env bash
# Run the tests that read dates with the machine's clock set to other days, across Jalali
# year boundaries, to prove that neither the sample nor any test depends on the day it runs.
# The suite pins the app's "today" (tests/conftest.py); this moves the real clock under it
# (libfaketime, Debian's `faketime`), starting 30 minutes before midnight Tehran time on the
# last day of a year, so the run crosses Nowruz.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "needs Debian's faketime: apt-get install -y faketime" >&2; exit 2; }
DAYS=${DAYS:-"2027-03-20 20:00:00|2025-03-20 20:00:00|2026-12-07 08:00:00"}
SLICE=(
  tests/data_layer/test_jalali.py tests/data_layer/test_rules.py
  tests/data_layer/test_overview_queries.py tests/data_layer/test_coverage_queries.py
  tests/data_layer/test_seed.py tests/data_layer/test_figures_unchanged.py
  tests/data_layer/test_carry_over.py tests/data_layer/test_documents.py
  tests/data_layer/test_auth.py tests/pages/test_overview_and_projector.py
  tests/pages/test_my_agency_page.py tests/pages/test_letters_page.py
  "tests/browser/test_services_and_meetings_journeys.py::test_agency_records_a_delivery_and_the_coverage_matrix_changes"
)
IFS='|' read -r -a days <<< "$DAYS"
for when in "${days[@]}"; do
  echo "== the clock starts at $when UTC"
  faketime -f "@$when" .venv/bin/python -m pytest -q "${SLICE[@]}" "$@"
done
