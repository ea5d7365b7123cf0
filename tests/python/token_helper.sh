#!/bin/sh
# A token helper as oama or mutt_oauth2.py are: prints an access token.
# The first call hands out one that has expired, the next ones a fresh one;
# the calls are counted in the file $1.
n=$(cat "$1" 2>/dev/null || echo 0)
echo $((n + 1)) >"$1"
if [ "$n" -eq 0 ]; then echo expired-token; else echo fresh-token; fi
