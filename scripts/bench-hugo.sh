#!/usr/bin/env bash
# Compares a full "playbook build" with Hugo's on the same synthetic
# playbook (../shared/bench/gencorpus, see DESIGN.md "Performance targets").
#
#	scripts/bench-hugo.sh [PAGES]      # default 10000
#
# Environment: RUNS (timed runs per tool, default 5, after one warm-up run);
# TMPDIR (where the pages and both sites are written, default /tmp: point
# it at a tmpfs such as /dev/shm to leave a slow or shared disk out of the
# comparison).
#
# Both tools read the same generated folder: gencorpus -hugo writes the
# pages once, with playbook.yaml for the playbook and hugo.yaml + layouts/
# for Hugo. Every run writes into an empty destination, and Hugo gets an
# empty cache folder each run, so neither reuses the previous run's work;
# the disk is synced before each run (untimed).
# The playbook build also checks the site and writes its search index;
# Hugo renders the pages only. Wall time, user+sys CPU time and peak RSS
# come from /usr/bin/time -v and are reported as medians. When hyperfine
# is installed it times the same two commands as well.
#
# Exit status: 0 done, 1 a build failed, 2 a tool is missing.
set -euo pipefail

pages=${1:-10000}
runs=${RUNS:-5}
case $pages in '' | *[!0-9]*) echo "usage: $0 [PAGES]" >&2; exit 2 ;; esac
case $runs in '' | *[!0-9]* | 0) echo "RUNS must be a positive number" >&2; exit 2 ;; esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$repo/../shared/bench

if [[ ! -d $bench/gencorpus ]]; then
	echo "no corpus generator: $bench/gencorpus not found (check out shared/ beside the repository)" >&2
	exit 2
fi
if [[ ! -x /usr/bin/time ]]; then
	echo "/usr/bin/time is not installed: apt-get install -y time" >&2
	exit 2
fi
if ! command -v hugo >/dev/null; then
	echo "hugo is not installed: apt-get install -y hugo" >&2
	exit 2
fi
if ! command -v go >/dev/null; then
	echo "go is not installed" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-hugo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "building playbook" >&2
(cd "$repo" && go build -o "$tmp/playbook" ./cmd/playbook)
echo "generating $pages pages" >&2
(cd "$bench" && GOWORK=off go run ./gencorpus -n "$pages" -o "$tmp/site" -hugo)
sources=$(find "$tmp/site/content" -name '*.md' | wc -l)

# measure NAME CMD... runs CMD once with /usr/bin/time -v and appends
# "wall cpu rss_kib" to $tmp/NAME.runs. The destination and Hugo's cache
# folder are emptied first, and sync flushes what earlier runs wrote, so
# that no run pays for another's writeback. A failing build prints its output and stops the script.
measure() {
	local name=$1
	shift
	rm -rf "$tmp/out-$name" "$tmp/cache"
	mkdir "$tmp/cache"
	sync
	if ! /usr/bin/time -v -o "$tmp/time.txt" "$@" >"$tmp/log.txt" 2>&1; then
		echo "$name build failed: $*" >&2
		cat "$tmp/log.txt" >&2
		cat "$tmp/time.txt" >&2
		exit 1
	fi
	awk -F': ' '
		/Elapsed \(wall clock\) time/ {
			n = split($NF, t, ":"); wall = 0
			for (i = 1; i <= n; i++) wall = wall * 60 + t[i]
		}
		/User time \(seconds\)/ { user = $NF }
		/System time \(seconds\)/ { sys = $NF }
		/Maximum resident set size \(kbytes\)/ { rss = $NF }
		END { printf "%.2f %.2f %d\n", wall, user + sys, rss }
	' "$tmp/time.txt" >>"$tmp/$name.runs"
}

# median NAME COLUMN prints the median of a column of $tmp/NAME.runs.
median() {
	cut -d' ' -f"$2" "$tmp/$1.runs" | sort -g | awk '
		{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

playbook_cmd=("$tmp/playbook" build -s "$tmp/site" -d "$tmp/out-playbook")
hugo_cmd=(hugo --source "$tmp/site" --destination "$tmp/out-hugo" --cacheDir "$tmp/cache" --quiet)

for name in playbook hugo; do
	cmd_var="${name}_cmd[@]"
	echo "$name: 1 warm-up run, $runs timed runs" >&2
	measure "$name" "${!cmd_var}"
	: >"$tmp/$name.runs"
	for ((i = 1; i <= runs; i++)); do
		measure "$name" "${!cmd_var}"
	done
done

pb_out=$(find "$tmp/out-playbook" -type f | wc -l)
hugo_out=$(find "$tmp/out-hugo" -type f | wc -l)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

pw=$(median playbook 1) pc=$(median playbook 2) pr=$(median playbook 3)
hw=$(median hugo 1) hc=$(median hugo 2) hr=$(median hugo 3)

echo
echo "$sources markdown pages, median of $runs runs each, $(nproc) CPUs"
echo "playbook $("$tmp/playbook" version | sed 's/^playbook //') ($(go env GOVERSION)), $(hugo version | cut -d' ' -f1-2)"
echo "files written: playbook $pb_out, hugo $hugo_out"
echo
echo "| | playbook | hugo | playbook/hugo |"
echo "|---|---:|---:|---:|"
printf '| wall time (s) | %.2f | %.2f | %s |\n' "$pw" "$hw" "$(ratio "$pw" "$hw")"
printf '| CPU user+sys (s) | %.2f | %.2f | %s |\n' "$pc" "$hc" "$(ratio "$pc" "$hc")"
printf '| peak RSS (MiB) | %s | %s | %s |\n' "$(mib "$pr")" "$(mib "$hr")" "$(ratio "$pr" "$hr")"

if command -v hyperfine >/dev/null; then
	echo
	hyperfine --warmup 1 --runs "$runs" \
		--prepare "rm -rf '$tmp/out-playbook' '$tmp/out-hugo' '$tmp/cache' && mkdir '$tmp/cache' && sync" \
		-n playbook "$(printf '%q ' "${playbook_cmd[@]}")" \
		-n hugo "$(printf '%q ' "${hugo_cmd[@]}")"
fi
