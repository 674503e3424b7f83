package io.gyro.engine;

import io.gyro.engine.audit.Audit.Report;
import io.gyro.engine.bulk.BulkLoader;
import io.gyro.rating.money.Money;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The {@code gyro} command line: {@code serve} runs the engine; the other commands call its HTTP API. */
@Command(name = "gyro", mixinStandardHelpOptions = true, version = "Gyro 0.1.0",
        description = "Gyro: real-time prepaid charging engine (Diameter Gy OCS).",
        subcommands = {Main.Serve.class, Main.BulkLoad.class, Main.Audit.class, Main.AddSubscriber.class, Main.TopUp.class, Main.Balance.class,
                Main.Usage.class, Main.Records.class, Main.Margin.class, Main.Status.class,
                io.gyro.rating.rehearsal.RehearsalCommand.class, io.gyro.engine.settle.SettleCommand.class,
                io.gyro.engine.settle.ExportCdrCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        // Chronicle Map reads this before its first use; the launcher sets it too.
        System.setProperty("chronicle.analytics.disable", "true");
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** The config options of the commands that read a data directory: serve, bulk-load, audit, settle, export-cdr. */
    public static final class ConfigOptions {
        @Option(names = "--config", description = "YAML config file (see config/gyro.yaml)")
        Path config;

        @Option(names = "--set", description = "Override a setting: name=value, e.g. diameter.port=3869 or "
                + "stores.maxSubscribers=10000000")
        Map<String, String> overrides = new LinkedHashMap<>();

        @Option(names = "--data-dir", description = "Shortcut for --set dataDir=...")
        String dataDir;

        /** The embedded defaults, then the config file, then the overrides; validated. */
        public EngineConfig load() throws java.io.IOException {
            Map<String, String> all = new LinkedHashMap<>(overrides);
            if (dataDir != null) {
                all.put("dataDir", dataDir);
            }
            return EngineConfig.load(config, all);
        }
    }

    @Command(name = "serve", description = "Start the engine on its embedded defaults, a config file and overrides.")
    static final class Serve implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Option(names = "--stop-after-start", hidden = true, description = "Start, then stop cleanly at once "
                + "(the launcher's class-loading run for its class data sharing archive; a smoke test)")
        boolean stopAfterStart;

        @Override
        public Integer call() throws Exception {
            Engine engine;
            try {
                engine = Engine.start(options.load());
            } catch (EngineConfig.ConfigException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            if (stopAfterStart) {
                engine.close();
                return 0;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                engine.close();
                stopped.countDown();
            }, "gyro-shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "bulk-load", description = {
            "Create subscribers straight into a data directory, offline (stop the engine first).",
            "Example: gyro bulk-load --count 10000000 --set stores.maxSubscribers=10000000",
            "The maps are sized by stores.maxSubscribers when the directory is created; that capacity is then "
                    + "fixed and the engine reopens them with it. An MSISDN that exists is skipped, so an "
                    + "interrupted load is finished by running the same command again."})
    static final class BulkLoad implements Callable<Integer> {
        @Option(names = "--count", required = true, description = "How many subscribers (MSISDN first .. first+count-1)")
        long count;

        @Option(names = "--first-msisdn", description = "First MSISDN (default: demo.firstMsisdn, 8617000000001)")
        Long firstMsisdn;

        @Option(names = "--first-imsi", description = "First IMSI, one per MSISDN (default: demo.firstImsi, 460990000000001)")
        Long firstImsi;

        @Option(names = "--package", description = "Base package from the catalogue (default: demo.package, basic)")
        String pkg;

        @Option(names = "--balance", description = "Opening balance, e.g. 50.00 (default: demo.balance)")
        String balance;

        @Option(names = "--first-period", defaultValue = "included",
                description = "included (allowances granted, no fee, as the demo population) or charged (fee paid "
                        + "from the balance, as POST /subscribers); default ${DEFAULT-VALUE}")
        String firstPeriod;

        @Option(names = "--journal", description = "Also write the API's two charging records per subscriber "
                + "(default: none; one line per run in <data-dir>/bulk-loads.jsonl)")
        boolean journal;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() throws Exception {
            try {
                EngineConfig cfg = options.load();
                if (!firstPeriod.equals("included") && !firstPeriod.equals("charged")) {
                    System.err.println("bulk load refused, nothing changed:\n  first-period=" + firstPeriod
                            + ": must be included or charged");
                    return 2;
                }
                long balanceMicros;
                String balanceText = balance != null ? balance : cfg.string("demo.balance");
                try {
                    balanceMicros = Money.parseMicros(balanceText);
                } catch (RuntimeException e) {
                    System.err.println("bulk load refused, nothing changed:\n  balance=" + balanceText + ": "
                            + e.getMessage());
                    return 2;
                }
                BulkLoader.Plan plan = new BulkLoader.Plan(
                        firstMsisdn != null ? firstMsisdn : cfg.longValue("demo.firstMsisdn"),
                        firstImsi != null ? firstImsi : cfg.longValue("demo.firstImsi"), count,
                        pkg != null ? pkg : cfg.string("demo.package"), balanceMicros, firstPeriod.equals("included"),
                        journal);
                BulkLoader.load(cfg, plan, System.out, System.currentTimeMillis());
                return 0;
            } catch (EngineConfig.ConfigException | BulkLoader.Refused e) {
                System.err.println(e.getMessage());
                return 2;
            } catch (BulkLoader.Aborted e) {
                System.err.println("bulk load stopped: " + e.getMessage()
                        + " (fix the range and run again: existing MSISDNs are skipped)");
                return 1;
            }
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = {
            "Check, offline, that a stopped engine's data directory conserved money (stop the engine first).",
            "Reads the charging-record journal once and walks every account once: journal seqs gap-free; per account, "
                    + "money = opening money + the effect of each of its records, each record's moneyAfterMicros = "
                    + "the money before it + its effect, lastJournalSeq = its last record's seq; an account without "
                    + "records has seq 0 and the opening balance of the bulk load that made it (bulk-loads.jsonl); "
                    + "reservations = the sum over open sessions.",
            "Prints one summary line and at most 20 mismatch lines. Exit 0: everything holds; 1: a mismatch; 2: "
                    + "usage error (bad directory, engine running, or not closed cleanly: after a kill -9 start the "
                    + "engine once and stop it cleanly, so that its recovery runs, then audit).",
            "Changes nothing but the rewritten clean-shutdown marker."})
    static final class Audit implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            java.io.PrintWriter out = spec.commandLine().getOut();
            java.io.PrintWriter err = spec.commandLine().getErr();
            Report report;
            try {
                report = io.gyro.engine.audit.Audit.run(options.load(), line -> {
                    err.println(line);
                    err.flush();
                });
            } catch (EngineConfig.ConfigException e) {
                err.println(e.getMessage());
                return 2;
            } catch (io.gyro.engine.audit.Audit.Refused e) {
                err.println("audit refused, nothing changed: " + e.getMessage());
                return 2;
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // Not a verdict on the money (that is exit 1): the audit could not read what it checks.
                err.println("audit could not finish, nothing changed: " + e.getMessage());
                return 2;
            }
            out.println(report.summary());
            for (String line : report.lines()) {
                out.println("  " + line);
            }
            if (report.mismatchCount() > report.lines().size()) {
                out.println("  ... " + (report.mismatchCount() - report.lines().size()) + " more");
            }
            out.flush();
            return report.clean() ? 0 : 1;
        }
    }

    /**
     * Shared options of the admin commands: the engine is found from the same {@code --config}, {@code --set} and
     * {@code --data-dir} as {@code serve} was given (its {@code http.host}, {@code http.port}, {@code http.token} and
     * data directory), so that {@code gyro serve --set http.port=8081} is followed by {@code gyro balance N --set
     * http.port=8081}.
     */
    abstract static class ApiCommand implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Option(names = "--api", description = "Engine HTTP API base URL (default: from http.host and http.port)")
        String api;

        @Option(names = "--token", description = "API token (default: $GYRO_API_TOKEN, else http.token, else "
                + "<dataDir>/api-token)")
        String token;

        int call(String method, String path, String json) throws Exception {
            HttpResponse<String> response = send(method, path, json, Duration.ofSeconds(30));
            if (response == null) {
                return 3;
            }
            (response.statusCode() < 300 ? System.out : System.err).println(response.body());
            return response.statusCode() < 300 ? 0 : 1;
        }

        /** The API's answer, or null (said on stderr) when the engine cannot be reached or the settings are bad. */
        HttpResponse<String> send(String method, String path, String json, Duration timeout) throws Exception {
            EngineConfig config;
            try {
                config = options.load();
            } catch (EngineConfig.ConfigException e) {
                System.err.println(e.getMessage());
                return null;
            }
            if (api == null) {
                String host = config.string("http.host");
                if (host.equals("0.0.0.0") || host.equals("::")) {
                    host = "127.0.0.1";   // bound to every address: ask over loopback
                } else if (host.contains(":")) {
                    host = "[" + host + "]";
                }
                int port;
                try {
                    port = config.integer("http.port");
                } catch (RuntimeException e) {
                    System.err.println("http.port=" + config.string("http.port") + " is not a port number");
                    return null;
                }
                api = "http://" + host + ":" + port;
            }
            String configured = config.string("http.token");
            String bearer = ApiToken.forClient(token, config.path("dataDir"));
            String env = System.getenv("GYRO_API_TOKEN");
            if ((token == null || token.isBlank()) && (env == null || env.isBlank()) && configured != null
                    && !configured.isBlank()) {
                bearer = configured.trim();
            }
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + bearer);
            request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
            try {
                return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                System.err.println("cannot reach the Gyro engine at " + api + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is `gyro serve` running?");
                return null;
            }
        }

        static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    @Command(name = "add-subscriber", description = "Create a subscriber (POST /subscribers).")
    static final class AddSubscriber extends ApiCommand {
        @Parameters(index = "0", description = "MSISDN") String msisdn;
        @Parameters(index = "1", description = "IMSI") String imsi;
        @Option(names = "--package", defaultValue = "basic") String pkg;
        @Option(names = "--balance", defaultValue = "0.00", description = "opening balance, e.g. 50.00") String balance;

        @Override
        public Integer call() throws Exception {
            return call("POST", "/subscribers", "{\"msisdn\":" + quote(msisdn) + ",\"imsi\":" + quote(imsi)
                    + ",\"package\":" + quote(pkg) + ",\"balance\":" + quote(balance) + "}");
        }
    }

    @Command(name = "top-up", description = "Add money (POST /subscribers/{msisdn}/topups).")
    static final class TopUp extends ApiCommand {
        @Parameters(index = "0") String msisdn;
        @Parameters(index = "1", description = "amount, e.g. 30.00") String amount;
        @Option(names = "--idempotency-key", description = "defaults to a random UUID") String key;

        @Override
        public Integer call() throws Exception {
            String k = key != null ? key : UUID.randomUUID().toString();
            return call("POST", "/subscribers/" + msisdn + "/topups",
                    "{\"amount\":" + quote(amount) + ",\"idempotencyKey\":" + quote(k) + "}");
        }
    }

    @Command(name = "balance", description = "Show money, buckets and reservations.")
    static final class Balance extends ApiCommand {
        @Parameters(index = "0") String msisdn;

        @Override
        public Integer call() throws Exception {
            return call("GET", "/subscribers/" + msisdn + "/balance", null);
        }
    }

    /** Shared period options of the usage and records commands. */
    abstract static class PeriodCommand extends ApiCommand {
        @Parameters(index = "0") String msisdn;
        @Option(names = "--from", description = "ISO instant, e.g. 2026-11-01T00:00:00Z") String from;
        @Option(names = "--to", description = "ISO instant") String to;

        String query(String first) {
            StringBuilder q = new StringBuilder(first);
            if (from != null) {
                q.append(q.length() == 0 ? "?" : "&").append("from=").append(from);
            }
            if (to != null) {
                q.append(q.length() == 0 ? "?" : "&").append("to=").append(to);
            }
            return q.toString();
        }
    }

    @Command(name = "usage", description = "Show units and money per service for a period.")
    static final class Usage extends PeriodCommand {
        @Override
        public Integer call() throws Exception {
            return call("GET", "/subscribers/" + msisdn + "/usage" + query(""), null);
        }
    }

    @Command(name = "records", description = "Show the charging records of a subscriber for a period.")
    static final class Records extends PeriodCommand {
        @Override
        public Integer call() throws Exception {
            return call("GET", "/subscribers/" + msisdn + "/records" + query("?limit=1000"), null);
        }
    }

    @Command(name = "margin", description = {
            "Revenue, wholesale cost and margin per package, per service and per UTC day, from the charging records "
                    + "(GET /reports/margin).",
            "Example: gyro margin --from 2026-12-01 --to 2026-12-07",
            "What counts: usage and event records (retail money debited; wholesale cost of all units), refunds "
                    + "(negative), fees (revenue of the base package, no cost); top-ups, stale releases and "
                    + "adjustments do not (README \"Margin\")."})
    static final class Margin extends ApiCommand {
        @Option(names = "--from", required = true, description = "first UTC day, YYYY-MM-DD") String from;
        @Option(names = "--to", description = "last UTC day, YYYY-MM-DD (default: the --from day)") String to;
        @Option(names = "--json", description = "print the API's JSON instead of the tables") boolean json;

        @Override
        public Integer call() throws Exception {
            String last = to != null ? to : from;
            HttpResponse<String> response = send("GET", "/reports/margin?from="
                    + java.net.URLEncoder.encode(from, java.nio.charset.StandardCharsets.UTF_8) + "&to="
                    + java.net.URLEncoder.encode(last, java.nio.charset.StandardCharsets.UTF_8), null,
                    Duration.ofMinutes(10));
            if (response == null) {
                return 3;
            }
            if (response.statusCode() >= 300) {
                System.err.println(response.body());
                return 1;
            }
            System.out.print(json ? response.body() + System.lineSeparator()
                    : io.gyro.engine.report.MarginTable.format(response.body()));
            return 0;
        }
    }

    @Command(name = "status", description = "Show engine counters.")
    static final class Status extends ApiCommand {
        @Override
        public Integer call() throws Exception {
            return call("GET", "/status", null);
        }
    }
}
