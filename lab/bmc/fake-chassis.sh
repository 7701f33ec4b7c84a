#!/bin/sh
# A chassis_control program for ipmi_sim that powers nothing: it only remembers the power state and
# boot device in files, so tests exercise the real IPMI path without a VM.
#
# lan.conf: chassis_control "/path/fake-chassis.sh [DIR] 0x20"; ipmi_sim appends e.g. "get power",
# "set power 1", "set boot pxe". DIR (or $FAKE_CHASSIS_DIR) receives power, boot and calls.log.
# It must answer at once: ipmi_sim is single-threaded and waits for it.
set -u
dir=${FAKE_CHASSIS_DIR:-}
case "${1:-}" in
  0x*|'') ;;
  *) dir=$1; shift ;;
esac
if [ -z "$dir" ]; then
  echo "fake-chassis: pass a directory or set FAKE_CHASSIS_DIR" >&2
  exit 1
fi
# Builtins only below (no mkdir/cat per call): every call blocks ipmi_sim, and forks are slow on a busy host.
[ -d "$dir" ] || mkdir -p "$dir"
shift # the MC address (0x20)
echo "$*" >>"$dir/calls.log"

# Prints "name:value" from $dir/name, or the default; answers in ipmi_sim's format.
recall() {
  value=$2
  [ -f "$dir/$1" ] && read -r value <"$dir/$1"
  echo "$1:$value"
}

op=${1:-}
[ $# -gt 0 ] && shift
case $op in
  get)
    for item in "$@"; do
      case $item in
        power) recall power 0 ;;
        # "none" reads back as "No override", like a machine nobody has configured yet.
        boot) recall boot none ;;
      esac
    done
    ;;
  set)
    key=${1:-}
    value=${2:-}
    case $key in
      power) echo "$value" >"$dir/power" ;;
      boot) echo "$value" >"$dir/boot" ;;
      # A soft shutdown request: the fake OS obeys immediately.
      shutdown) echo 0 >"$dir/power" ;;
      # reset and identify change nothing we record; calls.log keeps them for tests.
    esac
    ;;
esac
exit 0
