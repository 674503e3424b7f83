package io.gyro.bench.rating;

import io.gyro.bench.JvmFlags;
import io.gyro.rating.ChargeRequest;
import io.gyro.rating.ChargeResult;
import io.gyro.rating.QuotaRequest;
import io.gyro.rating.QuotaResult;
import io.gyro.rating.Rater;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import io.gyro.rating.tariff.BucketSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;

/**
 * Cost of the rating call on the charging processor's hot path, on the sample catalogue
 * ({@code config/catalogue.yaml}, or {@code -Dgyro.catalogue=...}): a typical Gy data
 * request (quota, reserve, then release and charge of what was used), a voice charge with
 * destination lookup and 60+6 rounding, and a money-limited grant (binary search). Run with
 * {@code -prof gc} to see allocation per operation (expected: 0 B/op). Forks with the engine's
 * production flags ({@link JvmFlags}), like every Gyro benchmark.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
        JvmFlags.EXPORT_NIO, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.EXPORT_REF,
        JvmFlags.EXPORT_MISC, JvmFlags.OPEN_JAVAC, JvmFlags.OPEN_IO, JvmFlags.OPEN_UTIL, JvmFlags.NO_ANALYTICS,
        JvmFlags.HEAP_MIN, JvmFlags.HEAP_MAX, JvmFlags.GC, JvmFlags.PRE_TOUCH})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RatingBenchmark {

    private static final long MB = 1024L * 1024;

    private Rater rater;
    private Catalogue catalogue;
    private final Wallet dataWallet = new Wallet();
    private final Wallet voiceWallet = new Wallet();
    private final Wallet poorWallet = new Wallet();
    private final QuotaRequest dataQuota = new QuotaRequest();
    private final QuotaRequest poorQuota = new QuotaRequest();
    private final ChargeRequest dataCharge = new ChargeRequest();
    private final ChargeRequest voiceCharge = new ChargeRequest();
    private final QuotaResult grant = new QuotaResult();
    private final ChargeResult charged = new ChargeResult();
    private final StringBuilder contextId = new StringBuilder("32251@3gpp.org");
    private final StringBuilder calledNumber = new StringBuilder("+447700900123");
    private long bucketUnits;

    @Setup(Level.Trial)
    public void setUp() {
        catalogue = sampleCatalogue();
        rater = new Rater(catalogue);
        int basic = catalogue.packageIndex("basic");
        int data = catalogue.serviceIndex("32251@3gpp.org", 100, -1);
        int voice = catalogue.serviceIndex("32260@3gpp.org", 300, -1);
        long now = LocalDateTime.parse("2026-11-25T10:00").atZone(ZoneId.of("Asia/Shanghai")).toInstant().toEpochMilli();
        int dataAllowance = -1;
        for (int a = 0; a < catalogue.pkg(basic).allowanceCount(); a++) {
            BucketSource s = catalogue.bucketSource(catalogue.pkg(basic).allowanceCode(a));
            if (s.service() == data) {
                dataAllowance = s.code();
            }
        }
        // a basic subscriber with 50 CNY and 3 GB of data (1 GB left)
        bucketUnits = 1024 * MB;
        dataWallet.moneyMicros = 50_000_000;
        dataWallet.addBucket(data, bucketUnits, now + 10 * 86_400_000L, 30, dataAllowance);
        dataQuota.clear();
        dataQuota.packageIndex = basic;
        dataQuota.service = data;
        dataQuota.nowMs = now;
        dataCharge.clear();
        dataCharge.packageIndex = basic;
        dataCharge.service = data;
        dataCharge.startMs = now;
        dataCharge.usedUnits = 3 * MB + 12_345;
        // an international call, 61 s, paid from money
        voiceWallet.moneyMicros = 1_000_000_000_000L;
        voiceCharge.clear();
        voiceCharge.packageIndex = basic;
        voiceCharge.service = voice;
        voiceCharge.startMs = now;
        voiceCharge.usedUnits = 61;
        voiceCharge.calledNumber = calledNumber;
        // money-limited grant: 0.17 CNY buys part of 10 MB, found by binary search
        poorWallet.moneyMicros = 170_000;
        poorQuota.clear();
        poorQuota.packageIndex = basic;
        poorQuota.service = data;
        poorQuota.nowMs = now;
    }

    /** config/catalogue.yaml of this checkout (found from the working directory up), or -Dgyro.catalogue. */
    public static Catalogue sampleCatalogue() {
        String configured = System.getProperty("gyro.catalogue");
        Path file = configured != null ? Path.of(configured) : null;
        for (Path p = Path.of("").toAbsolutePath(); file == null && p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("config/catalogue.yaml"))) {
                file = p.resolve("config/catalogue.yaml");
            }
        }
        if (file == null) {
            throw new IllegalStateException("config/catalogue.yaml not found; pass -Dgyro.catalogue=path");
        }
        CatalogueLoadResult r = CatalogueLoader.load(file);
        if (!r.ok()) {
            throw new IllegalStateException(r.report());
        }
        return r.catalogue();
    }

    /** What the harness and a field read cost: subtract from the others. */
    @Benchmark
    public long baseline() {
        return dataWallet.moneyMicros;
    }

    /** Service-Context-Id + Rating-Group to service index (hash of a CharSequence, binary search). */
    @Benchmark
    public int serviceLookup() {
        return catalogue.serviceIndex(contextId, 100, -1);
    }

    /** CCR-I for data: grant 10 MB from the allowance bucket, without touching the wallet. */
    @Benchmark
    public long quotaData() {
        rater.quota(dataQuota, dataWallet, grant);
        return grant.grantedUnits;
    }

    /** The typical data cycle: quota, reserve, then release and charge of 3 MB used. */
    @Benchmark
    public long quotaReserveChargeData() {
        dataWallet.bucketRemaining[0] = bucketUnits;
        rater.quota(dataQuota, dataWallet, grant);
        rater.reserve(grant, dataWallet);
        rater.release(grant, dataWallet);
        rater.charge(dataCharge, dataWallet, charged);
        return charged.ratedUnits + grant.grantedUnits;
    }

    /** A 61-s international call: longest-prefix destination, 60+6 rounding, connection fee. */
    @Benchmark
    public long chargeVoiceInternational() {
        rater.charge(voiceCharge, voiceWallet, charged);
        voiceWallet.moneyMicros += charged.moneyDebitedMicros;
        return charged.priceMicros;
    }

    /** A grant limited by money: binary search on the price function. */
    @Benchmark
    public long quotaMoneyLimited() {
        rater.quota(poorQuota, poorWallet, grant);
        return grant.grantedUnits;
    }
}
