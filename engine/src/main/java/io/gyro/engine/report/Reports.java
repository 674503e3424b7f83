package io.gyro.engine.report;

import io.gyro.engine.status.ErrorLog;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The reports' side of the engine: one worker thread that runs report queries (the HTTP API hands them over from its
 * event loop; at most {@value #MAX_QUEUED} wait, more are refused so a burst of year-long reports cannot pile up), and
 * the {@link MarginAlarm}'s pass on its own timer thread. Neither is the charging thread: both read the record files
 * as an outside reader does. Made and closed by the engine's lifecycle thread.
 */
public final class Reports implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reports.class);
    static final int MAX_QUEUED = 4;

    private final Path dataDir;
    private final Path journalDir;
    private final ThreadPoolExecutor worker;
    private final MarginAlarm alarm;
    /** Null when the alarm is off. */
    private final ScheduledExecutorService alarmTimer;

    /**
     * @param dataDir      the data directory (record files in {@code journal/}, the service order beside them)
     * @param alarmSeconds how often the margin alarm runs its pass; 0 = never (tests call {@link MarginAlarm#pass})
     * @param clock        the engine clock (epoch ms): the alarm's "today"
     */
    public Reports(Path dataDir, int alarmSeconds, LongSupplier clock) {
        this.dataDir = dataDir;
        this.journalDir = dataDir.resolve("journal");
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED),
                new DefaultThreadFactory("gyro-reports", true));
        this.alarm = new MarginAlarm(journalDir);
        if (alarmSeconds > 0) {
            alarmTimer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("gyro-margin-alarm", true));
            alarmTimer.scheduleWithFixedDelay(() -> {
                try {
                    alarm.pass(clock.getAsLong());
                } catch (IOException | RuntimeException e) {
                    ErrorLog.error(LOG, "margin alarm pass failed", e);
                }
            }, alarmSeconds, alarmSeconds, TimeUnit.SECONDS);
        } else {
            alarmTimer = null;
        }
    }

    public MarginAlarm alarm() {
        return alarm;
    }

    /**
     * Runs {@code task} on the report worker.
     *
     * @throws RejectedExecutionException when {@value #MAX_QUEUED} queries already wait, or after {@link #close}
     */
    public void execute(Runnable task) {
        worker.execute(task);
    }

    /** The margin report of the UTC days {@code from..to}; on the report worker. */
    public MarginReport margin(LocalDate from, LocalDate to) throws IOException {
        List<String> services = io.gyro.engine.pipeline.ServiceOrder.recorded(dataDir);
        return MarginReport.read(journalDir, from, to, services);
    }

    @Override
    public void close() {
        if (alarmTimer != null) {
            alarmTimer.shutdownNow();
        }
        worker.shutdownNow();
    }
}
