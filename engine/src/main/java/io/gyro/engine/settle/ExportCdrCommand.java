package io.gyro.engine.settle;

import io.gyro.engine.EngineConfig;
import io.gyro.engine.Main;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import io.gyro.rating.money.Money;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.Callable;

/** {@code gyro export-cdr --day D}: the command line of {@link DailyCdrExport}; offline, reads the data directory only. */
@Command(name = "export-cdr", mixinStandardHelpOptions = true, description = {
        "Write one day of Gyro's chargeable records as a CSV file with a manifest, for the host operator and for finance "
                + "(docs/SETTLEMENT.md \"CDR export\"). Exporting the same day again gives the same bytes.",
        "Exit 0: written; 2: bad options, an unreadable directory, or records out of seq order."})
public final class ExportCdrCommand implements Callable<Integer> {
    @Option(names = "--day", required = true, paramLabel = "YYYY-MM-DD", description = "The local day to export")
    String day;

    @Mixin
    Main.ConfigOptions options;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "cdr-export", description = "Where the files go (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--zone", description = "Time zone of the day (default: the catalogue's)")
    String zone;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            EngineConfig cfg = options.load();
            CatalogueLoadResult loaded = CatalogueLoader.load(cfg.path("catalogue"));
            if (!loaded.ok()) {
                err.println("export-cdr: the catalogue names the services, and it does not load:\n" + loaded.report());
                return 2;
            }
            LocalDate d;
            ZoneId z;
            try {
                d = LocalDate.parse(day);
                z = zone != null ? ZoneId.of(zone) : loaded.catalogue().zone();
            } catch (DateTimeException e) {
                err.println("export-cdr: --day takes a day such as 2026-11-03, --zone a zone such as Asia/Shanghai: "
                        + e.getMessage());
                return 2;
            }
            DailyCdrExport.Result r = DailyCdrExport.run(cfg.path("dataDir").resolve(SettleCommand.JOURNAL_DIR), loaded.catalogue(),
                    z, d, this.out);
            out.println("export-cdr " + d + " (" + z.getId() + "): " + r.records() + " records"
                    + (r.records() > 0 ? ", seq " + r.firstSeq() + ".." + r.lastSeq() : "") + ", retail "
                    + Money.format(r.retailMicros()) + " CNY, wholesale " + Money.format(r.wholesaleMicros())
                    + " CNY -> " + r.file() + " (sha256 " + r.sha256() + "), " + r.manifest());
            out.flush();
            return 0;
        } catch (DailyCdrExport.Refused e) {
            err.println("export-cdr refused: " + e.getMessage());
        } catch (EngineConfig.ConfigException e) {
            err.println(e.getMessage());
        } catch (IOException | UncheckedIOException | ArithmeticException e) {
            err.println("export-cdr could not finish: " + e.getMessage());
        }
        err.flush();
        return 2;
    }
}
