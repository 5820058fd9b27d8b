#!/usr/bin/env bash
# Kills "playbook build" with kill -9 at random moments and checks that the
# destination is always a whole site and that a reader never finds it
# missing (issue 11, "Must show" 4):
#
#	scripts/kill-build.sh [PAGES]      # default 10000
#
# Environment: BUILDS (builds in all, default 100), KILLS (how many of them
# are killed, default 20, spread evenly), BENCH_DIR (default /var/tmp, on
# the machine's disk) or TMPFS=1 (/dev/shm). PLAYBOOK=FILE tests that
# binary instead of one built from this checkout (e.g. an older one).
#
# Every build changes the site's title in playbook.yaml to "Run N", and the
# title is in every page (all but the redirect pages, which have no
# generator meta tag and are left out of this check), so a destination that mixed two builds, or lost
# pages, shows: after each build, killed or not, every index.html must
# carry one run's title, the same in all, that of the last build that
# finished or of the one killed, and the folder must have as many files as
# the first build wrote. A killed build is sent SIGKILL after a random
# time between 0 and the first build's duration. A poller reads
# DEST/index.html in a loop through all the builds and counts the reads
# that fail. At the end nothing may be beside the destination but its
# previous build (.DEST.previous).
#
# Exit status: 0 all held, 1 a check failed, 2 a tool is missing.
set -euo pipefail

pages=${1:-10000}
builds=${BUILDS:-100}
kills=${KILLS:-20}
case "$pages$builds$kills" in *[!0-9]*) echo "usage: $0 [PAGES]; BUILDS and KILLS are numbers" >&2; exit 2 ;; esac
((kills <= builds)) || { echo "KILLS must not be more than BUILDS" >&2; exit 2; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$repo/../shared/bench
[[ -d $bench/gencorpus ]] || { echo "no corpus generator: $bench/gencorpus not found" >&2; exit 2; }
command -v go >/dev/null || { echo "go is not installed" >&2; exit 2; }

root=${BENCH_DIR:-/var/tmp}
[[ ${TMPFS:-0} == 1 ]] && root=/dev/shm
tmp=$(mktemp -d "$root/kill-build.XXXXXX")
poller=
cleanup() {
	[[ -n $poller ]] && kill "$poller" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

if [[ -n ${PLAYBOOK:-} ]]; then
	cp "$PLAYBOOK" "$tmp/playbook"
else
	(cd "$repo" && go build -o "$tmp/playbook" ./cmd/playbook)
fi
echo "generating $pages pages in $tmp" >&2
(cd "$bench" && GOWORK=off go run ./gencorpus -n "$pages" -o "$tmp/site") >&2
site=$tmp/site
mkdir "$tmp/out"
dest=$tmp/out/public

title() { sed -i "s/^title: .*/title: Run $1/" "$site/playbook.yaml"; }

# whole N M: the destination is run N or run M, whole.
files=0
whole() {
	local index run
	index=$(<"$dest/index.html")
	run=$(sed -n 's/.*<title>.* · Run \([0-9]*\)<\/title>.*/\1/p; s/.*<title>Run \([0-9]*\)<\/title>.*/\1/p' <<<"$index" | head -1)
	if [[ $run != "$1" && $run != "$2" ]]; then
		echo "index.html is run '${run}', want run $1 or $2" >&2
		return 1
	fi
	local other
	other=$(grep -rl --include=index.html -e 'name="generator"' "$dest" | xargs grep -L -e "Run $run</title>" | head -3 || true)
	if [[ -n $other ]]; then
		echo "pages not of run $run: $other" >&2
		return 1
	fi
	local n
	n=$(find "$dest" -type f | wc -l)
	if ((files != 0 && n != files)); then
		echo "the destination has $n files, the first build wrote $files" >&2
		return 1
	fi
	echo "$run"
}

title 0
start=$(date +%s%N)
"$tmp/playbook" build -s "$site" -d "$dest" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
full_ms=$((($(date +%s%N) - start) / 1000000))
files=$(find "$dest" -type f | wc -l)
whole 0 0 >/dev/null
echo "first build: ${full_ms} ms, $files files" >&2

# The poller: bash's own read, no process per read.
: >"$tmp/reads"
(
	reads=0 misses=0
	trap 'echo "$reads $misses" >"$tmp/reads"; exit 0' TERM
	while :; do
		if { read -r _ <"$dest/index.html"; } 2>/dev/null; then :; else misses=$((misses + 1)); fi
		reads=$((reads + 1))
	done
) &
poller=$!

last=0 killed=0 tried=0 failed=0
every=$((kills > 0 ? builds / kills : builds + 1))
for ((i = 1; i <= builds; i++)); do
	title "$i"
	if ((kills > 0 && i % every == 0 && tried < kills)); then
		tried=$((tried + 1))
		"$tmp/playbook" build -s "$site" -d "$dest" 2>"$tmp/log" &
		pid=$!
		sleep "$(awk -v ms="$full_ms" -v r="$RANDOM" 'BEGIN { printf "%.3f", ms * r / 32768 / 1000 }')"
		kill -9 "$pid" 2>/dev/null || true
		if { wait "$pid"; } 2>/dev/null; then
			last=$i # it finished before the kill
		else
			killed=$((killed + 1))
		fi
		if ! run=$(whole "$last" "$i"); then
			echo "after killed build $i: the destination is not a whole site" >&2
			failed=1
			break
		fi
		last=$run
		printf 'build %d killed: the destination is run %s\n' "$i" "$run" >&2
	else
		if ! "$tmp/playbook" build -s "$site" -d "$dest" 2>"$tmp/log"; then
			cat "$tmp/log" >&2
			failed=1
			break
		fi
		last=$i
		if ((i % 10 == 0)); then
			whole "$i" "$i" >/dev/null || { echo "after build $i: not a whole site" >&2; failed=1; break; }
			echo "build $i: $(tail -1 "$tmp/log")" >&2
		fi
	fi
done
kill -TERM "$poller"
wait "$poller" || true
poller=
read -r reads misses <"$tmp/reads"

# One more build that finishes, then nothing may be left beside dest but
# its previous build.
title final
"$tmp/playbook" build -s "$site" -d "$dest" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
beside=$(ls -A "$tmp/out" | grep -v -x -e public -e .public.previous || true)

echo
echo "$pages pages, $((i - 1 < builds ? i : builds)) builds, $killed killed with kill -9 before they finished ($tried tried)"
echo "poller: $reads reads of index.html, $misses failed"
echo "beside the destination after the last build: ${beside:-nothing but .public.previous}"
if ((failed || misses > 0)) || [[ -n $beside ]]; then
	echo "FAILED"
	exit 1
fi
echo "all held"
