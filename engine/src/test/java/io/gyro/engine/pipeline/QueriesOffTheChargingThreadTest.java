package io.gyro.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.gyro.engine.api.HttpApi;
import io.gyro.engine.api.HttpServer;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.cdr.JournalEntry;
import io.gyro.engine.report.Reports;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.rating.Rater;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /usage and /records read the charging records off the charging thread: while a query's read of the files is
 * held up, the charging thread runs other work (a CCR would be answered). Before, the whole scan ran there, and with a
 * long journal every CCR waited 0.6-0.8 s behind it.
 */
class QueriesOffTheChargingThreadTest {
    private static final long MSISDN = 8617000000001L;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theChargingThreadIsFreeWhileAQueryReadsTheRecords() throws Exception {
        Path catalogue = SampleCatalogue.path();
        CatalogueLoadResult loaded = CatalogueLoader.load(catalogue);
        assertTrue(loaded.ok(), String.valueOf(loaded.problems()));
        ExecutorService charging = Executors.newSingleThreadExecutor();
        HttpServer http = new HttpServer();
        Reports reports = new Reports(dir, 3600, System::currentTimeMillis);
        try (Stores stores = Stores.open(dir.resolve("data"), new StoreConfig(1_000, 100));
             Journal journal = Journal.open(dir.resolve("data/journal"), JournalConfig.defaults())) {
            ChargingState state = new ChargingState(stores, new Records(journal), new Rater(loaded.catalogue()),
                    new ChargingState.Settings("ocs".getBytes(StandardCharsets.US_ASCII),
                            "realm".getBytes(StandardCharsets.US_ASCII), 60_000));
            charging.submit(() -> Admin.createSubscriber(state, MSISDN, 460990000000001L, "basic", 50_000_000L, true,
                    System.currentTimeMillis())).get(10, TimeUnit.SECONDS);

            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            HttpApi api = new HttpApi(task -> {
                charging.execute(() -> task.execute(state));
                return true;
            }, System::currentTimeMillis, ignored -> java.util.Map.of(), "token", reports, catalogue)
                    .recordSource(new HttpApi.RecordSource() {
                        @Override
                        public boolean awaitExported(long seq, long timeoutMs) {
                            return true;
                        }

                        @Override
                        public List<JournalEntry> read(long msisdn, long fromMs, long toMs, int limit) {
                            reading.countDown();
                            try {
                                release.await(30, TimeUnit.SECONDS);   // a long journal's scan
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return List.of();
                        }
                    });
            InetSocketAddress address = http.bind(new InetSocketAddress("127.0.0.1", 0), api, 65_536);
            CompletableFuture<HttpResponse<String>> records = HttpClient.newHttpClient().sendAsync(HttpRequest
                    .newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/subscribers/" + MSISDN + "/records"))
                    .header("Authorization", "Bearer token").build(), HttpResponse.BodyHandlers.ofString());

            assertTrue(reading.await(10, TimeUnit.SECONDS), "the query reads the records");
            // While it reads, the charging thread is free: this would wait for the read if the query held it.
            assertEquals(42, charging.submit(() -> 42).get(5, TimeUnit.SECONDS));
            release.countDown();
            HttpResponse<String> r = records.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());

            HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + address.getPort() + "/subscribers/8619999999999/usage"))
                    .header("Authorization", "Bearer token").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, unknown.statusCode(), "an unknown subscriber is still refused: " + unknown.body());
        } finally {
            http.close();
            reports.close();
            charging.shutdownNow();
        }
    }
}
