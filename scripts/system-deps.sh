#!/usr/bin/env bash
# Install the Debian packages the tests need (scripts/system-packages.txt) when their
# command is missing. CI runs as root; elsewhere, say what to install and stop.
set -euo pipefail
cd "$(dirname "$0")"
missing=()
while read -r command package; do
  case "$command" in ''|'#'*) continue ;; esac
  command -v "$command" >/dev/null 2>&1 || [ -x "$command" ] || missing+=("$package")
done < system-packages.txt
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  sudo=""
  command -v sudo >/dev/null 2>&1 && sudo="sudo -n"
  if [ -z "$sudo" ]; then
    echo "system-deps: not root and no sudo: install these Debian packages: ${missing[*]}" >&2
    exit 1
  fi
else
  sudo=""
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
