package io.gyro.engine.settle;

import java.nio.file.Path;

/**
 * One unit of settlement on either side: a host line, or what Gyro charged for one session (all its interim and
 * final records), one event, or (per-day files) one subscriber's service for a day. Made per partition, dropped
 * with it. Caller's thread.
 */
final class Item {
    static final long NONE = Long.MIN_VALUE;

    long subscriber;
    int service;
    /** Epoch ms; {@link #NONE} when not known (Gyro records without usageStartMs). */
    long startMs = NONE;
    long stopMs;
    long quantity;
    long amountMicros;
    /** Host: records the line stands for (0 unknown). Gyro: charging records summed in. */
    int records;
    /** Gyro, per day: sessions and events summed in. */
    int sessions;
    /** Host: line in the file. */
    long line;
    /** Gyro: seq range of the records summed in. */
    long firstSeq = Long.MAX_VALUE;
    long lastSeq;
    long sessionHash;
    /** Gyro: a one-off event (an SMS), which a refund may cancel. */
    boolean event;
    boolean cancelled;
    /**
     * The spill file and position of this item's texts (host: visited PLMN, called number, record id; Gyro: the
     * visited PLMN and called number of its first record), read only when the item is written as a difference.
     */
    Path textFile;
    long textPosition = -1;
    String visitedPlmn = "";
    String calledNumber = "";
    String recordId = "";
    Item partner;

    /** Adds one of Gyro's records (its usage, cost, time, seq). */
    void addRecord(long seq, long tsMs, long usageStartMs, long usageStopMs, long units, long wholesaleMicros) {
        records++;
        quantity = Math.addExact(quantity, units);
        amountMicros = Math.addExact(amountMicros, wholesaleMicros);
        firstSeq = Math.min(firstSeq, seq);
        lastSeq = Math.max(lastSeq, seq);
        long stop = usageStopMs != NONE ? usageStopMs : tsMs;
        stopMs = records == 1 ? stop : Math.max(stopMs, stop);
        if (usageStartMs != NONE) {
            startMs = startMs == NONE ? usageStartMs : Math.min(startMs, usageStartMs);
        }
    }
}
