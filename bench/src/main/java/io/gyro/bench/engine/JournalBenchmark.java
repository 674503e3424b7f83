package io.gyro.bench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.SessionKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The writing thread's cost of journaling one JSON record (in the engine that thread is the CDR export's; the
 * charging thread when the journal is fed directly, as in {@link PipelineBenchmark}): the line encoded and copied into
 * the journal's write buffer, which goes to the file with one write per 256 KiB and at each batch end.
 *
 * <p>Each operation appends one session-interim record of about 700 bytes (two buckets touched, an
 * after-state with two buckets), ends a batch every 32 records, and then burns {@code otherWorkTokens}
 * of CPU ({@link Blackhole#consumeCPU}) standing for the rest of a request's work, so records are written
 * at a realistic pace (about 100 MB/s at the default) rather than as fast as memory copies go. At the end
 * of each fork it prints the writing thread's minor page faults per record (from
 * {@code /proc/thread-self/stat}, warm-up included). Files are rotated at 64 MiB; all but the newest two
 * are deleted after each iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JournalBenchmark extends EngineForks {
    /** 2026-03-01T10:00:00Z */
    private static final long T0 = 1_772_359_200_000L;
    private static final int BATCH = 32;

    /** CPU burnt per record besides journaling (Blackhole tokens; about 2 ns each). */
    @Param("2000")
    public long otherWorkTokens;

    private Path dir;
    private Journal journal;
    private final Account account = new Account();
    private final SessionKey session = new SessionKey();
    private long n;
    private long faultsAtStart;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("gyro-journal-bench");
        journal = Journal.open(dir, new JournalConfig(JournalConfig.DEFAULT_MAX_FILE_BYTES, false));
        account.clear(8617000000005L).moneyMicros(10_000_000);
        account.addBucket(1, 1_000_000_000L, T0 + 86_400_000L, 1, 1);
        account.addBucket(2, 100, T0 + 86_400_000L, 1, 1);
        session.set("pgw.bench.gyro;1700000000;1");
        faultsAtStart = minorFaults();
    }

    @TearDown(Level.Iteration)
    public void dropOldFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
        for (int i = 0; i < files.size() - 2; i++) {
            Files.delete(files.get(i));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        long faults = minorFaults() - faultsAtStart;
        System.out.printf("%nwriting thread: %d minor page faults in %d records: %.4f per record%n",
                faults, n, (double) faults / Math.max(n, 1));
        journal.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public long appendRecord() {
        CdrRecord r = journal.record().reset(CdrKind.SESSION_INTERIM, T0 + n / 1000).msisdn(8617000000005L)
                .ccRequestNumber(n).service(1).ratingGroup(100).units(1000).retailMicros(10).wholesaleMicros(2)
                .sessionId(session).afterState(account).explanation("data 1000 octets from bucket 1; tariff basic/data");
        r.bucketTouched(1, 1000, 999_000);
        r.bucketTouched(2, 1, 99);
        long seq = journal.append(r);
        if (++n % BATCH == 0) {
            journal.endOfBatch();
        }
        Blackhole.consumeCPU(otherWorkTokens);
        return seq;
    }

    /** Field 10 of /proc/thread-self/stat: the calling thread's minor page faults. */
    private static long minorFaults() {
        try {
            String s = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (IOException e) {
            return 0;
        }
    }
}
