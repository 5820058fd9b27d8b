#!/usr/bin/env bash
# Times "playbook build" beside Hugo + Pagefind on the same synthetic
# playbook (../shared/bench/gencorpus), as DESIGN.md "Performance targets"
# and issue 11 ask:
#
#	scripts/bench-build.sh [SCENARIO...]     # default: ci edit
#
# Scenarios:
#   ci    PAGES pages (default 10000) like a CI run: empty destination, no
#         previous build beside it, empty caches (playbook's user cache and
#         Hugo's cacheDir), for each tool.
#   edit  PAGES pages, one page edited before each run, rebuilt into the
#         previous destination with the caches of the earlier runs kept.
#         This is also "repeated builds into the same destination".
#   big   BIG pages (default 100000) like ci, playbook only: wall time and
#         peak RSS, and the ratio to the ci scenario's wall time when ci ran
#         too. HUGO_BIG=1 adds Hugo and Pagefind (about 10 GB each).
#
# Environment: RUNS (timed runs of each tool, default 3, after one untimed
# warm-up run each), interleaved: run i of every tool comes before run i+1
# of any. BENCH_DIR (where the pages, sites and caches go; default
# /var/tmp, on the machine's disk; room for every run's site, about 1 GB
# a run at 10,000 pages, removed at the end) or TMPFS=1 (use /dev/shm).
# BASELINE=FILE times another playbook binary as a third tool (e.g. one
# built from an older commit) for before/after figures. PAGEFIND (default
# /tmp/pagefind/node_modules/.bin/pagefind, else pagefind on PATH).
# HYPERFINE=0 skips the hyperfine runs done when hyperfine is installed.
#
# Each run is timed by /usr/bin/time -v: wall, system and user+system CPU
# seconds and peak RSS, reported as medians. Hugo + Pagefind is one
# command, "hugo ... && pagefind --site ...", timed as a whole (peak RSS is
# the larger of the two). The disk is synced before each run, untimed.
#
# Exit status: 0 done, 1 a build failed, 2 a tool is missing.
set -euo pipefail

runs=${RUNS:-3}
pages=${PAGES:-10000}
big=${BIG:-100000}
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(ci edit)
for s in "${scenarios[@]}"; do
	case $s in ci | edit | big) ;; *) echo "usage: $0 [ci|edit|big]..." >&2; exit 2 ;; esac
done
case $runs in '' | *[!0-9]* | 0) echo "RUNS must be a positive number" >&2; exit 2 ;; esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$repo/../shared/bench
pagefind=${PAGEFIND:-/tmp/pagefind/node_modules/.bin/pagefind}
[[ -x $pagefind ]] || pagefind=$(command -v pagefind || true)

missing() { echo "$1" >&2; exit 2; }
[[ -d $bench/gencorpus ]] || missing "no corpus generator: $bench/gencorpus not found (check out shared/ beside the repository)"
[[ -x /usr/bin/time ]] || missing "/usr/bin/time is not installed: apt-get install -y time"
command -v hugo >/dev/null || missing "hugo is not installed: apt-get install -y hugo"
[[ -n $pagefind && -x $pagefind ]] || missing "pagefind not found: npm install --prefix /tmp/pagefind pagefind@1.6, or set PAGEFIND"
command -v go >/dev/null || missing "go is not installed"
if [[ -n ${BASELINE:-} && ! -x $BASELINE ]]; then missing "BASELINE=$BASELINE is not an executable"; fi

root=${BENCH_DIR:-/var/tmp}
[[ ${TMPFS:-0} == 1 ]] && root=/dev/shm
tmp=$(mktemp -d "$root/bench-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "working in $tmp ($(df -T "$tmp" | awk 'NR == 2 { print $2 }'))" >&2

echo "building playbook" >&2
(cd "$repo" && go build -o "$tmp/playbook" ./cmd/playbook)
tools=(playbook)
[[ -n ${BASELINE:-} ]] && { cp "$BASELINE" "$tmp/baseline"; tools+=(baseline); }
tools+=(hugo)

# $tmp/run TOOL SITE DEST CACHE builds SITE into DEST with TOOL; playbook's
# cache goes where XDG_CACHE_HOME says (its user cache folder), Hugo's into
# --cacheDir. A script of its own, so that hyperfine can run it too.
cat >"$tmp/run" <<SCRIPT
#!/usr/bin/env bash
set -e
tool=\$1 site=\$2 dest=\$3 cache=\$4
case \$tool in
playbook | baseline)
	XDG_CACHE_HOME=\$cache "$tmp/\$tool" build -s "\$site" -d "\$dest" ;;
hugo)
	hugo --source "\$site" --destination "\$dest" --cacheDir "\$cache" --quiet
	"$pagefind" --site "\$dest" --silent ;;
esac
SCRIPT
chmod +x "$tmp/run"

# measure KEY TOOL SITE DEST CACHE times one build and appends
# "wall sys cpu rss_kib" to $tmp/KEY.runs.
measure() {
	local key=$1
	sync
	if ! /usr/bin/time -v -o "$tmp/time.txt" "$tmp/run" "${@:2}" >"$tmp/log.txt" 2>&1; then
		echo "$key: build failed" >&2
		tail -20 "$tmp/log.txt" >&2
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
		END { printf "%.2f %.2f %.2f %d\n", wall, sys, user + sys, rss }
	' "$tmp/time.txt" >>"$tmp/$key.runs"
}

median() {
	cut -d' ' -f"$2" "$tmp/$1.runs" | sort -g | awk '
		{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# table SCENARIO prints the medians of every tool, with the ratio to Hugo + Pagefind.
table() {
	local s=$1
	echo
	echo "### $s: $(find "$tmp/site-$pages/content" -name '*.md' | wc -l) markdown pages, median of $runs runs"
	echo
	echo "| tool | wall (s) | system (s) | user+system (s) | peak RSS (MiB) | wall / Hugo+Pagefind |"
	echo "|---|---:|---:|---:|---:|---:|"
	local hw
	hw=$(median "$s-hugo" 1)
	for t in "${tools[@]}"; do
		local name=$t
		[[ $t == hugo ]] && name="Hugo + Pagefind"
		[[ $t == baseline ]] && name="playbook (BASELINE)"
		printf '| %s | %.2f | %.2f | %.2f | %s | %s |\n' "$name" "$(median "$s-$t" 1)" "$(median "$s-$t" 2)" \
			"$(median "$s-$t" 3)" "$(mib "$(median "$s-$t" 4)")" "$(ratio "$(median "$s-$t" 1)" "$hw")"
	done
}

corpus() {
	if [[ ! -d $tmp/site-$1 ]]; then
		echo "generating $1 pages" >&2
		(cd "$bench" && GOWORK=off go run ./gencorpus -n "$1" -o "$tmp/site-$1" -hugo) >&2
	fi
}

# clean TOOL gives TOOL an empty destination and cache, as on a fresh CI
# machine. The old ones are moved aside into $tmp/trash, which goes at the
# end, not removed here: ext4 without a journal (as this machine's disk)
# passes over every inode freed in the last minute before it reuses one
# (recently_deleted in fs/ext4/ialloc.c), so a build made just after a
# tree of 30,000 files was removed spends seconds more of system time
# making its own, whichever tool it is, and that is no CI run's cost.
clean() {
	mkdir -p "$tmp/trash"
	local aside p
	aside=$(mktemp -d "$tmp/trash/XXXXXX")
	for p in "$tmp/out-$1" "$tmp/.out-$1.previous" "$tmp/cache-$1"; do
		if [[ -e $p ]]; then mv "$p" "$aside/"; fi
	done
	mkdir -p "$tmp/cache-$1"
}

echo "$(nproc) CPUs; playbook $("$tmp/playbook" version | sed 's/^playbook //') ($(go env GOVERSION)); $(hugo version | cut -d' ' -f1-2); pagefind $("$pagefind" --version 2>/dev/null | awk '{ print $NF }')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

for s in "${scenarios[@]}"; do
	case $s in
	ci)
		corpus "$pages"
		site=$tmp/site-$pages
		for t in "${tools[@]}"; do
			echo "ci: warm-up $t" >&2
			clean "$t"
			measure warmup "$t" "$site" "$tmp/out-$t" "$tmp/cache-$t"
		done
		for ((i = 1; i <= runs; i++)); do
			for t in "${tools[@]}"; do
				echo "ci: run $i, $t" >&2
				clean "$t"
				measure "ci-$t" "$t" "$site" "$tmp/out-$t" "$tmp/cache-$t"
			done
		done
		table ci
		if command -v hyperfine >/dev/null && [[ ${HYPERFINE:-1} != 0 ]]; then
			echo
			args=()
			for t in "${tools[@]}"; do
				args+=(--prepare "a=\$(mktemp -d '$tmp/trash/XXXXXX') && for p in '$tmp/out-$t' '$tmp/.out-$t.previous' '$tmp/cache-$t'; do if [ -e \"\$p\" ]; then mv \"\$p\" \"\$a/\"; fi; done && mkdir '$tmp/cache-$t' && sync"
					-n "$t" "$tmp/run $t $site $tmp/out-$t $tmp/cache-$t")
			done
			hyperfine --runs "$runs" --export-markdown "$tmp/hyperfine.md" "${args[@]}" >&2
			cat "$tmp/hyperfine.md"
		fi
		;;
	edit)
		corpus "$pages"
		site=$tmp/site-$pages
		page=$(find "$site/content/runbooks" -name '*.md' ! -name '_index.md' | sort | awk 'NR == 1')
		# Two untimed builds each: the second leaves playbook's previous
		# build beside its destination, as on a developer's machine.
		for t in "${tools[@]}"; do
			echo "edit: setting up $t" >&2
			clean "$t"
			measure warmup "$t" "$site" "$tmp/out-$t" "$tmp/cache-$t"
			measure warmup "$t" "$site" "$tmp/out-$t" "$tmp/cache-$t"
		done
		for ((i = 1; i <= runs; i++)); do
			printf '\nEdited for run %d of the benchmark.\n' "$i" >>"$page"
			for t in "${tools[@]}"; do
				echo "edit: run $i, $t" >&2
				measure "edit-$t" "$t" "$site" "$tmp/out-$t" "$tmp/cache-$t"
			done
		done
		table edit
		echo
		echo "Edited page: ${page#"$site"/}; each run appends a line to it, then every tool rebuilds into its previous destination."
		if command -v hyperfine >/dev/null && [[ ${HYPERFINE:-1} != 0 ]]; then
			echo
			args=()
			for t in "${tools[@]}"; do
				args+=(--prepare "printf '\nEdited by hyperfine.\n' >>'$page' && sync"
					-n "$t" "$tmp/run $t $site $tmp/out-$t $tmp/cache-$t")
			done
			hyperfine --runs "$runs" --export-markdown "$tmp/hyperfine.md" "${args[@]}" >&2
			cat "$tmp/hyperfine.md"
		fi
		;;
	big)
		corpus "$big"
		site=$tmp/site-$big
		bigtools=(playbook)
		[[ ${HUGO_BIG:-0} == 1 ]] && bigtools+=(hugo)
		for t in "${bigtools[@]}"; do
			echo "big: $t" >&2
			clean "$t"
			measure "big-$t" "$t" "$site" "$tmp/out-$t" "$tmp/cache-$t"
			clean "$t"
		done
		echo
		echo "### big: $(find "$site/content" -name '*.md' | wc -l) markdown pages, one run"
		echo
		echo "| tool | wall (s) | system (s) | user+system (s) | peak RSS (MiB) |"
		echo "|---|---:|---:|---:|---:|"
		for t in "${bigtools[@]}"; do
			name=$t
			[[ $t == hugo ]] && name="Hugo + Pagefind"
			printf '| %s | %.2f | %.2f | %.2f | %s |\n' "$name" "$(median "big-$t" 1)" "$(median "big-$t" 2)" "$(median "big-$t" 3)" "$(mib "$(median "big-$t" 4)")"
		done
		if [[ -f $tmp/ci-playbook.runs ]]; then
			echo
			echo "playbook at $big pages / at $pages pages (ci median): $(ratio "$(median big-playbook 1)" "$(median ci-playbook 1)") x wall"
		fi
		;;
	esac
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
