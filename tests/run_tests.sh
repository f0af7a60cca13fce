#!/bin/sh
# Runs each test command given as an argument (quote commands with spaces),
# echoes its output, counts "ok NAME" and "not ok NAME" lines, and ends with
# the line "N passed, N failed". A command that exits non-zero without
# reporting a failure counts as one failure.
passed=0
failed=0
log=$(mktemp)
for cmd in "$@"; do
    echo "== $cmd"
    sh -c "$cmd" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok $cmd: exited with status $rc"
        f=1
    fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok $cmd: ran no test"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
done
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
