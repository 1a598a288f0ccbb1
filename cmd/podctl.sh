#!/bin/sh
# podctl's launcher (the package's bin). Node 20 takes an argument "--env-file" or
# "--env-file=F" anywhere on its command line as its own option, even after the script,
# and exits when the file is missing: podctl's own --env-file (run/create) is handed to
# the bundle renamed, and cmd/podctl.ts renames it back. Shell builtins only (no exec
# besides node's) unless the launcher is reached through a symlink (npm's bin link).
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=${self%/*}/$link ;;
  esac
done
case $self in
  */*) dir=${self%/*} ;;
  *) dir=. ;;
esac
for a in "$@"; do
  shift
  case $a in
    --env-file) set -- "$@" --podctl-env-file ;;
    --env-file=*) set -- "$@" "--podctl-env-file=${a#--env-file=}" ;;
    *) set -- "$@" "$a" ;;
  esac
done
exec node "$dir/podctl.mjs" "$@"
