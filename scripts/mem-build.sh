#!/usr/bin/env bash
# Measures the memory of "playbook build" on synthetic playbooks of
# several sizes (../shared/bench/gencorpus), for issue 11's "memory that
# does not grow with the rendered HTML" and its 100,000-page figure:
#
#	scripts/mem-build.sh                    # 1,000 and 10,000 pages
#	scripts/mem-build.sh 10000 100000
#	BASELINE=/tmp/playbook-before scripts/mem-build.sh 10000   # before/after
#
# For each size and each binary (playbook built from this checkout, and
# BASELINE when set, interleaved: size by size, run by run), it runs one
# build like CI's (empty destination, empty cache) under /usr/bin/time -v
# with GODEBUG=gctrace=1, and prints as markdown: wall, user and system
# seconds, peak RSS, the largest heap the garbage collector saw (the "B" of
# its "A->B->C MB") and the largest live heap it left ("C"), the number of
# collections, then the growth of peak RSS per page between two sizes.
# With CHECK=1 and BASELINE, it also compares the two sites with diff -r.
#
# Environment: RUNS (builds of each binary at each size, default 1; the
# table gives medians), BENCH_DIR (default /var/tmp, the machine's disk;
# the pages and sites go there and are removed at the end: about 1 GB a
# build at 10,000 pages, 4 GB at 100,000). Needs go,
# /usr/bin/time and shared/ beside the repository. The figures are only
# as good as the load average it prints before and after.
#
# Exit status: 0 done, 1 a build failed or the sites differ, 2 a tool is
# missing.
set -euo pipefail

runs=${RUNS:-1}
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000)
for n in "${sizes[@]}"; do
	case $n in '' | *[!0-9]*) echo "usage: $0 [PAGES]..." >&2; exit 2 ;; esac
done
case $runs in '' | *[!0-9]* | 0) echo "RUNS must be a positive number" >&2; exit 2 ;; esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$repo/../shared/bench
[[ -d $bench/gencorpus ]] || { echo "no corpus generator: $bench/gencorpus not found" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is not installed: apt-get install -y time" >&2; exit 2; }
command -v go >/dev/null || { echo "go is not installed" >&2; exit 2; }
if [[ -n ${BASELINE:-} && ! -x $BASELINE ]]; then echo "BASELINE=$BASELINE is not an executable" >&2; exit 2; fi

tmp=$(mktemp -d "${BENCH_DIR:-/var/tmp}/mem-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "working in $tmp ($(df -T "$tmp" | awk 'NR == 2 { print $2 }'))" >&2
(cd "$repo" && go build -o "$tmp/playbook" ./cmd/playbook)
tools=(playbook)
[[ -n ${BASELINE:-} ]] && { cp "$BASELINE" "$tmp/baseline"; tools+=(baseline); }

# aside PATH... moves what of PATH exists into $tmp/trash, which goes
# at the end, rather than remove it between builds: ext4 without a
# journal (as this machine's disk) passes over every inode freed in the
# last minute before it reuses one (recently_deleted in
# fs/ext4/ialloc.c), so a build made just after a site was removed
# spends seconds more of system time, and a 10,000-page build, which
# lasts less than that minute, more in proportion than a 100,000-page
# one. The trash needs room for every build's site.
aside() {
	mkdir -p "$tmp/trash"
	local to p
	to=$(mktemp -d "$tmp/trash/XXXXXX")
	for p in "$@"; do
		if [[ -e $p ]]; then mv "$p" "$to/"; fi
	done
}

# measure TOOL N: one build of N pages; appends
# "wall user sys rss_kib heap_mb live_mb gcs" to $tmp/TOOL-N.runs.
measure() {
	local t=$1 n=$2 out=$tmp/out-$1-$2
	aside "$out" "$(dirname "$out")/.$(basename "$out")".*
	sync
	if ! GODEBUG=gctrace=1 XDG_CACHE_HOME=$tmp/cache-$t /usr/bin/time -v -o "$tmp/time.txt" \
		"$tmp/$t" build -s "$tmp/site-$n" -d "$out" >"$tmp/log.txt" 2>&1; then
		echo "$t, $n pages: build failed" >&2
		grep -v '^gc ' "$tmp/log.txt" | tail -20 >&2
		exit 1
	fi
	rm -rf "$tmp/cache-$t"
	local gc
	gc=$(awk '/^gc [0-9]+ @/ {
			for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+->[0-9]+->[0-9]+$/) {
				split($i, h, "->"); if (h[2] > heap) heap = h[2]; if (h[3] > live) live = h[3]; n++
			}
		}
		END { printf "%d %d %d", heap, live, n }' "$tmp/log.txt")
	awk -F': ' -v gc="$gc" '
		/Elapsed \(wall clock\) time/ {
			k = split($NF, t, ":"); wall = 0
			for (i = 1; i <= k; i++) wall = wall * 60 + t[i]
		}
		/User time \(seconds\)/ { user = $NF }
		/System time \(seconds\)/ { sys = $NF }
		/Maximum resident set size \(kbytes\)/ { rss = $NF }
		END { printf "%.2f %.2f %.2f %d %s\n", wall, user, sys, rss, gc }
	' "$tmp/time.txt" >>"$tmp/$t-$n.runs"
}

median() {
	cut -d' ' -f"$2" "$tmp/$1.runs" | sort -g | awk '
		{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "$(nproc) CPUs; $(go env GOVERSION); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
	echo "generating $n pages" >&2
	(cd "$bench" && GOWORK=off go run ./gencorpus -n "$n" -o "$tmp/site-$n") >&2
	for ((i = 1; i <= runs; i++)); do
		for t in "${tools[@]}"; do
			echo "$n pages: run $i, $t (load $(cut -d' ' -f1 /proc/loadavg))" >&2
			measure "$t" "$n"
		done
	done
	if [[ ${CHECK:-0} == 1 && -n ${BASELINE:-} ]]; then
		diff -r "$tmp/out-baseline-$n" "$tmp/out-playbook-$n" >/dev/null || { echo "$n pages: the sites differ" >&2; exit 1; }
		echo "$n pages: the two sites are the same, byte for byte"
	fi
	for t in "${tools[@]}"; do aside "$tmp/out-$t-$n" "$tmp/.out-$t-$n".*; done
	aside "$tmp/site-$n"
done

echo
echo "| binary | pages | wall (s) | user (s) | system (s) | peak RSS (MiB) | largest heap (MB) | largest live heap (MB) | collections |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for t in "${tools[@]}"; do
	for n in "${sizes[@]}"; do
		printf '| %s | %d | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f |\n' "$t" "$n" "$(median "$t-$n" 1)" "$(median "$t-$n" 2)" \
			"$(median "$t-$n" 3)" "$(awk -v k="$(median "$t-$n" 4)" 'BEGIN { print k / 1024 }')" "$(median "$t-$n" 5)" \
			"$(median "$t-$n" 6)" "$(median "$t-$n" 7)"
	done
done
if [[ ${#sizes[@]} -gt 1 ]]; then
	echo
	for t in "${tools[@]}"; do
		for ((i = 1; i < ${#sizes[@]}; i++)); do
			a=${sizes[i - 1]} b=${sizes[i]}
			awk -v t="$t" -v a="$a" -v b="$b" -v ra="$(median "$t-$a" 4)" -v rb="$(median "$t-$b" 4)" \
				-v wa="$(median "$t-$a" 1)" -v wb="$(median "$t-$b" 1)" 'BEGIN {
				printf "%s: %d -> %d pages: peak RSS grows %.1f KiB a page; wall x %.2f\n", t, a, b, (rb - ra) / (b - a), (wa > 0 ? wb / wa : 0)
			}'
		done
	done
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
