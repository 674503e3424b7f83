package io.gyro.engine.settle;

import io.gyro.engine.EngineConfig;
import io.gyro.engine.Main;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import io.gyro.rating.money.Money;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.Callable;

/** {@code gyro settle HOSTFILE}: the command line of {@link Settlement}; offline, reads the data directory only. */
@Command(name = "settle", mixinStandardHelpOptions = true, description = {
        "Match the host operator's wholesale usage file against Gyro's charging records (offline; docs/SETTLEMENT.md).",
        "Reports usage the host billed that Gyro never charged (leakage), usage Gyro charged that the host did not bill "
                + "(unbilled), quantity differences beyond the rounding grids, amount differences, and the totals of both "
                + "sides to the fen. Writes differences.csv and summary.html to --out.",
        "Exit 0: reconciled (only exact and grid verdicts); 1: differences; 2: bad input (host file, options, directory)."})
public final class SettleCommand implements Callable<Integer> {
    /** Gyro's JSON-lines records: {@code <dataDir>/journal/cdr-YYYYMMDD-NNNN.jsonl}. */
    static final String JOURNAL_DIR = "journal";

    @Parameters(index = "0", paramLabel = "HOSTFILE", description = "The host's CSV file, per record or per day (docs/SETTLEMENT.md)")
    Path hostFile;

    @Mixin
    Main.ConfigOptions options;

    @Option(names = "--from", paramLabel = "DAY", description = "First local day, yyyy-MM-dd (default: the host file's first)")
    String from;

    @Option(names = "--to", paramLabel = "DAY", description = "Last local day, inclusive (default: the host file's last)")
    String to;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "settlement",
            description = "Where differences.csv and summary.html go (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--records", paramLabel = "EXPORT", description = "Read Gyro's records from a CDR export (a "
            + "gyro-cdr-YYYYMMDD.csv file or a directory of them) instead of <data-dir>/journal")
    Path records;

    @Option(names = "--zone", description = "Time zone of days and of host times without an offset (default: the catalogue's)")
    String zone;

    @Option(names = "--host-grid-bytes", defaultValue = "10240", description = "The host's data rounding step per record (default: ${DEFAULT-VALUE})")
    long hostGridBytes;

    @Option(names = "--host-grid-seconds", defaultValue = "60", description = "The host's voice rounding step per record (default: ${DEFAULT-VALUE})")
    long hostGridSeconds;

    @Option(names = "--gyro-grid-bytes", defaultValue = "1024", description = "Gyro's data rounding step per record (default: ${DEFAULT-VALUE})")
    long gyroGridBytes;

    @Option(names = "--gyro-grid-seconds", defaultValue = "1", description = "Gyro's voice rounding step per record (default: ${DEFAULT-VALUE})")
    long gyroGridSeconds;

    @Option(names = "--time-tolerance", paramLabel = "SECONDS", defaultValue = "300",
            description = "How far apart the host's and Gyro's stop times of one session may be (default: ${DEFAULT-VALUE})")
    long toleranceSeconds;

    @Option(names = "--amount-tolerance", paramLabel = "CNY", defaultValue = "0.01",
            description = "Amount difference per matched line taken as rounding (default: ${DEFAULT-VALUE})")
    String amountTolerance;

    @Option(names = "--threads", defaultValue = "2", description = "Readers and matchers at once (default: ${DEFAULT-VALUE}, "
            + "at most the cores)")
    int threads;

    @Option(names = "--partitions", hidden = true, defaultValue = "0",
            description = "Spill partitions (default 0: by the size of both sides); tests set it to cross partitions")
    int partitions;

    @Option(names = "--list-grid", description = "Also list the grid verdicts in differences.csv (one line per data record)")
    boolean listGrid;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Settlement.Options o = options(err);
            if (o == null) {
                return 2;
            }
            SettleReport report = Settlement.run(o);
            for (String line : report.summaryLines()) {
                out.println(line);
            }
            out.flush();
            return report.reconciled() ? 0 : 1;
        } catch (Settlement.BadInput e) {
            err.println("settle: " + e.getMessage());
        } catch (EngineConfig.ConfigException e) {
            err.println(e.getMessage());
        } catch (IOException | UncheckedIOException | ArithmeticException e) {
            err.println("settle could not finish: " + e.getMessage());
        }
        err.flush();
        return 2;
    }

    private Settlement.Options options(PrintWriter err) throws IOException {
        EngineConfig cfg = options.load();
        Catalogue catalogue = null;
        if (records == null || zone == null) {
            CatalogueLoadResult loaded = CatalogueLoader.load(cfg.path("catalogue"));
            if (!loaded.ok()) {
                err.println("settle: the catalogue names Gyro's services and their units, and it does not load:\n"
                        + loaded.report());
                return null;
            }
            catalogue = loaded.catalogue();
        }
        ZoneId z;
        LocalDate f;
        LocalDate t;
        try {
            z = zone != null ? ZoneId.of(zone) : catalogue.zone();
        } catch (DateTimeException e) {
            err.println("settle: --zone " + zone + ": " + e.getMessage());
            return null;
        }
        try {
            f = from != null ? LocalDate.parse(from) : null;
            t = to != null ? LocalDate.parse(to) : null;
        } catch (DateTimeException e) {
            err.println("settle: --from/--to take a day such as 2026-11-01: " + e.getMessage());
            return null;
        }
        long tolerance;
        try {
            tolerance = Money.parseNonNegativeMicros(amountTolerance);
        } catch (NumberFormatException e) {
            err.println("settle: --amount-tolerance " + e.getMessage());
            return null;
        }
        if (threads < 1) {
            err.println("settle: --threads must be at least 1");
            return null;
        }
        if (hostGridBytes < 0 || hostGridSeconds < 0 || gyroGridBytes < 0 || gyroGridSeconds < 0 || toleranceSeconds < 0) {
            err.println("settle: grids and the time tolerance cannot be negative");
            return null;
        }
        return new Settlement.Options(hostFile, cfg.path("dataDir").resolve(JOURNAL_DIR), records, catalogue, z, f, t,
                out, hostGridBytes, hostGridSeconds, gyroGridBytes, gyroGridSeconds, toleranceSeconds * 1000L, tolerance,
                listGrid, threads, partitions);
    }
}
