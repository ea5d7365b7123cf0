#!/usr/bin/env bash
# Logs in as the browser test's admin and makes an API token; prints it.
# usage: token.sh BASE_URL
set -euo pipefail
base=$1
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
csrf() { grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
token=$(curl -sf -c "$jar" -b "$jar" "$base/login" | csrf)
curl -sf -o /dev/null -c "$jar" -b "$jar" "$base/login" --data-urlencode "csrf=$token" \
  --data-urlencode "email=ingrid.berg@fjellfjord.no" --data-urlencode "password=langt-passord-1"
token=$(curl -sf -b "$jar" "$base/settings" | csrf)
curl -sf -b "$jar" "$base/settings/token" --data-urlencode "csrf=$token" --data-urlencode "name=schemathesis" \
  | grep -o '<code id="new-token">[^<]*' | sed 's/.*>//'
