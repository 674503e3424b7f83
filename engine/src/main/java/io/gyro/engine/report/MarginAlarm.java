package io.gyro.engine.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The negative-margin alarm: for each package and UTC day whose margin ({@link MarginLine}'s rule) is below zero, one
 * WARN and one step of {@link #alarms()}, once per package and day for the life of this object.
 *
 * <p>Evaluated by {@link #pass}, which the engine runs every {@code reports.marginAlarmSeconds} on its own thread
 * (never the charging thread): a pass reads only what the record files gained since the last pass (it keeps each
 * file's offset past its last complete line), for the files of yesterday and today, so its cost follows the traffic,
 * not the size of the day. The margin so judged is the day's running margin: a day is alarmed as soon as it goes
 * below zero, and the first pass after midnight still reads the end of yesterday. A restart reads both days again
 * and may say a day's alarm again. Thread-safe ({@link #pass} is synchronized; the counter is atomic).
 */
public final class MarginAlarm {
    private static final Logger LOG = LoggerFactory.getLogger(MarginAlarm.class);
    private static final long MS_PER_DAY = 86_400_000L;

    private final Path journalDir;
    private final AtomicLong alarms = new AtomicLong();
    private final MarginLine line = new MarginLine();
    /** Where the next read of each file starts (past its last complete line). */
    private final Map<Path, Long> offsets = new HashMap<>();
    /** day -> package -> amounts, for the days still watched. */
    private final TreeMap<Long, Map<String, MarginReport.Amounts>> days = new TreeMap<>();
    /** day -> packages already alarmed that day. */
    private final Map<Long, Set<String>> alarmed = new HashMap<>();
    private long unreadableLines;

    /** @param journalDir the record files' directory ({@code <data>/journal}) */
    public MarginAlarm(Path journalDir) {
        this.journalDir = journalDir;
    }

    /** Alarms raised so far: packages and days found with a negative margin (/status). */
    public long alarms() {
        return alarms.get();
    }

    /**
     * Reads what was appended since the last pass to the record files of the UTC day of {@code nowMs} and the day
     * before, and alarms on each (day, package) now below zero that was not alarmed yet.
     *
     * @return how many alarms this pass raised
     */
    public synchronized int pass(long nowMs) throws IOException {
        long today = Math.floorDiv(nowMs, MS_PER_DAY);
        long firstDay = today - 1;
        days.headMap(firstDay).clear();
        alarmed.keySet().removeIf(d -> d < firstDay);
        for (RecordFiles.DayFile f : RecordFiles.list(journalDir)) {
            if (f.epochDay() < firstDay) {
                offsets.remove(f.path());
                continue;
            }
            long from = offsets.getOrDefault(f.path(), 0L);
            long to = RecordFiles.readLines(f.path(), from, MarginReport.MAX_LINE_BYTES,
                    (buf, off, len) -> add(buf, off, len, firstDay));
            offsets.put(f.path(), to);
        }
        int raised = 0;
        for (Map.Entry<Long, Map<String, MarginReport.Amounts>> day : days.entrySet()) {
            for (Map.Entry<String, MarginReport.Amounts> p : day.getValue().entrySet()) {
                MarginReport.Amounts a = p.getValue();
                if (a.marginMicros() < 0 && alarmed.computeIfAbsent(day.getKey(), k -> new HashSet<>()).add(p.getKey())) {
                    raised++;
                    alarms.incrementAndGet();
                    LOG.warn("negative margin: package {} on {} (UTC) so far: revenue {}, wholesale cost {}, margin {} "
                                    + "({} records; said once per package and day)", p.getKey(),
                            LocalDate.ofEpochDay(day.getKey()), io.gyro.rating.money.Money.format(a.revenueMicros()),
                            io.gyro.rating.money.Money.format(a.wholesaleMicros()),
                            io.gyro.rating.money.Money.format(a.marginMicros()), a.records());
                }
            }
        }
        return raised;
    }

    /** Lines of the watched files that were not records (a pass skips them). */
    public synchronized long unreadableLines() {
        return unreadableLines;
    }

    private void add(byte[] buf, int off, int len, long firstDay) {
        if (!line.parse(buf, off, len)) {
            unreadableLines++;
            return;
        }
        MarginLine.Counted how = line.counts();
        long day = line.epochDay();
        if (how == MarginLine.Counted.NONE || day < firstDay) {
            return;
        }
        days.computeIfAbsent(day, k -> new HashMap<>())
                .computeIfAbsent(line.packageOrUnknown(), k -> new MarginReport.Amounts())
                .add(line, how);
    }
}
