#!/usr/bin/env bash
# Compares the site's search with Pagefind 1.x on the same synthetic
# playbook (../shared/bench/gencorpus, see DESIGN.md "Performance targets"
# and "Search"):
#
#	scripts/bench-search.sh [PAGES]      # default 10000
#
# It builds the playbook binary, generates the pages, runs "playbook build"
# and Pagefind ("pagefind --site", on a copy of the same built site), and
# prints:
#
#   - index build time: the search export's share of "playbook build"
#     (BenchmarkExport10000, the export alone from the checked pages) beside
#     Pagefind's indexing, both wall time, with peak RSS from /usr/bin/time
#     -v for the whole build and for Pagefind;
#   - the bytes a browser downloads for its first query, per query, measured
#     in Chromium with the sites served gzipped (TestFirstQueryBytes in
#     search/, which says exactly what is counted);
#   - the median time of "playbook search" on the cached index
#     (BenchmarkSearch10000).
#
# Environment: QUERIES ("|"-separated; default: an exact alert name of the
# corpus, a common word, the same word misspelt, a partial word, two words), PAGEFIND (a pagefind
# binary to use instead of installing pagefind@1 from npm into the temporary
# folder), CHROMIUM (default /usr/bin/chromium), TMPDIR.
#
# Exit status: 0 done, 1 a step failed, 2 a tool is missing.
set -euo pipefail

pages=${1:-10000}
case $pages in '' | *[!0-9]*) echo "usage: $0 [PAGES]" >&2; exit 2 ;; esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$repo/../shared/bench

if [[ ! -d $bench/gencorpus ]]; then
	echo "no corpus generator: $bench/gencorpus not found (check out shared/ beside the repository)" >&2
	exit 2
fi
for tool in go /usr/bin/time; do
	if ! command -v "$tool" >/dev/null; then
		echo "$tool is not installed (Debian: apt-get install -y time)" >&2
		exit 2
	fi
done
if [[ -z ${PAGEFIND:-} ]] && ! command -v npm >/dev/null; then
	echo "npm is not installed, and PAGEFIND names no pagefind binary" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-search.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "building playbook" >&2
(cd "$repo" && go build -o "$tmp/playbook" ./cmd/playbook)
echo "generating $pages pages" >&2
(cd "$bench" && GOWORK=off go run ./gencorpus -n "$pages" -o "$tmp/site")

pagefind=${PAGEFIND:-}
if [[ -z $pagefind ]]; then
	echo "installing pagefind@1 into $tmp/pf" >&2
	npm install --silent --no-audit --no-fund --prefix "$tmp/pf" pagefind@1 >&2
	pagefind=$tmp/pf/node_modules/.bin/pagefind
fi
pfversion=$("$pagefind" --version 2>/dev/null || echo "pagefind ?")

# timed NAME CMD... runs CMD under /usr/bin/time -v and prints
# "wall_seconds peak_rss_kib".
timed() {
	local name=$1
	shift
	if ! /usr/bin/time -v -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>&1; then
		echo "$name failed:" >&2
		cat "$tmp/$name.out" >&2
		exit 1
	fi
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
		/Maximum resident set size/ { rss = $2 }
		END { printf "%.2f %d\n", wall, rss }' "$tmp/$name.time"
}

sync
echo "playbook build" >&2
read -r build_wall build_rss < <(timed build "$tmp/playbook" build -s "$tmp/site" -d "$tmp/public")
cp -a "$tmp/public" "$tmp/public-pf"
sync
echo "pagefind --site" >&2
read -r pf_wall pf_rss < <(timed pagefind "$pagefind" --site "$tmp/public-pf")

export_bytes=$(du -sb "$tmp/public/search" | cut -f1)
export_files=$(find "$tmp/public/search" -type f | wc -l)
pf_bytes=$(du -sb "$tmp/public-pf/pagefind" | cut -f1)
pf_files=$(find "$tmp/public-pf/pagefind" -type f | wc -l)

echo "timing the export alone and playbook search" >&2
bench_out=$(cd "$repo" && go test -run '^$' -bench 'Export10000|Search10000' -benchtime 20x -count 5 ./search/)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
export_ms=$(awk '/^BenchmarkExport10000/ { print $3 / 1e6 }' <<<"$bench_out" | median)
search_ms=$(awk '/^BenchmarkSearch10000/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "median-ms") print $i }' <<<"$bench_out" | median)

alert=$(find "$tmp/site/content/alerts" -name '*.md' | sort | sed -n 1p)
alert=$(basename "$alert" .md)
queries=${QUERIES:-$alert|rollback|rolback|escal|incident commander}

echo "measuring the first query in Chromium" >&2
if ! (cd "$repo" && SEARCH_BYTES_SITE="$tmp/public" SEARCH_BYTES_PAGEFIND="$tmp/public-pf" SEARCH_BYTES_QUERIES="$queries" \
	go test -count=1 -v -run '^TestFirstQueryBytes$' ./search/) >"$tmp/bytes.out" 2>&1; then
	echo "measuring the first query failed:" >&2
	cat "$tmp/bytes.out" >&2
	exit 1
fi
table=$(grep '^|' "$tmp/bytes.out")

cat <<EOF
## Search on $pages pages: playbook and $pfversion

Index build (wall time; peak RSS of the whole process):

| | time | peak RSS | output |
|---|---|---|---|
| playbook build, everything | ${build_wall} s | $((build_rss / 1024)) MiB | |
| of which the search export (median of 5) | ${export_ms} ms | | $export_files files, $export_bytes B |
| pagefind --site | ${pf_wall} s | $((pf_rss / 1024)) MiB | $pf_files files, $pf_bytes B |

First query in the browser: bytes of the gzipped response bodies (see TestFirstQueryBytes
in search/ for what is counted):

$table

playbook search on the cached index: median ${search_ms} ms (BenchmarkSearch10000, median of 5 runs' medians).
EOF
