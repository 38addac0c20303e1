# Shell functions of the scripts that run PostgreSQL clusters of the project's own with Debian's
# pg_createcluster/pg_ctlcluster (scripts/hub, scripts/hub-cluster); sourced, not run.

# Runs a command as the postgres user (the server's), or as root.
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Runs a command with no descriptor of this script's caller but standard input, output and error.
# A server started here (PostgreSQL through pg_ctlcluster, a hub, nginx) outlives the script and
# would keep every other descriptor open (a test runner's pipe or socket, make's jobserver): a
# caller that waits for them to close, as Foundation's Process does for the socket it watches a
# child's exit with, would wait for the server's end, not the script's.
with_standard_descriptors_only() (
  for fd in /proc/self/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
  done
  # A program is exec'd: started with `&`, `$!` is then its own process id.
  if declare -F "$1" >/dev/null; then "$@"; else exec "$@"; fi
)

# The newest installed PostgreSQL major version (its binaries under /usr/lib/postgresql).
newest_postgres() { ls /usr/lib/postgresql | sort -n | tail -1; }

# A free TCP port on loopback, as the kernel picks one; free_ports N: N different ones, one a line.
free_port() { free_ports 1; }
free_ports() {
  python3 -c '
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held: s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in held))' "$1"
}

# Fails, saying what to run, when the postgres user cannot enter every folder above $1.
check_postgres_can_enter() {
  local dir=$1 script=$2
  while [ "$dir" != "/" ]; do
    dir=$(dirname "$dir")
    if ! as_postgres test -x "$dir"; then
      echo "$script: the postgres user cannot enter $dir; run: chmod o+x $dir" >&2
      exit 1
    fi
  done
}

# Field $3 of pg_lsclusters' line of version $1, cluster $2 (4: status, 3: port, 6: data folder).
cluster_field() { pg_lsclusters --no-header 2>/dev/null | awk -v v="$1" -v c="$2" -v f="$3" '$1 == v && $2 == c {print $f}'; }
