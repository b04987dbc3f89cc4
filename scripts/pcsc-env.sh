#!/usr/bin/env bash
# pcsc-env.sh: start and stop a pcscd with the vsmartcard-vpcd virtual
# readers, the same way for people and for CI. The card agent's end-to-end
# tests (cardagent/e2e) start pcscd the same way by themselves; use this
# script to try the agent by hand or to keep one pcscd up across test runs.
#
#   scripts/pcsc-env.sh start    start pcscd (if not already running), wait until ready
#   scripts/pcsc-env.sh stop     stop the pcscd this script started
#   scripts/pcsc-env.sh status   say whether pcscd is running and ready
#
# Environment:
#   PCSC_DEBUG=1        log every APDU (--apdu --info); never in production
#   PCSC_LOG=FILE       pcscd output (default /tmp/lecms-pcscd.log)
#   PCSC_CONF_DIR=DIR   reader.conf.d directory (default: one holding only vpcd)
#
# Needs root (pcscd writes /run/pcscd) and the Debian packages pcscd,
# libpcsclite-dev and vsmartcard-vpcd. Only one pcscd can run per machine.
# Readiness is checked without connecting to the vpcd port, because a
# connection to it *is* a card insertion.
set -euo pipefail

RUN_DIR=/run/pcscd
COMM="$RUN_DIR/pcscd.comm"
PID_FILE=/run/lecms-pcscd.pid          # the pcscd this script started
VPCD_PORT_HEX=8C7B                      # 35963, "Virtual PCD 00 00"
VPCD_DRIVER=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
PCSC_LOG=${PCSC_LOG:-/tmp/lecms-pcscd.log}

die() { echo "pcsc-env: $*" >&2; exit 1; }

# alive PID: the process exists and is not a zombie.
alive() {
	local pid=$1 state
	[[ -r /proc/$pid/stat ]] || return 1
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
	[[ $state != Z && $state != X ]]
}

# running_pid prints the pid of a live pcscd, if any.
running_pid() {
	local pid
	for f in "$PID_FILE" "$RUN_DIR/pcscd.pid"; do
		[[ -r $f ]] || continue
		pid=$(tr -dc '0-9' <"$f")   # pcscd's own pid file ends in a NUL byte
		[[ -n $pid ]] && alive "$pid" && grep -qa pcscd "/proc/$pid/cmdline" 2>/dev/null && { echo "$pid"; return 0; }
	done
	return 1
}

# listening: the vpcd port is in LISTEN state (0A) in /proc/net/tcp.
listening() {
	awk -v port="$VPCD_PORT_HEX" 'NR > 1 { split($2, a, ":"); if (toupper(a[2]) == port && $4 == "0A") found = 1 } END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

ready() { [[ -S $COMM ]] && listening; }

conf_dir() {
	if [[ -n ${PCSC_CONF_DIR:-} ]]; then echo "$PCSC_CONF_DIR"; return; fi
	local d=/run/lecms-pcsc-conf
	mkdir -p "$d"
	# Only the vpcd reader, so the environment is the same on every machine.
	cat >"$d/vpcd" <<-CONF
	FRIENDLYNAME "Virtual PCD"
	DEVICENAME   /dev/null:0x8C7B
	LIBPATH      $VPCD_DRIVER
	CHANNELID    0x8C7B
	CONF
	echo "$d"
}

start() {
	[[ $EUID -eq 0 ]] || die "must run as root (pcscd writes $RUN_DIR)"
	command -v pcscd >/dev/null || [[ -x /usr/sbin/pcscd ]] || die "pcscd not installed (apt-get install pcscd)"
	[[ -e $VPCD_DRIVER ]] || die "vpcd driver missing (apt-get install vsmartcard-vpcd)"
	if pid=$(running_pid); then
		ready && { echo "pcscd already running (pid $pid)"; return 0; }
		die "pcscd (pid $pid) is running but not ready; stop it first"
	fi
	# vpcd's ports lie in the ephemeral range: keep the kernel from giving
	# them to outgoing connections, or vpcd's bind can fail ("Address already
	# in use"). Best effort (per network namespace, needs root).
	local reserved=/proc/sys/net/ipv4/ip_local_reserved_ports
	if [[ -w $reserved ]] && ! grep -q '35963-35964' "$reserved"; then
		local have; have=$(cat "$reserved")
		echo "${have:+$have,}35963-35964" >"$reserved" 2>/dev/null || true
	fi
	# A killed pcscd leaves its pid file and socket behind, and they block
	# the next start.
	rm -f "$RUN_DIR/pcscd.pid" "$COMM" "$RUN_DIR/pcscd.pub" "$PID_FILE"
	local args=(--foreground -c "$(conf_dir)")
	[[ ${PCSC_DEBUG:-} == 1 ]] && args+=(--apdu --info)
	local bin; bin=$(command -v pcscd || echo /usr/sbin/pcscd)
	nohup "$bin" "${args[@]}" >"$PCSC_LOG" 2>&1 &
	local pid=$!
	echo "$pid" >"$PID_FILE"
	for _ in $(seq 100); do
		ready && { echo "pcscd ready (pid $pid, log $PCSC_LOG)"; return 0; }
		alive "$pid" || die "pcscd exited; see $PCSC_LOG"
		sleep 0.05
	done
	die "pcscd not ready after 5 s; see $PCSC_LOG"
}

stop() {
	[[ -r $PID_FILE ]] || { echo "no pcscd started by this script"; return 0; }
	local pid; pid=$(tr -dc '0-9' <"$PID_FILE")
	if [[ -n $pid ]] && alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 100); do alive "$pid" || break; sleep 0.05; done
		if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
	fi
	rm -f "$PID_FILE" "$RUN_DIR/pcscd.pid" "$COMM" "$RUN_DIR/pcscd.pub"
	echo "pcscd stopped"
}

status() {
	if pid=$(running_pid); then
		if ready; then echo "pcscd running and ready (pid $pid)"; else echo "pcscd running (pid $pid), not ready"; fi
	else
		echo "pcscd not running"; return 1
	fi
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
