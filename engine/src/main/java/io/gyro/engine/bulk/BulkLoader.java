package io.gyro.engine.bulk;

import io.gyro.engine.EngineConfig;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.wal.CdrExport;
import io.gyro.engine.wal.Wal;
import io.gyro.engine.wal.WalConfig;
import io.gyro.engine.pipeline.Admin;
import io.gyro.engine.pipeline.ApiException;
import io.gyro.engine.pipeline.Records;
import io.gyro.engine.pipeline.ServiceOrder;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.AccountStore;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.engine.store.Subscriber;
import io.gyro.engine.store.SubscriberStore;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import io.gyro.rating.money.Money;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Creates millions of subscribers straight into a data directory's Chronicle Map stores, offline
 * ({@code gyro bulk-load}): MSISDN {@code firstMsisdn .. firstMsisdn+count-1} with IMSI
 * {@code firstImsi + i}, each on one base package of the catalogue with one opening balance, built by
 * {@link Admin#openingState} exactly as {@code POST /subscribers} and the demo population build theirs
 * (same state, period, allowance buckets, promotions mask), and written with the same
 * {@link AccountStore#create} and {@link SubscriberStore#create}. Runs on the caller's thread; it holds
 * the directory lock while it runs, so the engine must not be running (and cannot start meanwhile).
 *
 * <p>Checked before anything is written, each refusal saying {@code name=value: why}: the configuration,
 * the catalogue, the ranges (5 to 15 digits from first to last), the package (a base package), the balance
 * (and, with the fee charged, that it pays the first fee), and the capacity: the maps are sized by
 * {@code stores.maxSubscribers} when the directory is fresh, and a directory's capacity is fixed then
 * (recorded in {@value Stores#CAPACITY_FILE}; the engine reopens the maps with it whatever it is
 * configured with), so a count that would not fit is refused.
 *
 * <p>Restartable: an MSISDN that already exists is skipped, so an interrupted load is finished by running
 * the same command again. An IMSI that belongs to another MSISDN stops the load at that subscriber (what
 * was created before it stays, consistent and complete). The accounts live in memory and reach the data directory
 * in the account snapshot the close writes, while the subscribers are in their map file as soon as they are made: a
 * load killed before its close leaves subscribers without accounts, and the run that finishes it builds each of
 * those accounts again as the killed run built it (at the subscriber's creation time).
 *
 * <p>Charging records: by default none. Two records per subscriber (opening balance, first period), as the
 * API writes, would be 20 million journal lines (about 6 GB) for 10 million subscribers, which the engine
 * parses at every start; and a migrated balance is not a top-up. Instead each run appends one line to
 * {@value #MANIFEST} (range, package, opening balance, first period, created, skipped), which is where
 * the conservation check takes a bulk-loaded account's opening balance from; those accounts have
 * {@code lastJournalSeq} 0. {@code journal=true} writes the API's records instead (and the account then
 * carries the last record's seq), for small loads that must be in the journal.
 */
public final class BulkLoader {
    /** One JSON line per run, appended in the data directory. */
    public static final String MANIFEST = "bulk-loads.jsonl";
    /** The API's MSISDN/IMSI rule: 5 to 15 digits. */
    static final long MIN_NUMBER = 10_000L;
    static final long MAX_NUMBER = 999_999_999_999_999L;
    private static final long PROGRESS_EVERY_NS = 2_000_000_000L;

    private BulkLoader() {
    }

    /** What to create. */
    public record Plan(long firstMsisdn, long firstImsi, long count, String packageId, long balanceMicros,
                       boolean firstPeriodIncluded, boolean journal) {
    }

    /**
     * What a run did.
     *
     * @param created          subscribers (and accounts) written
     * @param skipped          MSISDNs of the range that already existed, left unchanged
     * @param accountsReplaced accounts of the range that existed without a subscriber (an interrupted
     *                         earlier creation) and were overwritten with the opening state
     * @param accountsRestored subscribers of the range that existed without their account (a load killed before its
     *                         close wrote the accounts' snapshot) whose account was built again
     * @param totalSubscribers subscribers in the directory afterwards
     * @param capacity         the directory's maxSubscribers
     */
    public record Report(long created, long skipped, long accountsReplaced, long accountsRestored,
                         long totalSubscribers, long capacity, long elapsedMs) {
        public double perSecond() {
            return elapsedMs == 0 ? created : created * 1000.0 / elapsedMs;
        }
    }

    /** Refused before anything was written; each problem reads {@code name=value: why}. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final List<String> problems;

        Refused(List<String> problems) {
            super("bulk load refused, nothing changed:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }
    }

    /** Stopped part-way (an IMSI in use); what was created before stays and {@link #report} says how much. */
    public static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final transient Report report;

        Aborted(String message, Report report) {
            super(message);
            this.report = report;
        }
    }

    /**
     * Loads {@code plan} into the data directory of {@code config} ({@code dataDir}, {@code catalogue},
     * {@code stores.*}, {@code journal.*}).
     *
     * @param progress where progress lines go (a line every 2 s)
     * @param nowMs    creation time: subscription and period start, allowance expiry
     * @throws Refused             bad configuration, plan, capacity, or the directory is in use
     * @throws Aborted             an IMSI of the range belongs to another subscriber
     */
    public static Report load(EngineConfig config, Plan plan, PrintStream progress, long nowMs) throws IOException {
        try {
            config.validate();
        } catch (EngineConfig.ConfigException e) {
            throw new Refused(e.problems);
        }
        Path catalogueFile = config.path("catalogue");
        CatalogueLoadResult loaded = CatalogueLoader.load(catalogueFile);
        if (!loaded.ok()) {
            List<String> problems = new ArrayList<>();
            for (Object p : loaded.problems()) {
                problems.add("catalogue=" + catalogueFile + ": " + p);
            }
            throw new Refused(problems);
        }
        Catalogue catalogue = loaded.catalogue();
        List<String> problems = check(plan, catalogue, nowMs);
        Path dataDir = config.path("dataDir");
        StoreConfig configured = new StoreConfig(config.longValue("stores.maxSubscribers"),
                config.longValue("stores.maxSessions"), config.longValue("stores.maxEndedSessions"));
        StoreConfig recorded;
        try {
            recorded = Stores.recordedCapacity(dataDir);
        } catch (IOException e) {
            problems.add("dataDir=" + dataDir + ": " + e.getMessage());
            throw new Refused(problems);
        }
        try {
            for (String problem : ServiceOrder.problems(ServiceOrder.recorded(dataDir), catalogue)) {
                problems.add("catalogue=" + catalogueFile + ": " + problem + " (data directory " + dataDir + ")");
            }
        } catch (IOException e) {
            problems.add("dataDir=" + dataDir + ": " + e.getMessage());
        }
        long capacity = recorded != null ? recorded.maxSubscribers() : configured.maxSubscribers();
        if (plan.count() > capacity) {
            problems.add(capacityProblem(plan.count(), 0, capacity, recorded != null, dataDir));
        }
        if (!problems.isEmpty()) {
            throw new Refused(problems);
        }

        Stores stores;
        try {
            stores = Stores.open(dataDir, configured);
        } catch (IllegalStateException e) {
            throw new Refused(List.of("dataDir=" + dataDir + ": " + e.getMessage()
                    + "; stop the engine before a bulk load"));
        }
        Journal journal = null;
        Wal wal = null;
        CdrExport export = null;
        long startNs = System.nanoTime();
        try {
            ServiceOrder.record(dataDir, catalogue);
            SubscriberStore subscribers = stores.subscribers();
            long existing = subscribers.count();
            if (existing + plan.count() > capacity) {
                long inRange = countExisting(subscribers, plan);
                if (existing + plan.count() - inRange > capacity) {
                    throw new Refused(List.of(capacityProblem(plan.count() - inRange, existing, capacity, true, dataDir)));
                }
            }
            Records records = null;
            if (plan.journal()) {
                journal = Journal.open(dataDir.resolve(Journal.DIR_NAME),
                        new JournalConfig(config.longValue("journal.maxFileBytes"), config.bool("journal.fsync")));
                // the write-ahead log first, as the engine writes them: the JSON journal is its export, and what a
                // killed engine left in the log only is exported before anything new is appended
                wal = Wal.open(dataDir.resolve(Wal.DIR_NAME),
                        new WalConfig(config.longValue("wal.segmentBytes"), config.bool("journal.fsync"),
                            config.bool("journal.housekeeper")));
                wal.continueAfter(journal.writtenSeq());
                export = new CdrExport(wal, journal, CdrExport.DEFAULT_AWAIT_MS,
                        config.integer("wal.keepExportedSegments"));
                export.drain();
                export.start();
                records = new Records(wal, export, journal, null);
            }
            progress.printf(Locale.ROOT, "bulk-load: %,d subscribers from MSISDN %d (IMSI %d) on %s with %s %s into %s "
                            + "(capacity %,d, %,d there already)%n", plan.count(), plan.firstMsisdn(), plan.firstImsi(),
                    plan.packageId(), Money.format(plan.balanceMicros()), catalogue.currency(), dataDir, capacity, existing);
            Report report = write(stores, catalogue, plan, records, progress, nowMs, startNs, capacity);
            manifest(dataDir, plan, openingMoneyMicros(catalogue, plan, nowMs), report, nowMs, "complete");
            progress.printf(Locale.ROOT, "bulk-load: done in %.1f s: %,d created (%,.0f/s), %,d skipped (already there), "
                            + "%,d accounts replaced, %,d accounts restored; %,d subscribers in %s%n",
                    report.elapsedMs() / 1000.0, report.created(), report.perSecond(), report.skipped(),
                    report.accountsReplaced(), report.accountsRestored(), report.totalSubscribers(), dataDir);
            return report;
        } catch (Aborted e) {
            manifest(dataDir, plan, openingMoneyMicros(catalogue, plan, nowMs), e.report, nowMs,
                    "aborted: " + e.getMessage());
            throw e;
        } finally {
            if (wal != null) {
                wal.endOfBatch();
                export.close();
                wal.close();
            }
            if (journal != null) {
                journal.close();
            }
            // A directory a killed engine (or a killed load) left stays unclean: the engine's start-up recovery, which
            // this load does not do, is still owed (reservations recomputed from the sessions, journal rolled forward).
            stores.closeAfterOfflineWrites();
        }
    }

    private static Report write(Stores stores, Catalogue catalogue, Plan plan, Records records, PrintStream progress,
                                long nowMs, long startNs, long capacity) {
        SubscriberStore subscribers = stores.subscribers();
        AccountStore accounts = stores.accounts();
        int pkg = catalogue.packageIndex(plan.packageId());
        Subscriber sub = new Subscriber();
        Subscriber found = new Subscriber();
        Account account = new Account();
        Wallet wallet = new Wallet();
        long created = 0;
        long skipped = 0;
        long replaced = 0;
        long restored = 0;
        long lastReportNs = startNs;
        for (long i = 0; i < plan.count(); i++) {
            long msisdn = plan.firstMsisdn() + i;
            long imsi = plan.firstImsi() + i;
            if (subscribers.findByMsisdn(msisdn, found)) {
                if (found.imsi() == imsi && found.accountId() == msisdn && found.packageIdEquals(plan.packageId())
                        && !accounts.exists(msisdn)) {
                    // Made by a run of this load that was killed before its accounts reached a snapshot: the account
                    // is built again as that run built it. Without records: had that run written them, the engine's
                    // start rolls the account forward from them (their after-states replace this one).
                    Admin.openingState(catalogue, pkg, msisdn, imsi, plan.balanceMicros(), plan.firstPeriodIncluded(),
                            found.createdMs(), sub, account, wallet, null);
                    accounts.create(account);
                    restored++;
                }
                skipped++;
                continue;
            }
            if (subscribers.findByImsi(imsi, found)) {
                Report partial = new Report(created, skipped, replaced, restored, subscribers.count(), capacity,
                        millisSince(startNs));
                throw new Aborted("imsi=" + imsi + " (for msisdn " + msisdn + "): already used by msisdn "
                        + found.msisdn() + "; " + created + " created before it, nothing written for it or after it",
                        partial);
            }
            Admin.openingState(catalogue, pkg, msisdn, imsi, plan.balanceMicros(), plan.firstPeriodIncluded(), nowMs,
                    sub, account, wallet, records);
            if (!accounts.create(account)) {
                // Left by an interrupted creation (the account is written before the subscriber): no subscriber
                // points at it, so nothing can have charged it.
                accounts.write(account);
                replaced++;
            }
            SubscriberStore.Result result = subscribers.create(sub);
            if (result != SubscriberStore.Result.OK) {
                Report partial = new Report(created, skipped, replaced, restored, subscribers.count(), capacity,
                        millisSince(startNs));
                throw new Aborted("msisdn=" + msisdn + ": " + result, partial);
            }
            created++;
            if ((created & 1023) == 0) {
                if (records != null) {
                    records.flush();
                }
                long now = System.nanoTime();
                if (now - lastReportNs >= PROGRESS_EVERY_NS) {
                    lastReportNs = now;
                    long done = i + 1;
                    double rate = created * 1e9 / (now - startNs);
                    progress.printf(Locale.ROOT, "bulk-load: %,d / %,d (%.1f %%), %,.0f created/s, about %.0f s left%n",
                            done, plan.count(), 100.0 * done / plan.count(), rate, (plan.count() - done) / rate);
                }
            }
        }
        if (records != null) {
            records.flush();
        }
        return new Report(created, skipped, replaced, restored, subscribers.count(), capacity, millisSince(startNs));
    }

    /** Problems with the plan itself, found without touching the data directory. */
    static List<String> check(Plan plan, Catalogue catalogue, long nowMs) {
        List<String> problems = new ArrayList<>();
        if (plan.count() < 1 || plan.count() > 100_000_000L) {
            problems.add("count=" + plan.count() + ": must be 1 to 100,000,000");
        } else {
            range(problems, "msisdn", plan.firstMsisdn(), plan.count());
            range(problems, "imsi", plan.firstImsi(), plan.count());
        }
        int pkg = catalogue.packageIndex(plan.packageId());
        if (pkg < 0) {
            problems.add("package=" + plan.packageId() + ": no such package in the catalogue");
        } else if (catalogue.pkg(pkg).addon()) {
            problems.add("package=" + plan.packageId() + ": is an add-on, not a base package");
        }
        if (plan.balanceMicros() < 0) {
            problems.add("balance=" + Money.format(plan.balanceMicros()) + ": must not be negative");
        }
        if (problems.isEmpty()) {
            try {
                // One dry run of the creation path: a balance that cannot pay the first fee is refused here.
                openingMoneyMicros(catalogue, plan, nowMs);
            } catch (ApiException e) {
                problems.add("balance=" + Money.format(plan.balanceMicros()) + ": " + e.getMessage());
            }
        }
        return problems;
    }

    private static void range(List<String> problems, String name, long first, long count) {
        long last = first + count - 1;
        if (first < MIN_NUMBER || first > MAX_NUMBER || last > MAX_NUMBER) {
            problems.add("first-" + name + "=" + first + " count=" + count + ": " + name + "s " + first + " to " + last
                    + " must all have 5 to 15 digits");
        }
    }

    private static String capacityProblem(long toCreate, long existing, long capacity, boolean fixed, Path dataDir) {
        long needed = existing + toCreate;
        return fixed
                ? "count=" + toCreate + " more: " + dataDir + " holds " + existing + " subscribers and its maps were created "
                + "for stores.maxSubscribers=" + capacity + " (fixed at creation, " + Stores.CAPACITY_FILE + "); load "
                + needed + " into a fresh data directory with --set stores.maxSubscribers=" + needed
                : "count=" + toCreate + ": exceeds stores.maxSubscribers=" + capacity + "; run with --set "
                + "stores.maxSubscribers=" + needed + " (the maps are sized for it when the directory is created, and "
                + "the engine reopens them with that capacity)";
    }

    /** MSISDNs of the plan's range already present (only when the capacity check needs it). */
    private static long countExisting(SubscriberStore subscribers, Plan plan) {
        Subscriber scratch = new Subscriber();
        long n = 0;
        for (long i = 0; i < plan.count(); i++) {
            if (subscribers.findByMsisdn(plan.firstMsisdn() + i, scratch)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The money every account of the run starts with: the opening balance, less the first period's fee when that
     * is charged. Recorded in the manifest, so that an audit does not have to price the fee again with a catalogue
     * that may have changed since.
     */
    static long openingMoneyMicros(Catalogue catalogue, Plan plan, long nowMs) {
        Account account = new Account();
        Admin.openingState(catalogue, catalogue.packageIndex(plan.packageId()), plan.firstMsisdn(), plan.firstImsi(),
                plan.balanceMicros(), plan.firstPeriodIncluded(), nowMs, new Subscriber(), account, new Wallet(), null);
        return account.moneyMicros();
    }

    private static void manifest(Path dataDir, Plan plan, long openingMoneyMicros, Report r, long nowMs, String outcome)
            throws IOException {
        String line = String.format(Locale.ROOT, "{\"at\":\"%s\",\"createdMs\":%d,\"firstMsisdn\":%d,\"firstImsi\":%d,"
                        + "\"count\":%d,\"package\":\"%s\",\"balanceMicros\":%d,\"firstPeriodIncluded\":%b,\"journal\":%b,"
                        + "\"openingMoneyMicros\":%d,"
                        + "\"created\":%d,\"skipped\":%d,\"accountsReplaced\":%d,\"accountsRestored\":%d,\"elapsedMs\":%d,"
                        + "\"outcome\":\"%s\"}%n",
                Instant.now(), nowMs, plan.firstMsisdn(), plan.firstImsi(), plan.count(), plan.packageId(),
                plan.balanceMicros(), plan.firstPeriodIncluded(), plan.journal(), openingMoneyMicros, r.created(), r.skipped(),
                r.accountsReplaced(), r.accountsRestored(), r.elapsedMs(), outcome.replace("\\", "\\\\").replace("\"", "\\\""));
        Files.write(dataDir.resolve(MANIFEST), line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private static long millisSince(long startNs) {
        return (System.nanoTime() - startNs) / 1_000_000;
    }
}
