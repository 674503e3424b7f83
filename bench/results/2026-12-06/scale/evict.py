#!/usr/bin/env python3
"""Drops one data directory's files from the page cache (fsync, then POSIX_FADV_DONTNEED), so the next engine start
finds them cold, as after a reboot; other files on the box are left alone. usage: evict.py DIR"""
import os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    p = os.path.join(d, name)
    if not os.path.isfile(p):
        continue
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
