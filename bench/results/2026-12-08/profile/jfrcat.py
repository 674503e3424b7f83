#!/usr/bin/env python3
# jfrcat.py SAMPLES.txt T0 T1 US_PER_REQ : charging-thread samples in [T0,T1] put in one category each, by the
# first (in this priority order) category method found anywhere on the stack; us = share x US_PER_REQ.
import sys, re, collections
f, t0, t1, us = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
day0 = t0 - (t0 % 86400)
cats = [
 ('session write: SessionTable + session log record (SessionStore.write)', 'io.gyro.engine.store.SessionStore.write'),
 ('session lookup (SessionStore.read -> SessionTable.find)', 'io.gyro.engine.store.SessionStore.read'),
 ('CDR: rating explanation text + WAL encode/append (Records.*)', 'io.gyro.engine.pipeline.Records.'),
 ('account write, Chronicle Map in place (Parties.writeAccount)', 'io.gyro.engine.core.Parties.writeAccount'),
 ('open the parties: subscriber + account from the read caches (copies), account -> wallet (Parties.open)', 'io.gyro.engine.core.Parties.open'),
 ('expiry-wheel scheduling (StaleSessionSweeper.schedule)', 'io.gyro.engine.core.StaleSessionSweeper.'),
 ('CCA build (CreditControlAnswers.*)', 'io.gyro.engine.gy.CreditControlAnswers.'),
 ('rating / catalogue (io.gyro.rating.*: Catalogue.serviceIndex, Rater)', 'io.gyro.rating.'),
 ('SMS event charging, rest (EventCharging)', 'io.gyro.engine.core.EventCharging.'),
 ('session charging logic, rest (SessionCharging, Parties)', 'io.gyro.engine.core.'),
 ('CreditControlHandler, rest', 'io.gyro.engine.gy.CreditControlHandler.'),
 ('ChargingProcessor, rest (batch, hand-off to Netty)', 'io.gyro.engine.pipeline.ChargingProcessor.'),
]
def tod(s):
    h, m, x = s.split(':'); return day0 + int(h)*3600 + int(m)*60 + float(x)
cnt = collections.Counter(); n = 0; cur = None; inst = False
for line in open(f):
    s = line.strip()
    if s.startswith('jdk.ExecutionSample'): cur = {'fr': []}; inst = False
    elif cur is None: continue
    elif s.startswith('startTime'): cur['t'] = tod(s.split('=')[1].split()[0])
    elif s.startswith('sampledThread'): cur['th'] = s.split('"')[1]
    elif s.startswith('stackTrace'): inst = True
    elif inst and s == ']': inst = False
    elif inst: cur['fr'].append(s)
    elif s == '}':
        if cur.get('th', '').startswith('gyro-charging') and t0 <= cur.get('t', 0) <= t1:
            n += 1
            c = next((name for name, key in cats if any(fr.startswith(key) for fr in cur['fr'])), 'outside ChargingProcessor: Disruptor loop and wait (BatchEventProcessor, ParkingWaitStrategy)')
            cnt[c] += 1
        cur = None
print(f'| what (each sample counted once) | samples | share | ~us per request |\n|---|---|---|---|')
for name, _ in cats + [('outside ChargingProcessor: Disruptor loop and wait (BatchEventProcessor, ParkingWaitStrategy)', '')]:
    c = cnt.get(name, 0)
    print(f'| {name} | {c} | {100*c/n:.1f} % | {us*c/n:.2f} |')
print(f'| total | {n} | 100 % | {us:.2f} |')
