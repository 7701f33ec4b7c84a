#!/bin/sh
# A chassis_control program for ipmi_sim whose BMC answers for power but fails every boot device request
# (get and set): the fault test's BMC. Everything else is lab/bmc/fake-chassis.sh's (state in $FAKE_CHASSIS_DIR).
for arg in "$@"; do
  [ "$arg" = boot ] && exit 1
done
exec "$(dirname "$0")/../../lab/bmc/fake-chassis.sh" "$@"
