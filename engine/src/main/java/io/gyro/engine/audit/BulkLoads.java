package io.gyro.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.engine.bulk.BulkLoader;
import io.gyro.engine.pipeline.Admin;
import io.gyro.engine.pipeline.ApiException;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.Subscriber;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The opening money of bulk-loaded accounts, from the loader's manifest ({@value BulkLoader#MANIFEST}, one JSON
 * line per run): a run without {@code journal} wrote no record per account, so an account of its range starts
 * from the money {@link Admin#openingState} left it with: the opening balance, less the first period's fee
 * when that was charged. Runs record that money ({@code openingMoneyMicros}); for lines written before they did,
 * the fee is priced again, with the catalogue the audit is given, at the run's {@code createdMs}. Runs with
 * {@code journal} are left out: their accounts' opening balance is in the journal. The earliest run covering an id is the one that created it (later runs
 * skip existing MSISDNs). A handful of runs: a list, searched linearly.
 */
final class BulkLoads {
    /** One run's range (account id = MSISDN) and the money its accounts started with; null when it cannot be known. */
    record Run(int line, long firstMsisdn, long count, Long openingMicros, String why) {
        boolean covers(long accountId) {
            return accountId >= firstMsisdn && accountId - firstMsisdn < count;
        }
    }

    private final List<Run> runs;

    private BulkLoads(List<Run> runs) {
        this.runs = runs;
    }

    List<Run> runs() {
        return runs;
    }

    /**
     * Reads the manifest of {@code dataDir} (none: no bulk-loaded accounts).
     *
     * @param catalogue loaded only when a run charged its first period
     * @throws IOException when the manifest cannot be read or a line is not a run
     */
    static BulkLoads read(Path dataDir, Supplier<Catalogue> catalogue) throws IOException {
        Path file = dataDir.resolve(BulkLoader.MANIFEST);
        List<Run> runs = new ArrayList<>();
        if (!Files.exists(file)) {
            return new BulkLoads(runs);
        }
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = json.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IOException(file + " line " + (i + 1) + ": not JSON: " + e.getMessage(), e);
            }
            for (String field : new String[] {"firstMsisdn", "count", "balanceMicros", "firstPeriodIncluded", "journal"}) {
                if (!n.hasNonNull(field)) {
                    throw new IOException(file + " line " + (i + 1) + ": no " + field);
                }
            }
            if (n.get("journal").asBoolean()) {
                continue;
            }
            long first = n.get("firstMsisdn").asLong();
            long count = n.get("count").asLong();
            if (!"complete".equals(n.path("outcome").asText("complete")) && n.has("created") && n.has("skipped")) {
                // An aborted run went through its range in order and stopped: it created or skipped only the first
                // created + skipped MSISDNs; a later run may have created the rest, with another opening.
                count = Math.min(count, n.get("created").asLong() + n.get("skipped").asLong());
            }
            long balance = n.get("balanceMicros").asLong();
            if (n.hasNonNull("openingMoneyMicros")) {
                runs.add(new Run(i + 1, first, count, n.get("openingMoneyMicros").asLong(), null));
                continue;
            }
            if (n.get("firstPeriodIncluded").asBoolean()) {
                runs.add(new Run(i + 1, first, count, balance, null));
                continue;
            }
            String pkg = n.path("package").asText();
            Catalogue c = catalogue.get();
            int index = c == null ? -1 : c.packageIndex(pkg);
            if (index < 0) {
                runs.add(new Run(i + 1, first, count, null, "its first period fee was charged and package " + pkg
                        + " is not in the catalogue to price it"));
                continue;
            }
            Account account = new Account();
            try {
                Admin.openingState(c, index, first, n.path("firstImsi").asLong(first), balance, false,
                        n.path("createdMs").asLong(), new Subscriber(), account, new Wallet(), null);
                runs.add(new Run(i + 1, first, count, account.moneyMicros(), null));
            } catch (ApiException e) {
                runs.add(new Run(i + 1, first, count, null, "its first period fee cannot be priced again: "
                        + e.getMessage()));
            }
        }
        return new BulkLoads(runs);
    }

    /** The run that created {@code accountId}, or null when no run without records covers it. */
    Run creator(long accountId) {
        for (Run r : runs) {
            if (r.covers(accountId)) {
                return r;
            }
        }
        return null;
    }
}
