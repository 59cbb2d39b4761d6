"""Prints the first port of a block of N free ports on 127.0.0.1 (N the only argument), below the
ephemeral range so that no client connection can take one of them meanwhile."""
import random
import socket
import sys

n = int(sys.argv[1])
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
top = min(low, 65536) - n
bottom = 10000 if top > 12000 else 1024
for _ in range(500):
    base = random.randint(bottom, top)
    socks = []
    try:
        for p in range(base, base + n):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(base)
    break
else:
    sys.exit("no block of free ports found")
