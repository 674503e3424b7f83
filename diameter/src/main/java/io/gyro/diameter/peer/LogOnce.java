package io.gyro.diameter.peer;

import org.slf4j.Logger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Logs each distinct problem once and counts the repeats, so a bad peer cannot flood the log. */
final class LogOnce {
    private static final int MAX_KEYS = 1024;
    private static final ConcurrentHashMap<String, LongAdder> SEEN = new ConcurrentHashMap<>();

    private LogOnce() {
    }

    static void warn(Logger log, String key, String format, Object... args) {
        LongAdder count = SEEN.get(key);
        if (count != null) {
            count.increment();
            return;
        }
        if (SEEN.size() < MAX_KEYS && SEEN.putIfAbsent(key, new LongAdder()) == null) {
            log.warn(format, args);
        }
    }
}
