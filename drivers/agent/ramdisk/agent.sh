#!/bin/sh
# ironplan deploy agent: a busybox shell client of the manager's agent API (lookup + heartbeat).
# It only ever streams the image (wget | dd): the ramdisk has far less memory than an image.
AGENT_VERSION="ironplan-agent 1"
WORK=/tmp/agent
BAKED_CA=/etc/ironplan/ca.pem
LOOKUP_DELAY=3
INTERVAL=2
STALL_LIMIT=120

log() { echo "ironplan-agent: [$(cut -d " " -f 1 /proc/uptime)] $*"; }

cmdline_arg() {
  for w in $(cat /proc/cmdline); do
    case "$w" in "$1"=*) echo "${w#*=}"; return 0 ;; esac
  done
  return 1
}

# The manager answers flat JSON; putting every key at the start of its own line lets sed pick the
# first occurrence of a key without a JSON parser.
json_lines() { sed 's/[{,][ ]*"/\n"/g'; }
json_str() { json_lines | sed -n "s/^\"$1\"[ ]*:[ ]*\"\([^\"]*\)\".*/\1/p" | head -n 1; }
json_num() { json_lines | sed -n "s/^\"$1\"[ ]*:[ ]*\([0-9][0-9]*\).*/\1/p" | head -n 1; }
# The lookup answer nests objects (node.properties, ...): json_member OBJ KEY walks the JSON with its
# nesting to read the string KEY of the top-level member OBJ only.
json_member() {
  awk -v want_obj="$1" -v want_key="$2" 'BEGIN { RS = "\001" } {
    s = $0; n = length(s); d = 0; key = ""; top = ""; i = 1
    while (i <= n) {
      c = substr(s, i, 1)
      if (c == "\"") {
        j = i + 1; str = ""
        while (j <= n) {
          ch = substr(s, j, 1)
          if (ch == "\\") { str = str substr(s, j, 2); j += 2; continue }
          if (ch == "\"") break
          str = str ch; j++
        }
        i = j + 1
        k = i
        while (substr(s, k, 1) ~ /[ \t\r\n]/) k++
        if (substr(s, k, 1) == ":") { key = str; if (d == 1) top = str }
        else if (d == 2 && top == want_obj && key == want_key) { print str; exit }
        continue
      }
      if (c == "{" || c == "[") d++
      else if (c == "}" || c == "]") d--
      i++
    }
  }'
}
# Error texts come from wget/dd output: drop what would break a hand-built JSON string.
json_safe() { printf '%s' "$1" | tr -d '"\\' | tr '\n\r\t' '   ' | tr -cd ' -~' | head -c 400; }

# Without a fork (busy_while asks ten times a second): the state follows the last ") " of the stat line.
alive() { st=; read -r st 2>/dev/null <"/proc/$1/stat" || return 1; case "${st##*") "}" in Z*) return 1 ;; esac; }

is_https() { case "$1" in [Hh][Tt][Tt][Pp][Ss]://*) return 0 ;; esac; return 1; }

# The CA curl verifies https with: ipa-api-ca= on the kernel command line (base64 of a PEM) before the one
# baked in by `ironplan ramdisk build --ca-file`. Without either, an https URL is refused, never trusted.
setup_ca() {
  CA_FILE=
  b64=$(cmdline_arg ipa-api-ca)
  if [ -n "$b64" ]; then
    if printf '%s' "$b64" | base64 -d >"$WORK/ca.pem" 2>/dev/null && grep -q -- '-----BEGIN CERTIFICATE-----' "$WORK/ca.pem"; then
      CA_FILE=$WORK/ca.pem
      log "CA for https: ipa-api-ca from the kernel command line"
      return 0
    fi
    log "ipa-api-ca= on the kernel command line is not base64 of a PEM certificate; not using it"
  fi
  if [ -s "$BAKED_CA" ]; then
    CA_FILE=$BAKED_CA
    log "CA for https: $BAKED_CA (baked into the ramdisk)"
  fi
}

# curl's exit statuses for a TLS peer it will not trust: 60 not issued by the CA, 51 wrong name, 77 no
# usable CA file, 35 handshake, 58 local certificate, 83 issuer check, 90 pinned key, 91 status check.
tls_refused() { case "$1" in 35 | 51 | 58 | 60 | 77 | 83 | 90 | 91) return 0 ;; esac; return 1; }

# curl verifying the peer against CA_FILE (with no CA_FILE curl looks for a system bundle the ramdisk lacks,
# so it fails with 77: nothing is trusted by default).
curl_tls() { curl -sS ${CA_FILE:+--cacert "$CA_FILE"} "$@"; }

tls_message() {
  echo "TLS certificate verification failed for ${1%%/v1/*} (CA: ${CA_FILE:-none; build the ramdisk with --ca-file or pass ipa-api-ca=}): $(json_safe "$(head -n 1 "$2")")"
}

# http METHOD URL [BODY]: reply body in $WORK/resp, HTTP_STATUS set (000: no HTTP answer, tls: the
# server's certificate was refused). https goes through curl, verifying; http through busybox wget.
http() {
  rm -f "$WORK/resp" "$WORK/err"
  if is_https "$2"; then
    if [ "$1" = POST ]; then
      HTTP_STATUS=$(curl_tls --max-time 30 -o "$WORK/resp" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$3" "$2" 2>"$WORK/err")
    else
      HTTP_STATUS=$(curl_tls --max-time 30 -o "$WORK/resp" -w '%{http_code}' "$2" 2>"$WORK/err")
    fi
    rc=$?
    if tls_refused $rc; then
      log "$(tls_message "$2" "$WORK/err"); nothing was sent"
      HTTP_STATUS=tls
      return 1
    fi
    case "$HTTP_STATUS" in 2[0-9][0-9]) [ $rc -eq 0 ] && return 0 ;; esac
    [ -n "$HTTP_STATUS" ] || HTTP_STATUS=000
    return 1
  fi
  if [ "$1" = POST ]; then
    timeout 30 wget -q -O "$WORK/resp" --header 'Content-Type: application/json' --post-data "$3" "$2" 2>"$WORK/err"
  else
    timeout 30 wget -q -O "$WORK/resp" "$2" 2>"$WORK/err"
  fi
  rc=$?
  if [ $rc -eq 0 ]; then HTTP_STATUS=200; return 0; fi
  HTTP_STATUS=$(sed -n 's/.*server returned error: HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$WORK/err" | head -n 1)
  [ -n "$HTTP_STATUS" ] || HTTP_STATUS=000
  return 1
}

# The reason in a download's error output: curl's one "curl: (N) ..." line (the rest is advice), else
# wget's last lines without its indented headers and progress.
fetch_error() {
  grep -m 1 '^curl: (' "$1" || grep -v '^ ' "$1" | grep -iv 'connecting to' | tail -n 2
}

# download URL FILE LOG, run in the background only (it execs): the body into FILE; response headers for
# content_length in LOG (wget -S) or LOG.hdr (curl), errors in LOG.
download() {
  if is_https "$1"; then exec curl -sS -f ${CA_FILE:+--cacert "$CA_FILE"} -D "$3.hdr" -o "$2" "$1" 2>"$3"; fi
  exec wget -S -O "$2" "$1" 2>"$3"
}

bring_up_network() {
  ip link set lo up
  bootif=$(cmdline_arg BOOTIF)
  MAC=$(echo "${bootif#01-}" | tr 'A-F-' 'a-f:')
  i=0
  while :; do
    IFACE=
    for d in /sys/class/net/*; do
      n=${d##*/}
      [ "$n" = lo ] && continue
      a=$(cat "$d/address" 2>/dev/null)
      if [ -z "$MAC" ] || [ "$a" = "$MAC" ]; then IFACE=$n; MAC=$a; break; fi
    done
    [ -n "$IFACE" ] && break
    i=$((i + 1))
    [ $i -eq 1 ] && log "waiting for the interface with MAC ${MAC:-<any>}"
    [ $i -ge 60 ] && { log "no network interface with MAC ${MAC:-<any>}"; return 1; }
    sleep 1
  done
  log "interface $IFACE ($MAC)"
  ip link set "$IFACE" up
  # A static address on the command line (virtual media built from network_data): no DHCP at all.
  static_ip=$(cmdline_arg ipa-ip)
  if [ -n "$static_ip" ]; then
    ip addr add "$static_ip" dev "$IFACE" || { log "cannot set address $static_ip on $IFACE"; return 1; }
    gw=$(cmdline_arg ipa-gateway) && ip route add default via "$gw" dev "$IFACE"
    : >/etc/resolv.conf
    for d in $(cmdline_arg ipa-dns | tr ',' ' '); do echo "nameserver $d" >>/etc/resolv.conf; done
    log "address $static_ip (static)"
    return 0
  fi
  until udhcpc -i "$IFACE" -s /usr/share/udhcpc/default.script -q -n -t 5 -T 2 >"$WORK/dhcp.log" 2>&1; do
    log "no DHCP answer on $IFACE, retrying"
  done
  log "address $(ip -4 -o addr show dev "$IFACE" | sed -n 's/.* inet \([^ ]*\).*/\1/p')"
}

lookup() {
  while :; do
    # The boot id (from the boot configuration) binds this agent to the flow that booted it.
    if http GET "$API/v1/lookup?addresses=$MAC${BOOT_ID:+&boot_id=$BOOT_ID}"; then
      body=$(tr -d '\r\n' <"$WORK/resp")
      NODE_UUID=$(printf '%s' "$body" | json_member node uuid)
      tok=$(printf '%s' "$body" | json_member config agent_token)
      # The token is handed out once; later lookups answer it masked.
      if [ -n "$tok" ] && [ "$tok" != "******" ]; then TOKEN=$tok; fi
      if [ -n "$NODE_UUID" ] && [ -n "$TOKEN" ]; then
        log "lookup: node $NODE_UUID"
        return 0
      fi
      log "lookup: answer without node uuid or usable token, retrying"
    elif [ "$HTTP_STATUS" = tls ]; then
      log "lookup refused: the API's certificate does not verify; retrying"
    elif [ "$HTTP_STATUS" = 404 ]; then
      log "lookup: no node in a deploy state has $MAC yet"
    else
      log "lookup failed (HTTP $HTTP_STATUS): $(json_safe "$(cat "$WORK/err")")"
    fi
    sleep "$LOOKUP_DELAY"
  done
}

# heartbeat STATUS [EXTRA_JSON_FIELDS]: 0 with CMD etc. set, 2 on a rejected token, 1 otherwise.
heartbeat() {
  body="{\"agent_token\":\"$TOKEN\",\"agent_version\":\"$AGENT_VERSION\",\"agent_status\":\"$1\"${2:+,$2}}"
  if http POST "$API/v1/heartbeat/$NODE_UUID" "$body"; then
    reply=$(tr -d '\r\n' <"$WORK/resp")
    CMD=$(printf '%s' "$reply" | json_str command)
    IMAGE_URL=$(printf '%s' "$reply" | json_str image_url)
    IMAGE_CHECKSUM=$(printf '%s' "$reply" | json_str image_checksum)
    ROOT_DEVICE=$(printf '%s' "$reply" | json_str root_device)
    DEVICES=$(printf '%s' "$reply" | json_str devices)
    CONFIGDRIVE_URL=$(printf '%s' "$reply" | json_str configdrive_url)
    iv=$(printf '%s' "$reply" | json_num heartbeat_interval)
    if [ -n "$iv" ] && [ "$iv" -gt 0 ]; then INTERVAL=$iv; fi
    return 0
  fi
  CMD=
  case "$HTTP_STATUS" in
    401 | 403) log "heartbeat rejected (HTTP $HTTP_STATUS): the agent token is not accepted"; return 2 ;;
  esac
  log "heartbeat failed (HTTP $HTTP_STATUS), retrying"
  return 1
}

fail() {
  log "FAILED: $1"
  STATUS=failed
  EXTRA="\"error\":\"$(json_safe "$1")\"${2:+,$2}"
}

# Heartbeats 'busy' while process $1 runs; $2 names a command printing the progress in bytes.
# It looks for the end every 0.1 s (a whole-second sleep adds up to a second to every call), the rest
# runs once a second.
busy_while() {
  last_hb=0
  last_bytes=-1
  still=0
  t=0
  tick=0
  while alive "$1"; do
    sleep 0.1
    tick=$((tick + 1))
    [ $((tick % 10)) -eq 0 ] || continue
    t=$((t + 1))
    bytes=$($2)
    [ -n "$bytes" ] || bytes=0
    if [ "$bytes" = "$last_bytes" ]; then still=$((still + 1)); else still=0; fi
    last_bytes=$bytes
    if [ $still -ge $STALL_LIMIT ]; then
      log "no progress for $STALL_LIMIT s"
      return 1
    fi
    if [ $((t - last_hb)) -ge "$INTERVAL" ]; then
      last_hb=$t
      [ -n "$TOTAL" ] || TOTAL=$(content_length)
      heartbeat busy "\"bytes_written\":$bytes${TOTAL:+,\"bytes_total\":$TOTAL}"
      [ $? -eq 2 ] && stop_forever
    fi
  done
  return 0
}

content_length() { cat "$WORK/wget.log" "$WORK/wget.log.hdr" 2>/dev/null | sed -n 's/^ *[Cc]ontent-[Ll]ength: *\([0-9][0-9]*\).*/\1/p' | tail -n 1; }
dd_progress() { sed -n 's/^wchar: //p' "/proc/$DD_PID/io" 2>/dev/null; }
no_progress() { echo "$DONE_BYTES"; }

write_image() {
  url=$IMAGE_URL
  # Every heartbeat re-reads the reply's fields: keep this command's own.
  configdrive_url=$CONFIGDRIVE_URL
  want=$(echo "$IMAGE_CHECKSUM" | tr 'A-F' 'a-f')
  dev=${ROOT_DEVICE:-/dev/vda}
  algo=${want%%:*}
  TOTAL=
  case "$algo" in
    sha256 | sha512) ;;
    *) fail "unsupported image_checksum '$IMAGE_CHECKSUM' (expected sha256:<hex> or sha512:<hex>)"; return ;;
  esac
  [ -n "$url" ] || { fail "write_image without image_url"; return; }
  [ -b "$dev" ] || { fail "root device $dev not found"; return; }
  log "writing $url to $dev"

  # wget writes into a fifo that dd reads: both pids are at hand (progress from dd's /proc/PID/io,
  # exit status from wget). Busybox dd prints no byte count and an extra counting stage in the pipe
  # costs seconds under emulation, so dd runs under a shell of its own: once that shell has reaped dd,
  # the kernel has added dd's I/O to the shell's /proc/PID/io, which the shell then reads.
  rm -f "$WORK/pipe" "$WORK/wget.log" "$WORK/wget.log.hdr" "$WORK/dd.err" "$WORK/dd.pid" "$WORK/dd.res"
  mkfifo "$WORK/pipe"
  sh -c 'dd if="$1" of="$2" bs=1M conv=fsync 2>"$3" & echo $! >"$4"; wait $!; rc=$?; echo "$rc $(sed -n "s/^wchar: //p" /proc/$$/io)" >"$5"' \
    sh "$WORK/pipe" "$dev" "$WORK/dd.err" "$WORK/dd.pid" "$WORK/dd.res" &
  writer_pid=$!
  download "$url" "$WORK/pipe" "$WORK/wget.log" &
  wget_pid=$!
  i=0
  while [ ! -s "$WORK/dd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  DD_PID=$(cat "$WORK/dd.pid" 2>/dev/null)
  heartbeat busy "\"bytes_written\":0"
  [ $? -eq 2 ] && stop_forever

  stalled=
  busy_while "$wget_pid" dd_progress || stalled=1
  [ -n "$stalled" ] && kill "$wget_pid" 2>/dev/null
  wait "$wget_pid"
  wget_rc=$?
  # wget may fail before it ever opens the fifo, and dd would then wait for a writer forever.
  [ $wget_rc -ne 0 ] && [ -n "$DD_PID" ] && kill "$DD_PID" 2>/dev/null
  [ -n "$stalled" ] || busy_while "$writer_pid" dd_progress
  wait "$writer_pid"
  dd_rc=1
  written=0
  if read -r rc wchar <"$WORK/dd.res" 2>/dev/null; then
    dd_rc=$rc
    # dd's own messages and the pid file the shell wrote are in the count too.
    written=$((wchar - $(wc -c <"$WORK/dd.err") - $(wc -c <"$WORK/dd.pid")))
  fi
  TOTAL=$(content_length)
  rm -f "$WORK/pipe"
  counts="\"bytes_written\":$written${TOTAL:+,\"bytes_total\":$TOTAL}"

  if [ -n "$stalled" ]; then
    fail "download of $url stalled (no progress for $STALL_LIMIT s)" "$counts"; return
  fi
  if [ $wget_rc -ne 0 ]; then
    fail "download of $url failed: $(fetch_error "$WORK/wget.log")" "$counts"; return
  fi
  if [ $dd_rc -ne 0 ]; then
    fail "writing $dev failed: $(tail -n 2 "$WORK/dd.err")" "$counts"; return
  fi
  if [ "$written" -eq 0 ]; then fail "downloaded image is empty" "$counts"; return; fi
  if [ -n "$TOTAL" ] && [ "$written" != "$TOTAL" ]; then
    fail "short write: $written of $TOTAL bytes" "$counts"; return
  fi

  # Verify what the disk holds, not what passed through memory.
  sync
  echo 3 >/proc/sys/vm/drop_caches
  log "verifying $written bytes of $dev ($algo)"
  rm -f "$WORK/sum"
  # dd with large blocks: reading through head's small buffer takes twice as long under emulation.
  (dd if="$dev" bs=1M count="$written" iflag=count_bytes 2>/dev/null | "${algo}sum" >"$WORK/sum") &
  sum_pid=$!
  DONE_BYTES=$written
  TOTAL=${TOTAL:-$written}
  busy_while "$sum_pid" no_progress
  wait "$sum_pid"
  computed="$algo:$(cut -d ' ' -f 1 "$WORK/sum")"
  counts="\"bytes_written\":$written,\"bytes_total\":$TOTAL,\"image_checksum_computed\":\"$computed\""
  if [ "$computed" != "$want" ]; then
    fail "image checksum mismatch: expected $want, computed $computed" "$counts"
    return
  fi
  log "image written and verified: $computed"
  if [ -n "$configdrive_url" ]; then
    . "${AGENT_LIB:-/bin}/configdrive.sh"
    write_configdrive "$dev" "$written" "$configdrive_url" || { fail "config drive: $CD_ERROR" "$counts"; return; }
  fi
  STATUS=written
  EXTRA=$counts
}

# The sysfs directories of whole disks: no loop, RAM, optical, floppy or network block devices, none empty.
# SYS defaults to the real /sys (tests point it elsewhere).
disk_dirs() {
  for d in "${SYS:-/sys}"/block/*; do
    case "${d##*/}" in loop* | ram* | zram* | sr* | fd* | nbd*) continue ;; esac
    [ "$(cat "$d/size" 2>/dev/null || echo 0)" -gt 0 ] && echo "$d"
  done
}

# Whole disks the agent may erase: read-only ones are left out.
list_disks() {
  for d in $(disk_dirs); do
    [ "$(cat "$d/ro" 2>/dev/null)" = 1 ] || echo "/dev/${d##*/}"
  done
}

# Size in bytes of a block device (from sysfs: no blockdev applet needed) or of a regular file.
dev_size() {
  if [ -b "$1" ]; then
    echo $(($(cat "/sys/class/block/${1##*/}/size") * 512))
  else
    wc -c <"$1"
  fi
}

# erase_metadata DEV BYTES: zeroes the first and the last MiB. Both partition tables (MBR, GPT and its
# backup at the end) and the signatures of filesystems, RAID and LVM live there; that is what Ironic's
# erase_devices_metadata and metal3's "metadata" cleaning remove. It is not a shred of the data.
erase_metadata() {
  mib=1048576
  head_bytes=$mib
  [ "$2" -lt "$head_bytes" ] && head_bytes=$2
  dd if=/dev/zero of="$1" bs=512 count=$((head_bytes / 512)) conv=notrunc,fsync 2>"$WORK/erase.err" || return 1
  if [ "$2" -gt "$mib" ]; then
    dd if=/dev/zero of="$1" bs=512 seek=$((($2 - mib) / 512)) count=$((mib / 512)) conv=notrunc,fsync 2>>"$WORK/erase.err" || return 1
  fi
}

erase_devices() {
  devs=${DEVICES:-$(list_disks)}
  devs=$(echo $devs)
  [ -n "$devs" ] || { fail "erase_devices_metadata: no disk found"; return; }
  heartbeat busy
  [ $? -eq 2 ] && stop_forever
  for dev in $devs; do
    [ -e "$dev" ] || { fail "erase_devices_metadata: $dev not found"; return; }
    size=$(dev_size "$dev")
    log "erasing the metadata of $dev ($size bytes)"
    erase_metadata "$dev" "$size" || { fail "erasing $dev failed: $(tail -n 2 "$WORK/erase.err")"; return; }
  done
  sync
  log "erased: $devs"
  STATUS=cleaned
  EXTRA="\"erased_devices\":\"$devs\""
}

# What inspection reports, as heartbeat fields: logical CPUs, MemTotal in MiB, the largest disk in GiB
# (rounded down) and the architecture. PROC defaults to the real /proc (tests point it elsewhere).
inventory() {
  cpus=$(grep -c '^processor' "${PROC:-/proc}/cpuinfo")
  mem_kb=$(sed -n 's/^MemTotal: *\([0-9][0-9]*\) kB$/\1/p' "${PROC:-/proc}/meminfo")
  largest=0
  for d in $(disk_dirs); do
    sectors=$(cat "$d/size")
    [ "$sectors" -gt "$largest" ] && largest=$sectors
  done
  echo "\"cpus\":$cpus,\"memory_mb\":$((mem_kb / 1024)),\"local_gb\":$((largest * 512 / 1073741824)),\"cpu_arch\":\"$(uname -m)\""
}

inspect() {
  inv=$(inventory)
  case "$inv" in
    *'"cpus":,'* | *'"memory_mb":0,'* | *'"cpus":0,'*) fail "inspection could not read /proc: $inv"; return ;;
  esac
  log "inventory: $inv"
  STATUS=inspected
  EXTRA=$inv
}

stop_forever() {
  log "stopping: the manager refuses this agent's token; the node needs attention"
  while :; do sleep 3600; done
}

main() {
  mkdir -p "$WORK"
  API=$(cmdline_arg ipa-api-url)
  API=${API%/}
  BOOT_ID=$(cmdline_arg ipa-boot-id)
  [ -n "$API" ] || { log "no ipa-api-url= on the kernel command line"; return 1; }
  bring_up_network || return 1
  setup_ca
  log "api $API"
  lookup
  STATUS=ready
  EXTRA=
  while :; do
    heartbeat "$STATUS" "$EXTRA"
    case $? in
      2) stop_forever ;;
      0)
        case "$CMD" in
          write_image) write_image; continue ;;
          erase_devices_metadata) erase_devices; continue ;;
          inspect) inspect; continue ;;
          poweroff) log "powering off"; sync; poweroff -f ;;
          reboot) log "rebooting"; sync; reboot -f ;;
        esac
        ;;
    esac
    sleep "$INTERVAL"
  done
}

# Sourcing with IRONPLAN_AGENT_SOURCE_ONLY=1 loads the functions only (the host-side tests do).
[ -n "$IRONPLAN_AGENT_SOURCE_ONLY" ] || main "$@"
