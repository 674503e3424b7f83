#!/usr/bin/env python3
"""Share of cpu-clock samples (perf script -F event,ip,sym) whose kernel stack is a page fault, by the fault-path frames in it. usage: faultkinds.py FILE.script"""
import sys, collections
cur=None; out=collections.Counter(); n=0
def emit(fr):
    global n
    n+=1
    s=' '.join(fr)
    if 'exc_page_fault' not in s: return
    keys=[]
    for k in ('do_wp_page','wp_page_shared','do_page_mkwrite','ext4_page_mkwrite','do_shared_fault','do_read_fault','filemap_map_pages','filemap_fault','page_cache_ra','ext4_mpage_readpages','blk_','io_schedule','folio_wait','__pvm','pvm_'):
        if k in s: keys.append(k)
    out[' '.join(keys) or 'none']+=1
fr=None
for line in open(sys.argv[1], errors='replace'):
    if not line.startswith('\t') and line.strip():
        if fr is not None and ev.startswith('cpu'): emit(fr)
        ev=line.strip(); fr=[]
    elif line.strip(): fr.append(line.strip())
if fr is not None and ev.startswith('cpu'): emit(fr)
for k,c in out.most_common(15): print(f'{100.0*c/n:5.1f}%  {k}')
