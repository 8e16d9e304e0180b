#!/usr/bin/env bash
# Runs the whole suite with the product clock pinned at awkward instants (Beijing time) and the
# machine in other time zones, on both engines: no test may depend on the hour, the day, the
# time zone or the turn of a month or year. Usage:
#   bash tests/clock-sweep.sh                 # every instant, both engines
#   ENGINES=pglite bash tests/clock-sweep.sh  # one engine (pglite | postgres)
#   INSTANTS=2026-11-30T05:00:00+08:00 TZ_SWEEP=UTC HOLIDAYS_SWEEP= bash tests/clock-sweep.sh
#   PROJECTS='unit integration' bash tests/clock-sweep.sh   # without the e2e project
# Prints one line per run: instant, TZ, engine, the test counts; exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
PG_URL="${CI_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
ENGINES="${ENGINES:-pglite postgres}"
# instant|TZ of the machine|holidays configured (YITU_HOLIDAYS)
DEFAULT_RUNS="
2026-11-30T05:00:00+08:00|UTC|
2026-12-05T12:00:00+08:00|America/Los_Angeles|
2027-01-01T10:00:00+08:00|UTC|2027-01-01
2026-11-30T23:59:30+08:00|America/Los_Angeles|
2026-12-31T23:59:59+08:00|UTC|
"
if [ -n "${INSTANTS:-}" ]; then
  RUNS=$(for i in $INSTANTS; do echo "$i|${TZ_SWEEP:-UTC}|${HOLIDAYS_SWEEP:-}"; done)
else
  RUNS="$DEFAULT_RUNS"
fi
logs=$(mktemp -d)
summary=()
failed=0
for run in $RUNS; do
  IFS='|' read -r instant tz holidays <<<"$run"
  for engine in $ENGINES; do
    log="$logs/$(echo "$instant-$tz-$engine" | tr -c 'A-Za-z0-9\n-' _).log"
    if [ "$engine" = postgres ]; then db=(env DATABASE_URL="$PG_URL"); else db=(env -u DATABASE_URL); fi
    started=$(date +%s)
    projects=()
    for p in ${PROJECTS:-}; do projects+=(--project "$p"); done
    "${db[@]}" TZ="$tz" YITU_TEST_NOW="$instant" YITU_HOLIDAYS="$holidays" \
      pnpm test "${projects[@]}" >"$log" 2>&1
    rc=$?
    counts=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ +Tests ' | tail -1 | sed 's/^ *//')
    line="$instant TZ=$tz holidays=${holidays:-none} $engine ${PROJECTS:-all projects}: ${counts:-no count} ($(($(date +%s) - started)) s)"
    [ "$rc" = 0 ] || { line="$line FAILED, log: $log"; failed=1; }
    echo "$line"
    summary+=("$line")
  done
done
printf '\n=== clock sweep ===\n'
printf '%s\n' "${summary[@]}"
exit "$failed"
