#!/bin/sh
# The chassis of an emulated server: ipmi_sim's chassis_control runs
#   vm-chassis.sh <mc-addr> get power|boot ...      -> prints power:0|1, boot:<dev>
#   vm-chassis.sh <mc-addr> set power 1|0 | reset 1 | boot pxe|default|... | shutdown 1 | identify V [F]
# The BMC is single-threaded and waits for us: every command returns at once, and QEMU is started
# fully detached (own session, no inherited stdio) so the BMC never waits on it.
# Configuration: the shell variables file $IRONPLAN_VM_CONF, else vm.conf next to this program
# (lab/vm.ts writes it, with a wrapper that sets IRONPLAN_VM_CONF):
#   STATE_DIR DISK MAC BOOTFILE CONSOLE_LOG [MEMORY QEMU NETDEV_OPTS KERNEL INITRD APPEND]
# KERNEL/INITRD/APPEND, when set, replace the network boot (firmware + iPXE) by a direct kernel boot.

conf=${IRONPLAN_VM_CONF:-$(dirname "$0")/vm.conf}
if [ ! -r "$conf" ]; then
  echo "vm-chassis: no configuration at $conf" >&2
  exit 1
fi
. "$conf"
: "${STATE_DIR:?}" "${DISK:?}" "${MAC:?}" "${CONSOLE_LOG:?}"
MEMORY=${MEMORY:-512}
QEMU=${QEMU:-qemu-system-x86_64}
mkdir -p "$STATE_DIR"
pidfile=$STATE_DIR/qemu.pid
bootfile=$STATE_DIR/bootdev

running() {
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  # The pid file outlives QEMU after a guest poweroff; make sure the pid is still our QEMU.
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-pidfile $pidfile"
}

power_off() {
  if running; then
    kill -KILL "$(cat "$pidfile")" 2>/dev/null
  fi
  rm -f "$pidfile"
}

power_on() {
  running && return 0
  rm -f "$pidfile"
  dev=$(cat "$bootfile" 2>/dev/null)
  netdev="user,id=n0${BOOTFILE:+,bootfile=$BOOTFILE}${NETDEV_OPTS:+,$NETDEV_OPTS}"
  if [ "$dev" = pxe ] && [ -n "$KERNEL" ]; then
    set -- -kernel "$KERNEL" ${INITRD:+-initrd "$INITRD"} -append "$APPEND"
  elif [ "$dev" = pxe ]; then
    set -- -boot order=n
  else
    set -- -boot order=c
  fi
  echo "=== vm-chassis: power on, boot device ${dev:-default} at $(date '+%F %T') ===" >>"$CONSOLE_LOG"
  setsid "$QEMU" -machine pc,accel=tcg -m "$MEMORY" -nographic -monitor none -no-reboot \
    -netdev "$netdev" -device "virtio-net-pci,netdev=n0,mac=$MAC" \
    -drive "file=$DISK,if=virtio,format=raw" \
    -chardev "file,id=s0,path=$CONSOLE_LOG,append=on" -serial chardev:s0 \
    -pidfile "$pidfile" "$@" \
    </dev/null >>"$STATE_DIR/qemu.out" 2>&1 &
  # QEMU writes its pid file a moment after start; `get power` right after `set power 1` must say on.
  i=0
  while [ ! -s "$pidfile" ] && [ $i -lt 20 ]; do
    sleep 0.05
    i=$((i + 1))
  done
}

[ $# -ge 2 ] || { echo "usage: $0 <mc-addr> get|set ..." >&2; exit 1; }
shift # the MC address: one chassis per program configuration
op=$1
shift
case "$op" in
  get)
    for what in "$@"; do
      case "$what" in
        power) if running; then echo "power:1"; else echo "power:0"; fi ;;
        boot) echo "boot:$(cat "$bootfile" 2>/dev/null || echo default)" ;;
        *) echo "vm-chassis: cannot get $what" >&2 ;;
      esac
    done
    ;;
  set)
    while [ $# -gt 0 ]; do
      what=$1
      val=$2
      shift 2 2>/dev/null || shift $#
      case "$what" in
        power) if [ "$val" = 1 ]; then power_on; else power_off; fi ;;
        reset) if [ "$val" = 1 ]; then power_off; power_on; fi ;;
        boot) echo "$val" >"$bootfile.tmp" && mv "$bootfile.tmp" "$bootfile" ;;
        shutdown) [ "$val" = 1 ] && running && kill -TERM "$(cat "$pidfile")" 2>/dev/null ;;
        identify) [ $# -gt 0 ] && shift ;;
        *) echo "vm-chassis: cannot set $what" >&2 ;;
      esac
    done
    ;;
  *)
    echo "vm-chassis: unknown operation $op" >&2
    exit 1
    ;;
esac
exit 0
