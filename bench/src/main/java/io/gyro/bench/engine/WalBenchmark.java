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
import io.gyro.engine.wal.CdrWalCodec;
import io.gyro.engine.wal.Wal;
import io.gyro.engine.wal.WalConfig;
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

/**
 * The charging thread's cost of recording one charge: the binary write-ahead log ({@code sink=wal}: the fixed CDR
 * layout copied into the mapped segment with its CRC32C) against the JSON journal the charging thread wrote before
 * ({@code sink=json}: the line encoded and copied into the journal's write buffer, written out 256 KiB at a time and
 * at each batch end). The JSON export of the log runs on its own thread and is not measured here.
 *
 * <p>Each operation fills the same session-interim record {@link JournalBenchmark} writes (two buckets touched,
 * an after-state with two buckets, a session id, an explanation of ~50 characters; about 700 bytes of JSON, 456
 * framed bytes of binary) and appends it; a batch ends every 32 records. {@link #fillOnly} is the baseline: the record filled,
 * nothing written. No other work paces the writer, so records are written as fast as they can be (the log takes
 * the page faults of fresh segment pages; the JSON journal's writes take none). All but the
 * newest two files are deleted after each iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
public class WalBenchmark extends EngineForks {
    /** 2026-03-01T10:00:00Z */
    private static final long T0 = 1_772_359_200_000L;
    private static final int BATCH = 32;

    @Param({"wal", "json"})
    public String sink;
    /**
     * The log's prefaulter ({@code journal.housekeeper} in the engine); off in the run of 2026-12-07, which was made
     * before it existed.
     */
    @Param("false")
    public boolean prefault;

    private Path dir;
    private Wal wal;
    private Journal journal;
    private final CdrWalCodec codec = new CdrWalCodec();
    private CdrRecord record;
    private final Account account = new Account();
    private final SessionKey session = new SessionKey();
    private long n;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("gyro-wal-bench");
        if (sink.equals("wal")) {
            wal = Wal.open(dir, new WalConfig(WalConfig.DEFAULT_SEGMENT_BYTES, false, prefault));
            record = new CdrRecord();
        } else {
            journal = Journal.open(dir, new JournalConfig(JournalConfig.DEFAULT_MAX_FILE_BYTES, false));
            record = journal.record();
        }
        account.clear(8617000000005L).moneyMicros(10_000_000);
        account.addBucket(1, 1_000_000_000L, T0 + 86_400_000L, 1, 1);
        account.addBucket(2, 100, T0 + 86_400_000L, 1, 1);
        session.set("pgw.bench.gyro;1700000000;1");
    }

    @TearDown(Level.Iteration)
    public void dropOldFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl") || p.getFileName().toString().endsWith(".wal"))
                    .sorted().toList();
        }
        for (int i = 0; i < files.size() - 2; i++) {
            Files.delete(files.get(i));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (wal != null) {
            wal.close();
        }
        if (journal != null) {
            journal.close();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private CdrRecord fill() {
        CdrRecord r = record.reset(CdrKind.SESSION_INTERIM, T0 + n / 1000).msisdn(8617000000005L)
                .ccRequestNumber(n).service(1).ratingGroup(100).units(1000).retailMicros(10).wholesaleMicros(2)
                .sessionId(session).afterState(account).explanation("data 1000 octets from bucket 1; tariff basic/data");
        r.bucketTouched(1, 1000, 999_000);
        r.bucketTouched(2, 1, 99);
        return r;
    }

    /** Baseline: the record filled as the charging processor fills it, not written. */
    @Benchmark
    public long fillOnly() {
        n++;
        return fill().tsMs();
    }

    @Benchmark
    public long appendRecord() {
        CdrRecord r = fill();
        long seq;
        if (wal != null) {
            seq = codec.append(wal, r);
            if (++n % BATCH == 0) {
                wal.endOfBatch();
            }
        } else {
            seq = journal.append(r);
            if (++n % BATCH == 0) {
                journal.endOfBatch();
            }
        }
        return seq;
    }
}
