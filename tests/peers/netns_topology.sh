#!/bin/sh
# Runs as `unshare -rn sh netns_topology.sh <command...>`: in the private
# network namespace it was started in (host A) it builds
#
#   A  a0 10.9.1.1/24 ── veth ── r0 10.9.1.2  R (router, forwarding)  r1 10.9.2.1 ── veth ── b0 10.9.2.2/24  B
#
# with R and B in two more namespaces held by `unshare -n sleep` processes,
# then runs the command in A with R_PID and B_PID in its environment (so it
# can `nsenter -t $R_PID -n` a peer there). Everything is in namespaces this
# script made: nothing reaches the host's interfaces. The sleeps are killed
# on exit (and end by themselves after 120 s).
set -eu
ip link set lo up
unshare -n sleep 120 &
R_PID=$!
unshare -n sleep 120 &
B_PID=$!
trap 'kill $R_PID $B_PID 2>/dev/null || true' EXIT
self=$(readlink /proc/self/ns/net)
for pid in $R_PID $B_PID; do # wait until each has left this namespace (bounded: 5 s)
  i=0
  while [ "$(readlink /proc/$pid/ns/net)" = "$self" ]; do
    i=$((i + 1))
    [ $i -lt 500 ] || { echo "namespace of $pid never appeared" >&2; exit 1; }
    sleep 0.01
  done
done
ip link add a0 type veth peer name r0
ip link add r1 type veth peer name b0
ip link set r0 netns "$R_PID"
ip link set r1 netns "$R_PID"
ip link set b0 netns "$B_PID"
ip addr add 10.9.1.1/24 dev a0
ip link set a0 up
ip route add 10.9.2.0/24 via 10.9.1.2
echo "0 0" > /proc/sys/net/ipv4/ping_group_range
nsenter -t "$R_PID" -n sh -c '
  ip link set lo up
  ip addr add 10.9.1.2/24 dev r0
  ip addr add 10.9.2.1/24 dev r1
  ip link set r0 up
  ip link set r1 up
  echo 1 > /proc/sys/net/ipv4/ip_forward'
nsenter -t "$B_PID" -n sh -c '
  ip link set lo up
  ip addr add 10.9.2.2/24 dev b0
  ip link set b0 up
  ip route add default via 10.9.2.1'
export R_PID B_PID
"$@"
