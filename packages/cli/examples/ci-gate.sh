#!/usr/bin/env bash
# CI gate: fails the job (exit 1) when the patched build cannot be live-patched, 2 on bad input, and leaves
# elfdelta.md (a summary for the pull request) and elfdelta.sarif (for code scanning) behind.
# Usage: ci-gate.sh ORIGINAL PATCHED   (two objects, two archives or two build directories)
# elfdelta.policy.json is applied when present; FAIL_ON=warning makes warnings fail the gate too.
set -uo pipefail
policy=()
if [ -f elfdelta.policy.json ]; then policy=(--policy elfdelta.policy.json); fi

elfdelta diff "${policy[@]}" --format sarif --output elfdelta.sarif "$1" "$2"
elfdelta diff "${policy[@]}" --format markdown --output elfdelta.md --fail-on "${FAIL_ON:-error}" "$1" "$2"
status=$?
if [ -f elfdelta.md ]; then head -n 1 elfdelta.md; fi
exit "$status"
