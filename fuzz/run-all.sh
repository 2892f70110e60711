#!/usr/bin/env bash
# Runs every fuzz target in turn, one at a time, for SECONDS each (default 600).
#
#   fuzz/run-all.sh            # all targets, 10 minutes each
#   fuzz/run-all.sh 60 draw    # only `draw`, for a minute
#
# Needs `cargo install cargo-fuzz` and a nightly toolchain. New corpus entries go to
# fuzz/corpus/<target>/ (git-ignored); the committed seeds in fuzz/seeds/<target>/ are read but
# never written. Crashes land in fuzz/artifacts/<target>/; the log of each run is kept in
# fuzz/logs/<target>.log (git-ignored) and its last line is libFuzzer's final stats.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=(quote_chart feed article sanitize config draw)
fi

# Inputs past these sizes only slow the fuzzer down: article extraction is quadratic in
# nesting, and no seed is larger than 11 kB.
max_len() {
    case "$1" in
        article | feed) echo 65536 ;;
        *) echo 16384 ;;
    esac
}

# Seeds: the test fixtures and assets themselves (read, never written), plus the few inputs
# in fuzz/seeds/<target>/ that no fixture has.
seed_dirs() {
    case "$1" in
        quote_chart) echo tests/fixtures/yahoo tests/fixtures/coingecko ;;
        feed) echo tests/fixtures/feeds ;;
        article) echo tests/fixtures/articles ;;
        config) echo tests/fixtures/configs/invalid assets ;;
        draw) echo tests/fixtures/feeds assets ;;
    esac
    if [ -d "fuzz/seeds/$1" ]; then echo "fuzz/seeds/$1"; fi
}

mkdir -p fuzz/logs
status=0
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    echo "== $target: ${seconds}s"
    if cargo +nightly fuzz run "$target" "fuzz/corpus/$target" $(seed_dirs "$target") -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len="$(max_len "$target")" -print_final_stats=1 \
        >"fuzz/logs/$target.log" 2>&1; then
        grep -aE '^#[0-9]+[[:space:]]+DONE' "fuzz/logs/$target.log" | tail -1 || true
    else
        status=1
        echo "!! $target failed; see fuzz/logs/$target.log and fuzz/artifacts/$target/"
        grep -E -m 20 'panicked|ERROR|SUMMARY|Test unit written|Reproduce with|cargo fuzz run' \
            "fuzz/logs/$target.log" || true
    fi
    echo "   corpus: $(find "fuzz/corpus/$target" -type f | wc -l) files"
done
exit "$status"
