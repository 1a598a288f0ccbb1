#!/bin/sh
# podctl's launcher (the package's bin). Node 20 takes an argument "--env-file" or
# "--env-file=F" anywhere on its command line as its own option, even after the script,
# and exits when the file is missing: podctl's own --env-file (run/create) is handed to
# the bundle renamed, and cmd/podctl.ts renames it back.
self=$(readlink -f "$0")
dir=$(dirname "$self")
for a in "$@"; do
  shift
  case $a in
    --env-file) set -- "$@" --podctl-env-file ;;
    --env-file=*) set -- "$@" "--podctl-env-file=${a#--env-file=}" ;;
    *) set -- "$@" "$a" ;;
  esac
done
exec node "$dir/podctl.mjs" "$@"
