package io.gyro.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gyro.engine.pipeline.AdminTask;
import io.gyro.engine.pipeline.ApiException;
import io.gyro.engine.pipeline.ChargingState;
import io.gyro.engine.pipeline.Admin;
import io.gyro.engine.report.MarginReport;
import io.gyro.engine.report.Reports;
import io.gyro.engine.status.ErrorLog;
import io.gyro.engine.store.SubscriberState;
import io.gyro.rating.money.Money;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.channel.ChannelHandler.Sharable;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The HTTP admin API (JSON): provisioning, top-ups, balances, records, catalogue reload, reports.
 * Requests are parsed and validated on the Netty thread; every read or write of account state
 * runs as an {@link AdminTask} on the charging processor (through the same ring as Diameter
 * traffic), so the processor stays the single writer. Reports read the charging-record files on
 * the {@link Reports} worker, neither here nor on the processor. Errors are JSON {@code {"error": ...}}
 * with 400, 404, 409, 413, 503; never a stack trace. The contract is /openapi.json.
 */
@Sharable
public final class HttpApi extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Hands a task to the processor; false when the ring is full. */
    public interface TaskSink {
        boolean submit(AdminTask task);
    }

    private final TaskSink sink;
    private final LongSupplier clock;
    private final Function<Void, Map<String, Object>> statusSupplier;
    private final byte[] openApi;

    private final byte[] token;
    /** Null: reports are not served (503). */
    private final Reports reports;

    /** Null: GET /metrics is 404. */
    private volatile io.gyro.engine.status.Metrics metrics;

    /** Serves {@code metrics} at GET /metrics (Prometheus text format, with the API token like every other path). */
    public HttpApi metrics(io.gyro.engine.status.Metrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /** The directory catalogue reloads may read from (real path). */
    private final Path reloadDir;
    /** The catalogue file the engine was configured with. */
    private final Path configuredCatalogue;
    /** The catalogue a reload without a path reads: the configured one, then the last one reloaded. */
    private volatile Path currentCatalogue;

    /**
     * @param catalogue the configured catalogue file: reloads read it, or another file of its directory, and nothing
     *                  else the engine's user can read
     */
    public HttpApi(TaskSink sink, LongSupplier clock, Function<Void, Map<String, Object>> statusSupplier, String token,
                   Reports reports, Path catalogue) {
        this.sink = sink;
        this.currentCatalogue = catalogue.toAbsolutePath().normalize();
        this.configuredCatalogue = currentCatalogue;
        try {
            this.reloadDir = currentCatalogue.getParent().toRealPath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("catalogue directory " + currentCatalogue.getParent(), e);
        }
        this.reports = reports;
        this.token = ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
        this.clock = clock;
        this.statusSupplier = statusSupplier;
        try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.json")) {
            this.openApi = in == null ? "{}".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            send(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, error("malformed HTTP request"));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path;
        Map<String, List<String>> parameters;
        try {
            // Decoding is lazy and throws on a broken %-escape ("%zz", a trailing "%").
            path = uri.path();
            parameters = uri.parameters();
        } catch (IllegalArgumentException e) {
            send(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, error("malformed request URI: " + e.getMessage()));
            return;
        }
        if (!(path.equals("/openapi.json") && request.method().equals(HttpMethod.GET)) && !authorized(request)) {
            send(ctx, keepAlive, HttpResponseStatus.UNAUTHORIZED,
                    error("missing or wrong API token: send Authorization: Bearer <token> (see <dataDir>/api-token)"));
            return;
        }
        String[] parts = path.replaceAll("/+$", "").split("/");
        HttpMethod method = request.method();
        try {
            route(ctx, keepAlive, method, parts, parameters, request);
        } catch (ApiException e) {
            send(ctx, keepAlive, HttpResponseStatus.valueOf(e.status), error(e.getMessage()));
        }
    }

    /** Constant-time check of the bearer token. */
    private boolean authorized(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        return header != null && java.security.MessageDigest.isEqual(token, header.getBytes(StandardCharsets.US_ASCII));
    }

    private void route(ChannelHandlerContext ctx, boolean keepAlive, HttpMethod method, String[] p,
                       Map<String, List<String>> query, FullHttpRequest request) {
        int n = p.length;
        if (n == 2 && p[1].equals("openapi.json") && method.equals(HttpMethod.GET)) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(openApi));
            respond(ctx, keepAlive, response);
            return;
        }
        if (n == 2 && p[1].equals("metrics") && method.equals(HttpMethod.GET)) {
            if (metrics == null) {
                throw new ApiException(404, "metrics are not served by this engine");
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(metrics.scrape()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, metrics.contentType());
            respond(ctx, keepAlive, response);
            return;
        }
        if (n == 2 && p[1].equals("status") && method.equals(HttpMethod.GET)) {
            send(ctx, keepAlive, HttpResponseStatus.OK, statusSupplier.apply(null));
            return;
        }
        if (n == 2 && p[1].equals("subscribers") && method.equals(HttpMethod.POST)) {
            JsonNode body = body(request, Set.of("msisdn", "imsi", "package", "balance", "firstPeriodIncluded"));
            long msisdn = digits(body, "msisdn", true);
            long imsi = digits(body, "imsi", true);
            String pkg = text(body, "package", true);
            long balance = money(body, "balance", false);
            boolean included = bool(body, "firstPeriodIncluded", false);
            run(ctx, keepAlive, HttpResponseStatus.CREATED,
                    s -> Admin.createSubscriber(s, msisdn, imsi, pkg, balance, included, clock.getAsLong()));
            return;
        }
        if (n >= 3 && p[1].equals("subscribers")) {
            long msisdn = parseMsisdn(p[2]);
            if (n == 3 && method.equals(HttpMethod.GET)) {
                run(ctx, keepAlive, HttpResponseStatus.OK, s -> Admin.subscriberView(s, Admin.findSubscriber(s, msisdn)));
                return;
            }
            if (n == 3 && method.equals(HttpMethod.PATCH)) {
                JsonNode body = body(request, Set.of("package", "state", "realNameVerified"));
                String pkg = text(body, "package", false);
                String stateText = text(body, "state", false);
                SubscriberState state = null;
                if (stateText != null) {
                    try {
                        state = SubscriberState.valueOf(stateText.toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw ApiException.badRequest("state=" + stateText
                                + ": must be one of ACTIVE, SUSPENDED, BARRED, AWAITING_REAL_NAME");
                    }
                }
                Boolean verified = body.has("realNameVerified") ? bool(body, "realNameVerified", true) : null;
                if (pkg == null && state == null && verified == null) {
                    throw ApiException.badRequest("nothing to change: give package, state or realNameVerified");
                }
                SubscriberState newState = state;
                run(ctx, keepAlive, HttpResponseStatus.OK, s -> {
                    if (pkg != null) {
                        Admin.changePackage(s, msisdn, pkg);
                    }
                    return Admin.setState(s, msisdn, newState, verified);
                });
                return;
            }
            if (n == 4 && p[3].equals("balance") && method.equals(HttpMethod.GET)) {
                run(ctx, keepAlive, HttpResponseStatus.OK, s -> Admin.balance(s, msisdn, clock.getAsLong()));
                return;
            }
            if (n == 4 && p[3].equals("topups") && method.equals(HttpMethod.POST)) {
                JsonNode body = body(request, Set.of("amount", "idempotencyKey"));
                long amount = money(body, "amount", true);
                String key = text(body, "idempotencyKey", true);
                run(ctx, keepAlive, HttpResponseStatus.OK, s -> Admin.topUp(s, msisdn, amount, key, clock.getAsLong()));
                return;
            }
            if (n == 4 && p[3].equals("addons") && method.equals(HttpMethod.POST)) {
                JsonNode body = body(request, Set.of("package"));
                String pkg = text(body, "package", true);
                run(ctx, keepAlive, HttpResponseStatus.OK, s -> Admin.buyAddOn(s, msisdn, pkg, clock.getAsLong()));
                return;
            }
            if (n == 4 && p[3].equals("usage") && method.equals(HttpMethod.GET)) {
                long from = instant(query, "from", 0);
                long to = instant(query, "to", Long.MAX_VALUE);
                if (recordSource == null) {
                    run(ctx, keepAlive, HttpResponseStatus.OK, s -> Admin.usage(s, msisdn, from, to));
                } else {
                    query(ctx, keepAlive, msisdn, start -> Admin.usage(read(start, msisdn, from, to, 1_000_000),
                            start.catalogue(), msisdn, from, to));
                }
                return;
            }
            if (n == 4 && p[3].equals("records") && method.equals(HttpMethod.GET)) {
                long from = instant(query, "from", 0);
                long to = instant(query, "to", Long.MAX_VALUE);
                int limit = (int) Math.min(10_000, longParam(query, "limit", 1000));
                if (recordSource == null) {
                    run(ctx, keepAlive, HttpResponseStatus.OK, s -> Map.of("msisdn", msisdn,
                            "records", Admin.records(s, msisdn, from, to, limit)));
                } else {
                    query(ctx, keepAlive, msisdn, start -> Map.of("msisdn", msisdn,
                            "records", read(start, msisdn, from, to, limit)));
                }
                return;
            }
        }
        if (n == 3 && p[1].equals("reports") && p[2].equals("margin") && method.equals(HttpMethod.GET)) {
            LocalDate from = day(query, "from");
            LocalDate to = day(query, "to");
            if (from.isAfter(to)) {
                throw ApiException.badRequest("from=" + from + " is after to=" + to + ": give the first day, then the last");
            }
            long days = to.toEpochDay() - from.toEpochDay() + 1;
            if (days > MarginReport.MAX_DAYS) {
                throw ApiException.badRequest("from=" + from + "&to=" + to + " spans " + days + " days; at most "
                        + MarginReport.MAX_DAYS + " per request");
            }
            offLoop(ctx, keepAlive, () -> reports.margin(from, to).toJson());
            return;
        }
        if (n == 3 && p[1].equals("catalogue") && p[2].equals("reload") && method.equals(HttpMethod.POST)) {
            JsonNode body = body(request, Set.of("path"));
            String path = text(body, "path", false);
            Path file = reloadFile(path);
            // Read and checked here, off the charging thread (a slow disk or a large file stalls no request); only
            // the swap runs there, in one admin task.
            java.util.concurrent.CompletableFuture<io.gyro.rating.catalogue.CatalogueLoadResult> reading;
            try {
                reading = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> io.gyro.rating.catalogue.CatalogueLoader.load(file), RELOADS);
            } catch (RejectedExecutionException e) {
                throw new ApiException(409, "a catalogue reload is already running; retry when it has answered");
            }
            reading.orTimeout(60, TimeUnit.SECONDS)
                    .whenComplete((loaded, failure) -> {
                        if (failure != null) {
                            ctx.executor().execute(() -> send(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST,
                                    error("catalogue " + file.getFileName() + " could not be read")));
                            return;
                        }
                        long nowMs = clock.getAsLong();
                        run(ctx, keepAlive, HttpResponseStatus.OK, s -> {
                            Object result = Admin.reloadCatalogue(s, file, loaded, nowMs);
                            currentCatalogue = file;
                            return result;
                        });
                    });
            return;
        }
        throw new ApiException(404, "no such endpoint: " + method + " " + String.join("/", p) + " (see /openapi.json)");
    }

    /**
     * Reads reloaded catalogues: one at a time (another reload meanwhile is a 409), on a daemon thread that ends when
     * idle, never the common pool (which, on 2 cores, starts a thread per task).
     */
    private static final java.util.concurrent.ThreadPoolExecutor RELOADS = new java.util.concurrent.ThreadPoolExecutor(
            0, 1, 30, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "gyro-catalogue-reload");
                t.setDaemon(true);
                return t;
            });

    /** Largest catalogue file a reload reads. */
    static final long MAX_CATALOGUE_BYTES = 8L << 20;

    /**
     * The file a reload reads: {@code path} (relative to the working directory, as at start), or the current catalogue
     * when absent. Only a regular file of the configured catalogue's directory (or, when the configured file is a link, of
     * the directory it leads to), after links are followed, and no larger
     * than {@value #MAX_CATALOGUE_BYTES} bytes; anything else is refused before a byte of it is read, and the answer
     * says nothing of what the path holds.
     */
    private Path reloadFile(String path) {
        Path asked;
        try {
            asked = path == null ? currentCatalogue : Path.of(path);
        } catch (RuntimeException e) {
            throw new ApiException(400, "catalogue path is not a path");
        }
        Path real;
        try {
            real = asked.toRealPath();
        } catch (java.io.IOException | RuntimeException e) {
            throw new ApiException(400, "catalogue " + asked + ": no such file");
        }
        if (real.getParent() == null || !(real.getParent().equals(reloadDir) || real.getParent().equals(configuredRealDir()))) {
            throw new ApiException(403, "catalogue " + asked + ": a reload reads only files of " + reloadDir
                    + " (the configured catalogue's directory)");
        }
        try {
            if (!java.nio.file.Files.isRegularFile(real) || java.nio.file.Files.size(real) > MAX_CATALOGUE_BYTES) {
                throw new ApiException(400, "catalogue " + asked + ": not a regular file of at most "
                        + MAX_CATALOGUE_BYTES + " bytes");
            }
        } catch (java.io.IOException e) {
            throw new ApiException(400, "catalogue " + asked + ": cannot be read");
        }
        return real;
    }

    /**
     * The directory the configured catalogue's file really is in now, when it is a link (a Kubernetes ConfigMap mount
     * points {@code catalogue.yaml} at {@code ..data/}, which points at a dated directory that changes with each
     * update); null when it cannot be resolved.
     */
    private Path configuredRealDir() {
        try {
            return configuredCatalogue.toRealPath().getParent();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Runs {@code work} on the processor and answers with its result. */
    private void run(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus okStatus,
                     Function<ChargingState, Object> work) {
        submit(ctx, keepAlive, work, value -> send(ctx, keepAlive, okStatus, value));
    }

    /** Where records and usage queries read the charging records, off the charging thread. */
    public interface RecordSource {
        /** Waits (at most {@code timeoutMs}) until the JSON journal holds every record up to {@code seq}. */
        boolean awaitExported(long seq, long timeoutMs);

        List<io.gyro.engine.cdr.JournalEntry> read(long msisdn, long fromMs, long toMs, int limit) throws java.io.IOException;
    }

    /** Null: records and usage are read on the charging thread, as before (embedded uses without an export). */
    private volatile RecordSource recordSource;

    /** Reads records and usage through {@code source}, on the report worker, instead of on the charging thread. */
    public HttpApi recordSource(RecordSource source) {
        this.recordSource = source;
        return this;
    }

    /**
     * A records or usage query: the charging thread only checks the subscriber and notes the last record's seq
     * ({@link Admin#queryStart}); the report worker waits for the export to reach that seq, reads the files and answers,
     * so a query of a long journal delays no CCR.
     */
    private void query(ChannelHandlerContext ctx, boolean keepAlive, long msisdn, Function<Admin.QueryStart, Object> work) {
        submit(ctx, keepAlive, s -> Admin.queryStart(s, msisdn),
                start -> offLoop(ctx, keepAlive, () -> work.apply((Admin.QueryStart) start)));
    }

    private List<io.gyro.engine.cdr.JournalEntry> read(Admin.QueryStart start, long msisdn, long fromMs, long toMs,
                                                       int limit) {
        RecordSource source = recordSource;
        if (!source.awaitExported(start.lastSeq(), Admin.EXPORT_WAIT_MS)) {
            throw ApiException.unavailable("the CDR export is behind the write-ahead log (last seq " + start.lastSeq()
                    + ") by more than " + Admin.EXPORT_WAIT_MS + " ms; try again");
        }
        try {
            return source.read(msisdn, fromMs, toMs, limit);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code work} on the processor; {@code onValue} gets its result on this event loop, a failure is answered. */
    private void submit(ChannelHandlerContext ctx, boolean keepAlive, Function<ChargingState, Object> work,
                        java.util.function.Consumer<Object> onValue) {
        AdminTask task = new AdminTask() {
            @Override
            protected Object run(ChargingState state) {
                return work.apply(state);
            }
        };
        if (!sink.submit(task)) {
            send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, error("engine is busy; retry"));
            return;
        }
        task.result.orTimeout(30, TimeUnit.SECONDS).whenComplete((value, failure) -> ctx.executor().execute(() -> {
            if (failure == null) {
                onValue.accept(value);
                return;
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof ApiException) {
                ApiException e = (ApiException) cause;
                send(ctx, keepAlive, HttpResponseStatus.valueOf(e.status), error(e.getMessage()));
            } else if (cause instanceof Admin.CatalogueRejected) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", "catalogue rejected; the current one stays");
                body.put("problems", ((Admin.CatalogueRejected) cause).problems);
                send(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, body);
            } else if (cause instanceof java.util.concurrent.TimeoutException) {
                send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, error("engine did not answer in time"));
            } else {
                org.slf4j.LoggerFactory.getLogger(HttpApi.class).error("admin task failed", cause);
                send(ctx, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, error("internal error; see the engine log"));
            }
        }));
    }

    /**
     * Runs a read-side query on the report worker and answers with its result (encoded there too): neither this event
     * loop nor the charging thread reads the files.
     */
    private void offLoop(ChannelHandlerContext ctx, boolean keepAlive, Callable<Object> work) {
        if (reports == null) {
            send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, error("reports are not served by this engine"));
            return;
        }
        try {
            reports.execute(() -> {
                HttpResponseStatus status = HttpResponseStatus.OK;
                byte[] bytes;
                try {
                    bytes = JSON.writeValueAsBytes(work.call());
                } catch (ApiException e) {
                    status = HttpResponseStatus.valueOf(e.status);
                    bytes = encode(error(e.getMessage()));
                } catch (Exception e) {
                    ErrorLog.error(org.slf4j.LoggerFactory.getLogger(HttpApi.class), "report failed", e);
                    status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
                    bytes = encode(error("the report could not be made; see the engine log"));
                }
                HttpResponseStatus answered = status;
                byte[] body = bytes;
                ctx.executor().execute(() -> respond(ctx, keepAlive, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        answered, Unpooled.wrappedBuffer(body))));
            });
        } catch (RejectedExecutionException e) {
            send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, error("reports are busy; retry"));
        }
    }

    // ------------------------------------------------------------------ input checks

    /** A required UTC day, {@code YYYY-MM-DD}. */
    private static LocalDate day(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty() || v.get(0).isBlank()) {
            throw ApiException.badRequest(name + " is required: a UTC day such as 2026-12-01 (YYYY-MM-DD)");
        }
        String text = v.get(0);
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        if (!text.matches("\\d{4}-\\d{2}-\\d{2}")) {
            throw ApiException.badRequest(name + "=" + shown + ": must be a UTC day YYYY-MM-DD such as 2026-12-01");
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + "=" + shown + ": no such day");
        }
    }

    private static JsonNode body(FullHttpRequest request, Set<String> allowed) {
        ByteBuf content = request.content();
        if (content.readableBytes() == 0) {
            throw ApiException.badRequest("a JSON object body is required");
        }
        JsonNode node;
        try {
            node = JSON.readTree(content.toString(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("body must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest("unknown field \"" + name + "\"; allowed: " + allowed);
            }
        }
        return node;
    }

    private static long digits(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badRequest(field + " is required");
            }
            return -1;
        }
        String text = v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.textValue() : null;
        if (text == null || !text.matches("\\d{5,15}")) {
            throw ApiException.badRequest(field + "=" + v + ": must be 5 to 15 digits");
        }
        return Long.parseLong(text);
    }

    private static long parseMsisdn(String text) {
        if (!text.matches("\\d{5,15}")) {
            throw ApiException.badRequest("msisdn=" + text + ": must be 5 to 15 digits");
        }
        return Long.parseLong(text);
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badRequest(field + " is required");
            }
            return null;
        }
        if (!v.isTextual() || v.textValue().isBlank() || v.textValue().length() > 256) {
            throw ApiException.badRequest(field + "=" + v + ": must be a non-empty string of at most 256 characters");
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badRequest(field + " is required");
            }
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest(field + "=" + v + ": must be true or false");
        }
        return v.booleanValue();
    }

    /** Money is a decimal string ("50.00") or a JSON number with at most 6 decimals, parsed exactly. */
    private static long money(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badRequest(field + " is required");
            }
            return 0;
        }
        String text = v.isTextual() ? v.textValue() : v.isNumber() ? v.asText() : null;
        if (text == null || !text.matches("\\d{1,12}(\\.\\d{1,6})?")) {
            throw ApiException.badRequest(field + "=" + v + ": must be a non-negative decimal amount such as \"50.00\"");
        }
        try {
            return Money.parseMicros(text);
        } catch (RuntimeException e) {
            throw ApiException.badRequest(field + "=" + v + ": " + e.getMessage());
        }
    }

    private static long instant(Map<String, List<String>> query, String name, long absent) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            return Instant.parse(v.get(0)).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + "=" + v.get(0) + ": must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }

    private static long longParam(Map<String, List<String>> query, String name, long absent) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            long n = Long.parseLong(v.get(0));
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + "=" + v.get(0) + ": must be a positive whole number");
        }
    }

    // ------------------------------------------------------------------ responses

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private static byte[] encode(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return "{\"error\":\"could not encode the response\"}".getBytes(StandardCharsets.UTF_8);
        }
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            bytes = "{\"error\":\"could not encode the response\"}".getBytes(StandardCharsets.UTF_8);
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
        }
        respond(ctx, keepAlive, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes)));
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        if (!response.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
