#!/bin/sh
# A chassis_control program for ipmi_sim whose BMC answers for power but fails every boot device request
# (get and set): the fault test's BMC. Power is remembered in $FAKE_CHASSIS_DIR/power, as lab/bmc/fake-chassis.sh does.
set -u
dir=$FAKE_CHASSIS_DIR
[ -d "$dir" ] || mkdir -p "$dir"
shift # the MC address (0x20)
op=${1:-}
[ $# -gt 0 ] && shift
case $op in
  get)
    for item in "$@"; do
      case $item in
        power) value=0; [ -f "$dir/power" ] && read -r value <"$dir/power"; echo "power:$value" ;;
        boot) exit 1 ;;
      esac
    done
    ;;
  set)
    case ${1:-} in
      power) echo "${2:-}" >"$dir/power" ;;
      boot) exit 1 ;;
    esac
    ;;
esac
exit 0
