# Sourced by agent.sh (busybox sh) for a deploy with a config drive. The config drive gets a partition of
# its own at the end of the disk, as Ironic's agent makes it: CONFIGDRIVE_MIB, 1 MiB aligned, after the
# image, clear of a GPT's backup area; its entry goes in a free slot of the image's MBR, or of its GPT
# (whose backup header and entries then move to the end of the disk, CRCs recomputed).
# Uses log and dev_size from agent.sh.
CONFIGDRIVE_MIB=64
# GPT type "Linux filesystem" 0FC63DAF-8483-4772-8E79-3D69D8477DE4, in its on-disk byte order.
LINUX_FS_GUID='\257\075\306\017\203\204\162\107\216\171\075\151\330\107\175\344'

# le32 N / le64 N: N as little-endian bytes (busybox printf takes octal escapes).
le32() {
  _n=$1
  for _ in 1 2 3 4; do
    printf "\\$(printf %03o $((_n & 255)))"
    _n=$((_n >> 8))
  done
}
le64() { le32 $(($1 & 4294967295)); le32 $(($1 >> 32)); }

# at FILE OFFSET LEN: the little-endian unsigned number at OFFSET, in decimal.
at() { dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null | od -An -v -tu1 | awk 'BEGIN { m = 1 } { for (i = 1; i <= NF; i++) { v += $i * m; m *= 256 } } END { printf "%.0f\n", v }'; }

# put FILE OFFSET: stdin's bytes written over FILE at OFFSET.
put() { dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }

# CRC-32 (IEEE 802.3, what GPT uses) of stdin, in decimal.
crc32() {
  od -An -v -tu1 | awk 'BEGIN {
    for (i = 0; i < 256; i++) { c = i; for (k = 0; k < 8; k++) c = and(c, 1) ? xor(rshift(c, 1), 3988292384) : rshift(c, 1); t[i] = c }
    crc = 4294967295
  } { for (i = 1; i <= NF; i++) crc = xor(t[and(xor(crc, $i), 255)], rshift(crc, 8)) } END { printf "%.0f\n", xor(crc, 4294967295) }'
}

# mbr_byte DEV OFFSET: one byte of the disk's first sector as two hex digits.
mbr_byte() { dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tx1 | tr -d ' \n'; }

# gpt_crc HEADER: sets the header's CRC (over its own size, with the CRC field zeroed).
gpt_crc() {
  printf '\000\000\000\000' | put "$1" 16
  le32 "$(head -c "$(at "$1" 12 4)" "$1" | crc32)" | put "$1" 16
}

# gpt_add DEV START COUNT SECTORS: adds the partition to the GPT; CD_ERROR says why not.
gpt_add() {
  dev=$1 start=$2 count=$3 last=$(($4 - 1))
  hdr=$WORK/gpt.hdr ent=$WORK/gpt.ent
  dd if="$dev" of="$hdr" bs=512 skip=1 count=1 2>/dev/null
  [ "$(head -c 8 "$hdr")" = "EFI PART" ] || { CD_ERROR="the protective MBR announces a GPT but LBA 1 holds none"; return 1; }
  entries_lba=$(at "$hdr" 72 8) n=$(at "$hdr" 80 4) esz=$(at "$hdr" 84 4)
  [ "$esz" = 128 ] && [ "$n" -le 128 ] || { CD_ERROR="unsupported GPT layout ($n entries of $esz bytes)"; return 1; }
  dd if="$dev" bs=512 skip="$entries_lba" count=32 2>/dev/null | head -c $((n * esz)) >"$ent"
  # First free entry (zero type GUID) and the highest last LBA in use, in one pass.
  set -- $(od -An -v -tu1 "$ent" | awk -v esz="$esz" '{ for (i = 1; i <= NF; i++) b[j++] = $i } END {
    free = -1; top = 0
    for (e = 0; e * esz < j; e++) {
      o = e * esz; used = 0
      for (k = 0; k < 16; k++) if (b[o + k]) used = 1
      if (!used) { if (free < 0) free = e; continue }
      v = 0; m = 1; for (k = 40; k < 48; k++) { v += b[o + k] * m; m *= 256 }
      if (v > top) top = v
    }
    printf "%d %.0f\n", free, top }')
  slot=$1 top=$2
  [ "$slot" -ge 0 ] || { CD_ERROR="the image's GPT has no free entry"; return 1; }
  [ "$start" -gt "$top" ] || { CD_ERROR="no room after the image's last partition for a $CONFIGDRIVE_MIB MiB partition"; return 1; }
  {
    printf "$LINUX_FS_GUID"
    dd if=/dev/urandom bs=16 count=1 2>/dev/null
    le64 "$start"; le64 $((start + count - 1)); le64 0
    printf 'c\000o\000n\000f\000i\000g\000-\0002\000'; head -c 56 /dev/zero
  } | put "$ent" $((slot * esz))
  ecrc=$(crc32 <"$ent")
  # Primary: its backup now lives at the disk's end, and the usable area reaches up to the backup entries.
  le64 "$last" | put "$hdr" 32
  le64 $((last - 33)) | put "$hdr" 48
  le32 "$ecrc" | put "$hdr" 88
  gpt_crc "$hdr"
  # Backup: the same with its own and the other header's places swapped, entries just before it.
  cp "$hdr" "$WORK/gpt.bak"
  le64 "$last" | put "$WORK/gpt.bak" 24
  le64 1 | put "$WORK/gpt.bak" 32
  le64 $((last - 32)) | put "$WORK/gpt.bak" 72
  gpt_crc "$WORK/gpt.bak"
  dd if="$ent" of="$dev" bs=512 seek="$entries_lba" conv=notrunc,fsync 2>/dev/null &&
    dd if="$hdr" of="$dev" bs=512 seek=1 count=1 conv=notrunc,fsync 2>/dev/null &&
    dd if="$ent" of="$dev" bs=512 seek=$((last - 32)) conv=notrunc,fsync 2>/dev/null &&
    dd if="$WORK/gpt.bak" of="$dev" bs=512 seek="$last" count=1 conv=notrunc,fsync 2>/dev/null || { CD_ERROR="writing the GPT failed"; return 1; }
  # The protective MBR's partition covers the whole disk again.
  size=$((last < 4294967295 ? last : 4294967295))
  le32 "$size" | put "$dev" $((446 + 12))
  PART_NUMBER=$((slot + 1))
}

# mbr_add DEV START COUNT: adds the partition to the MBR; CD_ERROR says why not.
mbr_add() {
  slot=
  for i in 0 1 2 3; do
    if [ "$(mbr_byte "$1" $((446 + 16 * i + 4)))" = 00 ]; then slot=$i; break; fi
  done
  [ -n "$slot" ] || { CD_ERROR="the image's MBR has no free partition slot"; return 1; }
  # MBR describes at most 2^32 sectors.
  [ $(($2 + $3)) -le 4294967295 ] || { CD_ERROR="an MBR cannot describe a partition beyond 2 TiB"; return 1; }
  # status 0, CHS "beyond" markers, type 0x83, first LBA, sector count.
  { printf '\000\376\377\377\203\376\377\377'; le32 "$2"; le32 "$3"; } | put "$1" $((446 + 16 * slot)) || { CD_ERROR="writing the partition entry failed"; return 1; }
  PART_NUMBER=$((slot + 1))
}

# write_configdrive DEV IMAGE_BYTES URL
write_configdrive() {
  dev=$1
  image_bytes=$2
  rm -f "$WORK/configdrive.iso"
  if is_https "$3"; then
    curl_tls -f --max-time 120 -o "$WORK/configdrive.iso" "$3" 2>"$WORK/cd.err"
  else
    timeout 120 wget -q -O "$WORK/configdrive.iso" "$3" 2>"$WORK/cd.err"
  fi
  if [ $? -ne 0 ]; then
    CD_ERROR="download failed: $(fetch_error "$WORK/cd.err" | tail -n 1)"; return 1
  fi
  cd_bytes=$(wc -c <"$WORK/configdrive.iso")
  [ "$cd_bytes" -le $((CONFIGDRIVE_MIB << 20)) ] || { CD_ERROR="larger than $CONFIGDRIVE_MIB MiB"; return 1; }
  [ "$(mbr_byte "$dev" 510)$(mbr_byte "$dev" 511)" = 55aa ] || { CD_ERROR="the image has no partition table to add the partition to"; return 1; }
  sectors=$(($(dev_size "$dev") / 512))
  count=$((CONFIGDRIVE_MIB * 2048))
  # 34 sectors at the end stay free for a GPT's backup header and entries.
  start=$(((sectors - 34 - count) / 2048 * 2048))
  [ "$start" -gt 0 ] && [ $((start * 512)) -ge "$image_bytes" ] || { CD_ERROR="no room after the image for a $CONFIGDRIVE_MIB MiB partition"; return 1; }
  if [ "$(mbr_byte "$dev" 450)" = ee ]; then
    table=GPT
    gpt_add "$dev" "$start" "$count" "$sectors" || return 1
  else
    table=MBR
    mbr_add "$dev" "$start" "$count" || return 1
  fi
  log "writing the config drive ($cd_bytes bytes) to $dev partition $PART_NUMBER ($table) at sector $start"
  dd if="$WORK/configdrive.iso" of="$dev" bs=512 seek="$start" conv=notrunc,fsync 2>"$WORK/cd.err" || { CD_ERROR="writing $dev failed: $(tail -n 1 "$WORK/cd.err")"; return 1; }
  sync
  rm -f "$WORK/configdrive.iso"
  return 0
}
