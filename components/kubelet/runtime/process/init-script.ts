// The container init script (a constant POSIX sh script): inside the pod's mount namespace it
// bind-mounts volumes, enters workingDir, then checks and execs the user's argv with its exact env.

/**
 * Run as `sh -c <initScript> kube-init <stage> ...`, in two stages chained by exec (one pid):
 * - `mount <hostname> <n> (<host> <container> <rw|ro>){n} <workingDir> -- <next...>` (as root):
 *   hostname (own UTS namespace), bind mounts (mount points made when missing), cd, exec next (setpriv ... sh -c <initScript> kube-init exec ...).
 * - `exec <PATH> <argv0> -- env -i -- K=V... argv...` (as the container's user): fails like
 *   runc when argv0 is missing or not executable, else reports "ok" on fd 3 and execs.
 * Failures write "error <message>" to fd 3 (the supervisor's `start` file) and exit 128.
 */
export const initScript = `#!/bin/sh
set -f
fail() {
  printf 'error %s\\n' "$*" >&3
  exit 128
}
stage=$1
shift
case $stage in
mount)
  if [ -n "$1" ]; then
    printf '%s' "$1" >/proc/sys/kernel/hostname || fail "cannot set the hostname $1"
  fi
  n=$2
  shift 2
  while [ "$n" -gt 0 ]; do
    src=$1 dst=$2 mode=$3
    shift 3
    [ -e "$src" ] || fail "mount source $src does not exist"
    if [ -d "$src" ]; then
      [ -d "$dst" ] || mkdir -p -- "$dst" || fail "cannot create mount point $dst"
    elif [ ! -e "$dst" ]; then
      mkdir -p -- "\${dst%/*}/" && : >"$dst" || fail "cannot create mount point $dst"
    fi
    mount --bind "$src" "$dst" || fail "cannot bind-mount $src at $dst"
    if [ "$mode" = ro ]; then
      mount -o remount,bind,ro "$dst" || fail "cannot make $dst read-only"
    fi
    n=$((n - 1))
  done
  wd=$1
  shift 2
  if [ -n "$wd" ]; then
    [ -d "$wd" ] || mkdir -p -- "$wd" || fail "cannot create workingDir $wd"
    cd "$wd" || fail "cannot enter workingDir $wd"
  fi
  exec "$@"
  ;;
exec)
  path=$1 cmd=$2
  shift 3
  case $cmd in
  */*)
    [ -e "$cmd" ] || fail "exec: \\"$cmd\\": stat $cmd: no such file or directory"
    [ -f "$cmd" ] && [ -x "$cmd" ] || fail "exec: \\"$cmd\\": permission denied"
    ;;
  *)
    found=
    IFS=:
    for dir in $path; do
      [ -n "$dir" ] || dir=.
      if [ -f "$dir/$cmd" ] && [ -x "$dir/$cmd" ]; then
        found=1
        break
      fi
    done
    unset IFS
    [ -n "$found" ] || fail "exec: \\"$cmd\\": executable file not found in \\$PATH"
    ;;
  esac
  printf 'ok\\n' >&3
  exec "$@" 3>&-
  ;;
*)
  fail "kube-init: unknown stage $stage"
  ;;
esac
`;
