#!/bin/sh
# The chassis of an emulated server: ipmi_sim's chassis_control runs
#   vm-chassis.sh <mc-addr> get power|boot ...      -> prints power:0|1, boot:<dev>
#   vm-chassis.sh <mc-addr> set power 1|0 | reset 1 | boot pxe|default|... | shutdown 1 | identify V [F]
# The BMC is single-threaded and waits for us: every command returns at once, and QEMU is started
# fully detached (own session, no inherited stdio) so the BMC never waits on it.
# Configuration: the shell variables file $IRONPLAN_VM_CONF, else vm.conf next to this program
# (lab/vm.ts writes it, with a wrapper that sets IRONPLAN_VM_CONF):
#   STATE_DIR DISK MAC BOOTFILE CONSOLE_LOG [MEMORY QEMU NETDEV_OPTS KERNEL INITRD APPEND FIRMWARE
#   OVMF_CODE OVMF_VARS CDROM]
# KERNEL/INITRD/APPEND, when set, replace the network boot (firmware + iPXE) by a direct kernel boot.
# FIRMWARE=uefi boots OVMF (OVMF_CODE read-only, a per-VM copy of OVMF_VARS kept in STATE_DIR) instead of
# SeaBIOS; OVMF follows the devices' bootindex, not -boot order, so the boot device is given that way.
# CDROM is an ISO in the VM's CD drive (virtual media); boot device cdrom boots it.

conf=${IRONPLAN_VM_CONF:-$(dirname "$0")/vm.conf}
if [ ! -r "$conf" ]; then
  echo "vm-chassis: no configuration at $conf" >&2
  exit 1
fi
. "$conf"
: "${STATE_DIR:?}" "${DISK:?}" "${MAC:?}" "${CONSOLE_LOG:?}"
MEMORY=${MEMORY:-512}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS.fd}
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
  # bootindex of the NIC, the disk and the CD: what OVMF boots from (SeaBIOS gets -boot order too).
  nic_bi= disk_bi= cd_bi=
  if [ "$dev" = pxe ] && [ -n "$KERNEL" ]; then
    set -- -kernel "$KERNEL" ${INITRD:+-initrd "$INITRD"} -append "$APPEND"
  elif [ "$dev" = pxe ]; then
    set -- -boot order=n
    nic_bi=,bootindex=1
  elif [ "$dev" = cdrom ] && [ -n "$CDROM" ]; then
    set -- -boot order=d
    cd_bi=,bootindex=1
  else
    set -- -boot order=c
    disk_bi=,bootindex=1
  fi
  if [ "$FIRMWARE" = uefi ]; then
    [ -s "$STATE_DIR/OVMF_VARS.fd" ] || cp "$OVMF_VARS" "$STATE_DIR/OVMF_VARS.fd"
    set -- "$@" -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
      -drive "if=pflash,format=raw,unit=1,file=$STATE_DIR/OVMF_VARS.fd"
  else
    # SeaBIOS goes by -boot order; a bootindex would override it.
    nic_bi= disk_bi= cd_bi=
  fi
  if [ -n "$CDROM" ]; then
    set -- "$@" -drive "if=none,id=cd0,file=$CDROM,media=cdrom,readonly=on" -device "ide-cd,drive=cd0$cd_bi"
  fi
  echo "=== vm-chassis: power on (${FIRMWARE:-bios}), boot device ${dev:-default} at $(date '+%F %T') ===" >>"$CONSOLE_LOG"
  setsid "$QEMU" -machine pc,accel=tcg -m "$MEMORY" -nographic -monitor none -no-reboot \
    -netdev "$netdev" -device "virtio-net-pci,netdev=n0,mac=$MAC$nic_bi" \
    -drive "file=$DISK,if=none,id=disk0,format=raw" -device "virtio-blk-pci,drive=disk0$disk_bi" \
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
