package io.gyro.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerPolicy;
import io.gyro.diameter.transport.DiameterServer;
import io.gyro.engine.api.HttpApi;
import io.gyro.engine.api.HttpServer;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalCheckpoint;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.gy.GyApplication;
import io.gyro.engine.pipeline.Admin;
import io.gyro.engine.pipeline.AdminTask;
import io.gyro.engine.pipeline.ChargingProcessor;
import io.gyro.engine.pipeline.ChargingState;
import io.gyro.engine.pipeline.Records;
import io.gyro.engine.pipeline.RingEvent;
import io.gyro.engine.pipeline.ServiceOrder;
import io.gyro.engine.pipeline.StartupRecovery;
import io.gyro.engine.pipeline.TopUpKeys;
import io.gyro.engine.report.Reports;
import io.gyro.engine.status.EngineCounters;
import io.gyro.engine.status.LatencyHistogram;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.engine.wal.CdrExport;
import io.gyro.engine.wal.Wal;
import io.gyro.engine.wal.WalConfig;
import io.gyro.rating.Rater;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import io.gyro.rating.money.Money;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The running engine: stores and journal opened (recovered after an unclean stop), catalogue
 * loaded, demo population provisioned on a fresh data directory, the Disruptor pipeline with its
 * single charging processor, the Diameter listener and the HTTP API. Built by {@link #start},
 * stopped by {@link #close} (stop accepting, drain, DPR peers, close stores).
 */
public final class Engine implements AutoCloseable {
    /** {@code accounts.imageDir}: blank keeps the accounts in the process only. */
    private static Path imageRoot(String configured) {
        return configured == null || configured.isBlank() ? null : Path.of(configured.trim());
    }

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final Stores stores;
    private final Journal journal;
    private final Wal wal;
    private final CdrExport export;
    private final JournalCheckpoint checkpoint;
    private final TopUpKeys topUpKeys;
    private final Disruptor<RingEvent> disruptor;
    private final RingBuffer<RingEvent> ring;
    private final ChargingProcessor processor;
    private final ScheduledExecutorService ticker;
    private final DiameterServer diameter;
    private final HttpServer http;
    private final Reports reports;
    private final InetSocketAddress diameterAddress;
    private final InetSocketAddress httpAddress;
    private final long startedMs;
    private volatile boolean closed;
    private final String apiToken;
    /** Subscribers the start found without an account (their requests are refused): 0 unless something was lost. */
    private final long subscribersWithoutAccount;
    /** The engine clock (epoch ms) inputs are stamped with. */
    private final java.util.function.LongSupplier clock;

    private Engine(long subscribersWithoutAccount, Stores stores, Journal journal, Wal wal, CdrExport export, JournalCheckpoint checkpoint, TopUpKeys topUpKeys,
                   Disruptor<RingEvent> disruptor, ChargingProcessor processor, ScheduledExecutorService ticker,
                   DiameterServer diameter, HttpServer http, Reports reports, InetSocketAddress diameterAddress,
                   InetSocketAddress httpAddress, long startedMs, String apiToken,
                   java.util.function.LongSupplier clock) {
        this.subscribersWithoutAccount = subscribersWithoutAccount;
        this.apiToken = apiToken;
        this.clock = clock;
        this.stores = stores;
        this.journal = journal;
        this.wal = wal;
        this.export = export;
        this.checkpoint = checkpoint;
        this.topUpKeys = topUpKeys;
        this.disruptor = disruptor;
        this.ring = disruptor.getRingBuffer();
        this.processor = processor;
        this.ticker = ticker;
        this.diameter = diameter;
        this.http = http;
        this.reports = reports;
        this.diameterAddress = diameterAddress;
        this.httpAddress = httpAddress;
        this.startedMs = startedMs;
    }

    public InetSocketAddress diameterAddress() {
        return diameterAddress;
    }

    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    /** The report worker and the negative-margin alarm. */
    public Reports reports() {
        return reports;
    }

    /** The bearer token the HTTP API requires. */
    public String apiToken() {
        return apiToken;
    }

    public static Engine start(EngineConfig config) throws Exception {
        return start(config, System::currentTimeMillis);
    }

    /** Starts with an explicit clock (epoch ms) for the charging processor and the API: tests move time. */
    public static Engine start(EngineConfig config, java.util.function.LongSupplier clock) throws Exception {
        config.validate();
        long t0 = System.currentTimeMillis();
        Path catalogueFile = config.path("catalogue");
        CatalogueLoadResult loaded = CatalogueLoader.load(catalogueFile);
        if (!loaded.ok()) {
            List<String> problems = new ArrayList<>();
            for (Object p : loaded.problems()) {
                problems.add("catalogue=" + catalogueFile + ": " + p);
            }
            throw new EngineConfig.ConfigException(problems);
        }
        if (config.bool("catalogueStrict") && !loaded.warnings().isEmpty()) {
            List<String> problems = new ArrayList<>();
            for (Object warning : loaded.warnings()) {
                problems.add("catalogue=" + catalogueFile + ": " + warning + " (an error with catalogueStrict=true)");
            }
            throw new EngineConfig.ConfigException(problems);
        }
        for (Object warning : loaded.warnings()) {
            // Rates sold below their wholesale cost and the like (config/CATALOGUE.md): served, but said once.
            LOG.warn("catalogue {}: {}", catalogueFile, warning);
        }
        Path dataDir = config.path("dataDir");
        Files.createDirectories(dataDir);
        Stores stores = Stores.open(dataDir, new StoreConfig(config.longValue("stores.maxSubscribers"),
                config.longValue("stores.maxSessions"), config.longValue("stores.maxEndedSessions")),
                new WalConfig(config.longValue("wal.segmentBytes"), config.bool("journal.fsync"),
                        config.bool("journal.housekeeper")), imageRoot(config.string("accounts.imageDir")));
        Journal journal = null;
        Wal wal = null;
        CdrExport export = null;
        JournalCheckpoint checkpoint = null;
        TopUpKeys topUpKeys = null;
        Disruptor<RingEvent> disruptor = null;
        ScheduledExecutorService ticker = null;
        DiameterServer diameter = null;
        HttpServer http = null;
        Reports reports = null;
        try {
            List<String> moved = ServiceOrder.problems(ServiceOrder.recorded(dataDir), loaded.catalogue());
            if (!moved.isEmpty()) {
                List<String> problems = new ArrayList<>();
                for (String problem : moved) {
                    problems.add("catalogue=" + catalogueFile + ": " + problem + " (data directory " + dataDir + ")");
                }
                throw new EngineConfig.ConfigException(problems);
            }
            ServiceOrder.record(dataDir, loaded.catalogue());
            journal = Journal.open(dataDir.resolve(Journal.DIR_NAME),
                    new JournalConfig(config.longValue("journal.maxFileBytes"), config.bool("journal.fsync")));
            // The write-ahead log is the record of truth; the JSON journal is its export. Whatever the log holds
            // beyond the journal (a kill came before the export) is exported now, before recovery reads the journal.
            wal = Wal.open(dataDir.resolve(Wal.DIR_NAME),
                    new WalConfig(config.longValue("wal.segmentBytes"), config.bool("journal.fsync"),
                            config.bool("journal.housekeeper")));
            wal.continueAfter(journal.writtenSeq());
            export = new CdrExport(wal, journal, CdrExport.DEFAULT_AWAIT_MS,
                    config.integer("wal.keepExportedSegments"));
            export.keepAfter(stores.accountSnapshots()::oldestKeptSeq);
            long exported = export.drain();
            if (exported > 0) {
                LOG.warn("write-ahead log: exported {} records the JSON journal lacked (up to seq {})", exported,
                        journal.writtenSeq());
            }
            // The accounts were loaded from their newest snapshot; the journal after its seq rolls them forward (the
            // whole journal without one), and the same parse feeds the session reconciliation and the top-up keys.
            long recoveryStartNs = System.nanoTime();
            JournalCheckpoint.deleteLegacyFile(dataDir);
            topUpKeys = TopUpKeys.open(dataDir);
            StartupRecovery.Result startup = StartupRecovery.recover(journal, wal, stores, topUpKeys,
                    clock.getAsLong(), config.integer("sessions.graceSeconds") * 1000L);
            checkpoint = new JournalCheckpoint(journal.lastSeq());
            // Every record is in the accounts now; the account image (if any) follows the checkpoint from here on.
            stores.recoveryFinished();
            checkpoint.mirrorTo(stores.appliedSeqSink(), stores.heldSink());
            if (stores.recovered()) {
                LOG.warn("unclean stop detected: stores reopened in {} ms ({} maps recovered by Chronicle); journal "
                                + "roll-forward in {} ms: {}", stores.openMillis(), stores.mapsRecovered(),
                        (System.nanoTime() - recoveryStartNs) / 1_000_000, startup.journalRecovery());
            }
            LOG.info("journal: {} records read after seq {}{}, {} top-up keys found there ({} held); {} sessions "
                            + "reconciled, {} accounts' reservations recomputed; journal and start-up recovery took {} ms",
                    startup.recordsScanned(), startup.readAfterSeq(),
                    startup.wholeJournalWhy() == null ? "" : " (whole journal: " + startup.wholeJournalWhy() + ")",
                    startup.topUpKeys(), topUpKeys.size(), startup.sessionsReconciled(),
                    startup.accountsReservationsFixed(), (System.nanoTime() - recoveryStartNs) / 1_000_000);
            long subscriberCount = stores.subscribers().count();
            long withoutAccount = Math.max(0, subscriberCount - stores.accounts().count());
            if (withoutAccount > 0) {
                LOG.warn("{} of {} subscribers have no account: their requests are refused. A bulk load cut short is "
                        + "finished by running it again (README); otherwise the account snapshots of {} are missing "
                        + "or older than the subscribers: restore them", withoutAccount, subscriberCount,
                        dataDir.resolve("snapshots"));
            }
            LocalPeer local = LocalPeer.builder(config.string("diameter.originHost"), config.string("diameter.originRealm"))
                    .hostIpAddress(InetAddress.getByName(config.string("diameter.host")))
                    .watchdogInterval(Duration.ofSeconds(config.integer("diameter.watchdogSeconds")))
                    .maxMessageSize(config.integer("diameter.maxMessageSize"))
                    .policy(policy(config.list("diameter.peers")))
                    .build();
            journal.exportOf(export);
            export.start();
            Records records = new Records(wal, export, journal, checkpoint);
            ChargingState state = new ChargingState(stores, records, new Rater(loaded.catalogue()),
                    new ChargingState.Settings(local.originHostBytes, local.originRealmBytes,
                            config.integer("sessions.graceSeconds") * 1000L,
                            // Headroom below the map's real capacity for sessions already running.
                            stores.capacity().maxSessions() * 9 / 10,
                            config.longValue("sessions.zeroGrantValiditySeconds")), topUpKeys)
                    .catalogueStrict(config.bool("catalogueStrict"));

            if (config.bool("demo.provision") && stores.subscribers().count() == 0) {
                int created = Admin.provisionDemo(state, config.longValue("demo.firstMsisdn"),
                        config.longValue("demo.firstImsi"), config.integer("demo.count"), config.string("demo.package"),
                        Money.parseMicros(config.string("demo.balance")), clock.getAsLong());
                LOG.info("fresh data directory: provisioned {} demo subscribers from MSISDN {} on package {} with {} {}",
                        created, config.string("demo.firstMsisdn"), config.string("demo.package"),
                        config.string("demo.balance"), loaded.catalogue().currency());
            }

            int ringSize = config.integer("pipeline.ringSize");
            disruptor = new Disruptor<>(RingEvent::new, ringSize,
                    new DefaultThreadFactory("gyro-charging", true), ProducerType.MULTI,
                    waitStrategy(config.string("pipeline.waitStrategy")));
            ChargingProcessor processor = new ChargingProcessor(state, clock.getAsLong(), ringSize);
            disruptor.handleEventsWith(processor);
            stores.sessions().endOfBatch();   // what start-up recovery logged, published before the first batch
            disruptor.start();
            stores.sessions().log().startSnapshots(config.integer("sessions.snapshotSeconds") * 1000L);
            JournalCheckpoint applied = checkpoint;
            Wal log = wal;
            stores.accountSnapshots().everyRecords(config.longValue("accounts.snapshotEveryRecords"));
            stores.accountSnapshots().start(config.integer("accounts.snapshotSeconds") * 1000L, applied::seq,
                    log::publishedSeq, applied::held);
            RingBuffer<RingEvent> ring = disruptor.getRingBuffer();

            ticker = Executors.newSingleThreadScheduledExecutor(
                    new DefaultThreadFactory("gyro-ticker", true));
            int sweep = config.integer("sessions.sweepIntervalMs");
            ticker.scheduleAtFixedRate(() -> ring.tryPublishEvent((event, seq) -> {
                event.kind = RingEvent.Kind.TICK;
                event.timeMs = clock.getAsLong();
                event.receivedNanos = System.nanoTime();
            }), sweep, sweep, TimeUnit.MILLISECONDS);

            diameter = new DiameterServer(local,
                    new GyApplication(ring, config.integer("diameter.maxInFlightPerPeer"), clock, state.counters),
                    config.integer("diameter.ioThreads"), true);
            InetSocketAddress diameterAddress = diameter.bind(
                    new InetSocketAddress(config.string("diameter.host"), config.integer("diameter.port")));

            int tlsPort = config.integer("diameter.tls.port");
            if (tlsPort > 0) {
                String trust = config.string("diameter.tls.trustStore");
                InetSocketAddress tls = diameter.bind(new InetSocketAddress(config.string("diameter.host"), tlsPort),
                        io.gyro.diameter.transport.Tls.server(config.path("diameter.tls.keyStore"),
                                config.string("diameter.tls.keyStorePassword").toCharArray(),
                                trust == null || trust.isBlank() ? null : Path.of(trust),
                                config.string("diameter.tls.trustStorePassword").toCharArray()));
                LOG.info("Diameter over TLS on {}{}", tls, trust == null || trust.isBlank() ? "" : " (mutual authentication)");
            }
            long startedMs = System.currentTimeMillis();
            http = new HttpServer();
            Engine[] self = new Engine[1];
            String token = ApiToken.resolve(config.string("http.token"), dataDir);
            reports = new Reports(dataDir, config.integer("reports.marginAlarmSeconds"), clock);
            DiameterServer server = diameter;
            CdrExport exporter = export;
            Wal writeAhead = wal;
            io.gyro.engine.status.Metrics metrics = new io.gyro.engine.status.Metrics(state.counters, processor.latency(),
                    new io.gyro.engine.status.Metrics.Gauges(
                            () -> ring.getBufferSize() - ring.remainingCapacity(),
                            () -> stores.sessions().count(),
                            () -> stores.sessions().endedCount(),
                            () -> server.peers().open().size(),
                            () -> Math.max(0, writeAhead.publishedSeq() - exporter.exportedSeq()),
                            () -> Math.max(0, applied.seq() - stores.accountSnapshots().newestSeq())));
            HttpApi api = new HttpApi(task -> publish(ring, task, clock.getAsLong()), clock,
                    ignored -> self[0].status(), token, reports, catalogueFile).metrics(metrics);
            Journal jsonJournal = journal;
            api.recordSource(new HttpApi.RecordSource() {
                @Override
                public boolean awaitExported(long seq, long timeoutMs) {
                    return exporter.awaitExported(seq, timeoutMs);
                }

                @Override
                public List<io.gyro.engine.cdr.JournalEntry> read(long msisdn, long fromMs, long toMs, int limit)
                        throws IOException {
                    // Not read(): it would make the log publish from this thread, and only the charging thread may.
                    return jsonJournal.readExported(msisdn, fromMs, toMs, limit);
                }
            });
            InetSocketAddress httpAddress = http.bind(
                    new InetSocketAddress(config.string("http.host"), config.integer("http.port")), api,
                    config.integer("http.maxBodyBytes"));
            Engine engine = new Engine(withoutAccount, stores, journal, wal, export, checkpoint, topUpKeys, disruptor, processor, ticker,
                    diameter, http, reports, diameterAddress, httpAddress, startedMs, token, clock);
            self[0] = engine;
            LOG.info("Gyro engine up in {} ms: Diameter {} ({} transport) as {} / {}, HTTP API http://{}:{}/ , data {}",
                    System.currentTimeMillis() - t0, diameterAddress, diameter.transport(), local.originHost,
                    local.originRealm, httpAddress.getHostString(), httpAddress.getPort(), dataDir.toAbsolutePath());
            return engine;
        } catch (Exception | Error e) {
            // A port in use or a bad key store: undo what started, so nothing keeps running.
            if (http != null) {
                http.close();
            }
            if (reports != null) {
                reports.close();
            }
            if (diameter != null) {
                diameter.close();
            }
            if (ticker != null) {
                ticker.shutdownNow();
            }
            if (disruptor != null) {
                disruptor.halt();
            }
            if (export != null) {
                export.close();
            }
            if (wal != null) {
                wal.close();
            }
            if (journal != null) {
                journal.close();
            }
            if (topUpKeys != null) {
                topUpKeys.close();
            }
            stores.closeAfterFailedStart();
            throw e;
        }
    }

    /**
     * Publishes a timer tick stamped with the engine clock now and returns once the charging thread has processed it
     * (the stale sweep and the renewals done up to that time). For tests that move the clock: they wait for this
     * instead of sleeping, so a "nothing happened yet" check cannot pass because the tick had not run.
     */
    public void tick() throws Exception {
        AdminTask done = new AdminTask() {
            @Override
            protected Object run(ChargingState state) {
                return Boolean.TRUE;
            }
        };
        long timeMs = clock.getAsLong();
        ring.publishEvent((event, seq) -> {
            event.kind = RingEvent.Kind.TICK;
            event.timeMs = timeMs;
            event.admin = done;
            event.receivedNanos = System.nanoTime();
        });
        done.result.get(10, TimeUnit.SECONDS);
    }

    private static boolean publish(RingBuffer<RingEvent> ring, AdminTask task, long timeMs) {
        return ring.tryPublishEvent((event, seq, t) -> {
            event.kind = RingEvent.Kind.ADMIN;
            event.timeMs = timeMs;
            event.admin = t;
            event.receivedNanos = System.nanoTime();
        }, task);
    }

    private static PeerPolicy policy(List<String> peers) throws IOException {
        if (peers.isEmpty()) {
            return PeerPolicy.loopbackAnyHost();
        }
        List<PeerPolicy.Entry> entries = new ArrayList<>();
        for (String peer : peers) {
            int at = peer.indexOf('@');
            entries.add(at < 0 ? new PeerPolicy.Entry(peer, null)
                    : new PeerPolicy.Entry(peer.substring(0, at), InetAddress.getByName(peer.substring(at + 1))));
        }
        return PeerPolicy.allow(entries);
    }

    private static WaitStrategy waitStrategy(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "blocking":
                return new BlockingWaitStrategy();
            case "yielding":
                return new YieldingWaitStrategy();
            case "busy-spin":
                return new BusySpinWaitStrategy();
            case "parking":
                return new io.gyro.engine.pipeline.ParkingWaitStrategy();
            default:
                return new SleepingWaitStrategy();
        }
    }

    /**
     * Per answered CCR since the start, the time from its decode on the event loop to its answer
     * handed to Netty (queueing on the ring, charging, the journal write), as {@link LatencyHistogram}
     * counts; the difference of two snapshots covers what was answered between them.
     */
    public long[] latencySnapshot() {
        return processor.latency().snapshot();
    }

    /** Counters and store sizes for GET /status. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uptimeSeconds", (System.currentTimeMillis() - startedMs) / 1000);
        out.put("diameter", diameterAddress.toString());
        out.put("openPeers", diameter.peers().open().size());
        out.put("ringRemainingCapacity", ring.remainingCapacity());
        out.put("journalLastSeq", journal.lastSeq());
        out.put("cdrExportedSeq", export.exportedSeq());
        // the write-ahead log's retention: segments on disk (the one being written and the exported ones kept)
        out.put("walRetainedSegments", export.retainedSegments());
        out.put("walRetainedBytes", export.retainedBytes());
        out.put("walSegmentsDeleted", export.segmentsDeleted());
        out.put("sessionLogSeq", stores.sessions().log().lastSeq());
        out.put("sessionSnapshots", stores.sessions().log().snapshotsTaken());
        out.put("lastSessionSnapshotMillis", stores.sessions().log().lastSnapshotMillis());
        out.put("accountSnapshots", stores.accountSnapshots().taken());
        out.put("accountSnapshotSeq", stores.accountSnapshots().newestSeq());
        out.put("lastAccountSnapshotMillis", stores.accountSnapshots().lastMillis());
        out.put("accountsInImage", stores.accountsInImage());
        out.put("subscribersWithoutAccountAtStart", subscribersWithoutAccount);
        // off-heap memory of the session tables (live and ended), grown to the peak and reused; read racily
        out.put("sessionTableBytes", stores.sessions().tableBytes());
        Map<String, Long> counters = new LinkedHashMap<>();
        for (EngineCounters c : EngineCounters.values()) {
            counters.put(c.name(), processor.counters().get(c));
        }
        out.put("counters", counters);
        out.put("negativeMarginAlarms", reports.alarm().alarms());
        out.put("engineLatencyMicros", LatencyHistogram.summaryMicros(latencySnapshot()));
        Map<String, Long> peer = new LinkedHashMap<>();
        for (io.gyro.diameter.peer.Counters c : io.gyro.diameter.peer.Counters.values()) {
            peer.put(c.name(), c.get());
        }
        out.put("peerCounters", peer);
        out.put("errors", io.gyro.engine.status.ErrorLog.snapshot());
        return out;
    }

    /** Stop accepting, let in-flight requests finish, DPR every peer, then close the stores cleanly. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.close();
        reports.close();
        diameter.stopAccepting();
        diameter.disconnectPeers(3000);
        ticker.shutdownNow();
        try {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("charging pipeline did not drain in 10 s; halting it", e);
            disruptor.halt();
        }
        diameter.close();
        // the processor has stopped: this thread ends the log's last batch, the export catches up, then both close
        try {
            wal.endOfBatch();
            export.close();
            wal.close();
        } catch (IOException | RuntimeException e) {
            LOG.error("closing the write-ahead log or its CDR export failed; the next start exports what is missing", e);
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.error("closing the journal failed", e);
        }
        try {
            topUpKeys.close();
        } catch (IOException e) {
            LOG.error("closing the top-up keys failed", e);
        }
        try {
            stores.close();
        } catch (IOException e) {
            LOG.error("closing the stores failed", e);
        }
        LOG.info("Gyro engine stopped cleanly ({} requests in {} processor batches)",
                processor.counters().get(EngineCounters.CCR_RECEIVED), processor.counters().get(EngineCounters.PROCESSOR_BATCHES));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
