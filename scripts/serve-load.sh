#!/usr/bin/env bash
# Load test of "playbook serve": 200 clients send 20,000 requests over
# loopback while a page is saved 50 times, valid and broken in turn; prints
# errors, median and maximum latency, and file descriptors and goroutines
# before and after. Needs only Go. Linux (counts /proc/self/fd).
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYBOOK_SERVE_LOAD=1 exec go test ./cmd/playbook -run '^TestServeUnderLoad$' -count=1 -v "$@"
