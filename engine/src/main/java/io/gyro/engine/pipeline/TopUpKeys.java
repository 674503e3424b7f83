package io.gyro.engine.pipeline;

import io.gyro.rating.money.Money;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The idempotency keys of the last {@value #RETAINED} top-ups, so that a retried top-up credits once, also
 * across clean stops and kill -9, without reading the journal at start. Kept in memory and in an
 * append-only file {@code <data>/topup-keys}, one entry per top-up, appended right after its journal
 * record (the commit point) and before its account write ({@code Admin.topUp}).
 *
 * <p>Why a kill cannot lose a key: the entry is written (a {@code write} into the page cache, which
 * outlives the process) before the request finishes, and the journal checkpoint ({@code
 * io.gyro.engine.cdr.JournalCheckpoint}) only passes a record once its request has finished. A top-up
 * whose entry a kill prevented is therefore after the checkpoint, and start-up recovery reads it from the
 * journal's tail and {@link #remember}s it again (which appends the missing entry). A kill in the middle
 * of an append leaves an incomplete last entry, which {@link #open} cuts off.
 *
 * <p>Retention: the keys of the last {@value #RETAINED} top-ups (as the in-memory map always kept); a key
 * older than that, retried, credits again. At open, a file holding more than twice that many entries is
 * rewritten with the newest {@value #RETAINED} (beside it, then renamed over it).
 *
 * <pre>
 *   entry   offset  size
 *             0      4    n: bytes of the key (1..512)
 *             4      8    seq of the TOP_UP record
 *            12      8    MSISDN
 *            20      8    amount in micros
 *            28      n    key, UTF-8
 *          28+n      4    CRC-32 of the bytes before it
 *   (little-endian)
 * </pre>
 *
 * Threads: {@link #open} and {@link #close} on the lifecycle thread; the rest on the charging processor
 * thread (or the lifecycle thread before it starts). Not on the Diameter path: top-ups come from the API.
 */
public final class TopUpKeys implements AutoCloseable {
    public static final String FILE_NAME = "topup-keys";
    /** Keys kept (in memory and, after compaction, in the file). */
    public static final int RETAINED = 100_000;
    static final int MAX_KEY_BYTES = 512;
    private static final int HEADER = 28;
    private static final int OVERHEAD = HEADER + 4;
    private static final Logger LOG = LoggerFactory.getLogger(TopUpKeys.class);

    /** A remembered top-up: who, how much, and the record that credited it. */
    public record TopUp(long msisdn, long amountMicros, long seq) {
        /** The API's answer to a retried top-up. */
        Map<String, Object> replayView() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("msisdn", msisdn);
            out.put("amount", Money.format(amountMicros));
            out.put("amountMicros", amountMicros);
            out.put("recordSeq", seq);
            out.put("replayed", true);
            return out;
        }
    }

    private final Map<String, TopUp> byKey = new LinkedHashMap<>(1024, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TopUp> eldest) {
            return size() > RETAINED;
        }
    };
    /** Null when kept in memory only (tests and benchmarks without a data directory). */
    private final FileChannel file;
    private final boolean complete;
    private final String incompleteReason;

    private TopUpKeys(FileChannel file, boolean complete, String incompleteReason) {
        this.file = file;
        this.complete = complete;
        this.incompleteReason = incompleteReason;
    }

    /** Keys in memory only: nothing survives the process. */
    public static TopUpKeys inMemory() {
        return new TopUpKeys(null, true, null);
    }

    /**
     * Opens (creating) {@code <dataDir>/topup-keys} and loads its newest {@value #RETAINED} keys. An
     * incomplete last entry (a kill during its append) is cut off; anything else unreadable is cut off too,
     * and {@link #complete()} is then false, as it is when the file did not exist: the caller must then feed
     * every TOP_UP record of the journal through {@link #remember}.
     */
    public static TopUpKeys open(Path dataDir) throws IOException {
        Path path = dataDir.resolve(FILE_NAME);
        boolean existed = Files.exists(path);
        List<Entry> entries = new ArrayList<>();
        String damage = null;
        long good = 0;
        long size = 0;
        if (existed) {
            byte[] bytes = Files.readAllBytes(path);
            size = bytes.length;
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            CRC32 crc = new CRC32();
            while (b.remaining() > 0) {
                int at = b.position();
                if (b.remaining() < 4) {
                    break; // incomplete last entry
                }
                int n = b.getInt(at);
                if (n < 1 || n > MAX_KEY_BYTES) {
                    damage = "entry at offset " + at + " has a key length of " + n;
                    break;
                }
                if (b.remaining() < OVERHEAD + n) {
                    break; // incomplete last entry
                }
                crc.reset();
                crc.update(bytes, at, HEADER + n);
                if ((int) crc.getValue() != b.getInt(at + HEADER + n)) {
                    damage = "entry at offset " + at + " fails its CRC";
                    break;
                }
                entries.add(new Entry(b.getLong(at + 12),
                        new String(bytes, at + HEADER, n, StandardCharsets.UTF_8), b.getLong(at + 20), b.getLong(at + 4)));
                b.position(at + OVERHEAD + n);
                good = b.position();
            }
        }
        if (damage != null) {
            LOG.error("{}: {}; cut at offset {} ({} bytes dropped): the journal is read whole at this start for "
                    + "the top-up keys", path, damage, good, size - good);
        } else if (good < size) {
            LOG.warn("{}: cut off an incomplete last entry of {} bytes (an append interrupted by a crash; its "
                    + "top-up is after the journal checkpoint)", path, size - good);
        }
        if (entries.size() > 2 * RETAINED) {
            compact(dataDir, path, entries.subList(entries.size() - RETAINED, entries.size()));
            entries = entries.subList(entries.size() - RETAINED, entries.size());
            good = Files.size(path);
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (ch.size() > good) {
                ch.truncate(good);
            }
            ch.position(good);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        TopUpKeys keys = new TopUpKeys(ch, existed && damage == null,
                !existed ? path + " did not exist" : damage == null ? null : path + " was damaged");
        for (Entry e : entries) {
            keys.byKey.put(mapKey(e.msisdn, e.key), new TopUp(e.msisdn, e.amountMicros, e.seq));
        }
        return keys;
    }

    private record Entry(long msisdn, String key, long amountMicros, long seq) {
    }

    private static void compact(Path dataDir, Path path, List<Entry> keep) throws IOException {
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Entry e : keep) {
                write(ch, encode(e.msisdn, e.key, e.amountMicros, e.seq));
            }
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.info("{}: rewritten with the newest {} keys", path, keep.size());
    }

    /** True when every key of the last run is here; false for a new file or a damaged one (see {@link #open}). */
    public boolean complete() {
        return complete;
    }

    /** Why {@link #complete()} is false; null when it is true. */
    public String incompleteReason() {
        return incompleteReason;
    }

    /** The top-up that used this key for this MSISDN, or null. */
    public TopUp find(long msisdn, String idempotencyKey) {
        return byKey.get(mapKey(msisdn, idempotencyKey));
    }

    /**
     * Remembers a top-up credited by record {@code seq}: in memory, and appended to the file unless already
     * known (a key re-read from the journal's tail at start is appended only if a kill prevented its entry).
     *
     * @throws IllegalArgumentException when the key is empty or longer than {@value #MAX_KEY_BYTES} UTF-8 bytes
     * @throws UncheckedIOException     when the append fails (the key is then remembered in memory only)
     */
    public void remember(long msisdn, String idempotencyKey, long amountMicros, long seq) {
        String k = mapKey(msisdn, idempotencyKey);
        TopUp known = byKey.get(k);
        if (known != null && known.seq() == seq) {
            return;
        }
        byte[] entry = encode(msisdn, idempotencyKey, amountMicros, seq);
        byKey.put(k, new TopUp(msisdn, amountMicros, seq));
        if (file != null) {
            try {
                write(file, entry);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append top-up key " + k + " to " + FILE_NAME, e);
            }
        }
    }

    /** Keys held in memory. */
    public int size() {
        return byKey.size();
    }

    private static String mapKey(long msisdn, String idempotencyKey) {
        return msisdn + "/" + idempotencyKey;
    }

    private static byte[] encode(long msisdn, String key, long amountMicros, long seq) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (k.length < 1 || k.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("idempotency key of " + k.length + " bytes (1 to " + MAX_KEY_BYTES + ")");
        }
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD + k.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(k.length).putLong(seq).putLong(msisdn).putLong(amountMicros).put(k);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, HEADER + k.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** One {@code write} per entry, at the end of the file. */
    private static void write(FileChannel ch, byte[] entry) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(entry);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
