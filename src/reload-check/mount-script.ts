/**
 * The shell script that runs inside the program's private mount namespace (util-linux
 * `unshare --mount`, with `--user --map-root-user` when not root) before the program itself:
 * - each volume's host directory is bind-mounted at its path in the pod, read-only when the
 *   pod mounts it so;
 * - a mount point that does not exist (`/var/run/secrets` on most machines) is made without
 *   touching the host: the deepest existing directory above it is covered, in this namespace
 *   only, by a tmpfs that holds the same entries (bind-mounted, links copied), and the missing
 *   directories are made in that tmpfs;
 * - `~/.kube` is hidden behind an empty tmpfs, as in a pod, so that clients which try a
 *   kubeconfig before the in-cluster config use the volume;
 * - `ready` is written to file descriptor 3 (closed before the program starts), then the
 *   program replaces the shell (`exec`), keeping its process id.
 * A failure prints one line starting `satoken reload-check:` and exits 125 before the program runs.
 * Arguments: `<stage dir> <n> (<host dir> <pod path> <ro|rw>){n} -- <program> <args...>`.
 */
export const MOUNT_SCRIPT = `set -eu
stage=$1; n=$2; shift 2
fail() { printf 'satoken reload-check: %s\\n' "$*" >&2; exit 125; }
shadowed=''
k=0
is_shadowed() {
  [ -n "$shadowed" ] || return 1
  old_ifs=$IFS; IFS='
'
  for s in $shadowed; do
    case "$1/" in "$s"/*) IFS=$old_ifs; return 0 ;; esac
  done
  IFS=$old_ifs
  return 1
}
shadow() {
  dir=$1
  [ "$dir" != / ] || fail "cannot make a mount point directly under /: pick a path whose parent directory exists"
  k=$((k + 1)); t="$stage/shadow-$k"
  mkdir -p "$t"
  mount -t tmpfs -o mode=0755 satoken-reload-check "$t" || fail "cannot mount a tmpfs at $t"
  for e in "$dir"/* "$dir"/.[!.]* "$dir"/..?*; do
    [ -e "$e" ] || [ -h "$e" ] || continue
    name=\${e##*/}
    if [ -h "$e" ]; then ln -s "$(readlink "$e")" "$t/$name" || :
    elif [ -d "$e" ]; then { mkdir "$t/$name" && mount --rbind "$e" "$t/$name"; } 2>/dev/null || :
    else { : > "$t/$name" && mount --bind "$e" "$t/$name"; } 2>/dev/null || :
    fi
  done
  chmod "$(stat -c %a "$dir")" "$t" 2>/dev/null || :
  mount --rbind "$t" "$dir" || fail "cannot mount over $dir"
  shadowed="$shadowed
$dir"
}
i=0
while [ "$i" -lt "$n" ]; do
  src=$1; dst=$2; mode=$3; shift 3; i=$((i + 1))
  if [ ! -d "$dst" ]; then
    anc=$(dirname "$dst")
    while [ ! -d "$anc" ]; do anc=$(dirname "$anc"); done
    anc=$(cd "$anc" && pwd -P)
    is_shadowed "$anc" || shadow "$anc"
    mkdir -p "$dst" || fail "cannot make the mount point $dst"
  fi
  mount --bind "$src" "$dst" || fail "cannot bind-mount the volume at $dst"
  if [ "$mode" = ro ]; then mount -o remount,bind,ro "$dst" 2>/dev/null || :; fi
done
[ "\${1:-}" = -- ] && shift
if [ -n "\${HOME:-}" ] && [ -d "$HOME/.kube" ]; then mount -t tmpfs -o mode=0700 satoken-reload-check "$HOME/.kube" 2>/dev/null || :; fi
printf 'ready\\n' >&3
exec 3>&-
exec "$@"
`;

/** Exit status of the script when it fails before the program runs. */
export const MOUNT_SCRIPT_FAILED = 125;
