#!/usr/bin/env python3
"""A black-holed TCP address for t0677: listens on HOST:PORT with a backlog of 0 and fills
its accept queue with one connection it never accepts, so the kernel drops every further
SYN to it (a connect there neither succeeds nor fails: it waits, as to a filtered address).
Writes READY once the queue is full; runs until killed."""
import socket
import sys
import time

host, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, port))
srv.listen(0)
held = []
for _ in range(2):  # Linux admits backlog + 1 connections to the queue
    c = socket.socket()
    c.settimeout(1)
    try:
        c.connect((host, port))
        held.append(c)
    except OSError:
        break
open(ready, "w").close()
while True:
    time.sleep(60)
