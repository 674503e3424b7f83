package io.gyro.engine.status;

import org.slf4j.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps each distinct error once with a count (STYLE.md §15): the first occurrence is logged with
 * its stack trace, repeats only counted, and {@link #snapshot()} serves the counts on /status.
 * Bounded: past {@value #MAX_KEYS} distinct keys, new ones fold into one overflow count.
 */
public final class ErrorLog {
    private static final int MAX_KEYS = 256;
    private static final String OVERFLOW = "(other errors)";
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private ErrorLog() {
    }

    public static void error(Logger log, String what, Throwable t) {
        String key = what + ": " + t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        if (key.length() > 300) {
            key = key.substring(0, 300);
        }
        LongAdder count = COUNTS.get(key);
        if (count == null) {
            if (COUNTS.size() >= MAX_KEYS) {
                COUNTS.computeIfAbsent(OVERFLOW, k -> new LongAdder()).increment();
                return;
            }
            count = COUNTS.computeIfAbsent(key, k -> new LongAdder());
            if (count.sum() == 0) {
                log.error("{} (logged once; repeats are counted on /status)", what, t);
            }
        }
        count.increment();
    }

    public static Map<String, Long> snapshot() {
        Map<String, Long> out = new java.util.TreeMap<>();
        COUNTS.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
