package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gyro.engine.cdr.JournalConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of the engine: a dotted name, a default, and a check. Values come from the
 * embedded defaults ({@code gyro-defaults.yaml}, the same content as {@code config/gyro.yaml}),
 * then an optional config file, then {@code name=value} overrides from the command line.
 * {@link #validate()} runs before any socket opens and names each bad setting as
 * {@code name=value: why}.
 */
public final class EngineConfig {
    private final Map<String, String> values;

    private EngineConfig(Map<String, String> values) {
        this.values = values;
    }

    /** Loads defaults, then {@code file} (may be null), then the overrides. */
    public static EngineConfig load(Path file, Map<String, String> overrides) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        try (InputStream in = EngineConfig.class.getResourceAsStream("/gyro-defaults.yaml")) {
            if (in == null) {
                throw new IOException("embedded gyro-defaults.yaml is missing from the engine jar");
            }
            flatten("", new ObjectMapper(new YAMLFactory()).readTree(in), values);
        }
        Map<String, String> known = new LinkedHashMap<>(values);
        List<String> unknown = new ArrayList<>();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(List.of("config=" + file + ": file not found"));
            }
            Map<String, String> fromFile = new LinkedHashMap<>();
            JsonNode root;
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            } catch (IOException e) {
                throw new ConfigException(List.of("config=" + file + ": not valid YAML: " + e.getMessage()));
            }
            if (root != null && !root.isNull()) {
                flatten("", root, fromFile);
            }
            for (Map.Entry<String, String> e : fromFile.entrySet()) {
                if (!known.containsKey(e.getKey())) {
                    unknown.add(e.getKey() + "=" + e.getValue() + ": unknown setting (in " + file + ")");
                }
                values.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!known.containsKey(e.getKey())) {
                unknown.add(e.getKey() + "=" + e.getValue() + ": unknown setting");
            }
            values.put(e.getKey(), e.getValue());
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown);
        }
        return new EngineConfig(values);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out);
            }
        } else if (node.isArray()) {
            StringBuilder joined = new StringBuilder();
            for (JsonNode item : node) {
                if (joined.length() > 0) {
                    joined.append(',');
                }
                joined.append(item.asText());
            }
            out.put(prefix, joined.toString());
        } else {
            out.put(prefix, node.isNull() ? "" : node.asText());
        }
    }

    /** The flattened settings, for `serve --print-config` and the status endpoint. */
    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    public String string(String name) {
        return values.get(name);
    }

    public int integer(String name) {
        return Integer.parseInt(values.get(name).trim());
    }

    public long longValue(String name) {
        return Long.parseLong(values.get(name).trim());
    }

    public boolean bool(String name) {
        return Boolean.parseBoolean(values.get(name).trim());
    }

    public Path path(String name) {
        return Path.of(values.get(name).trim());
    }

    public List<String> list(String name) {
        String v = values.get(name);
        List<String> out = new ArrayList<>();
        if (v != null) {
            for (String s : v.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    /** Checks every setting; throws with all problems at once. */
    public EngineConfig validate() {
        List<String> problems = new ArrayList<>();
        checkInt(problems, "diameter.port", 0, 65535);
        checkInt(problems, "diameter.ioThreads", 1, 64);
        checkInt(problems, "diameter.maxMessageSize", 256, 16 * 1024 * 1024);
        checkInt(problems, "diameter.watchdogSeconds", 1, 3600);
        checkInt(problems, "diameter.maxInFlightPerPeer", 1, 1_000_000);
        checkHost(problems, "diameter.host");
        int tlsPort = checkInt(problems, "diameter.tls.port", 0, 65535);
        if (tlsPort > 0) {
            String keyStore = string("diameter.tls.keyStore");
            if (keyStore == null || keyStore.isBlank() || !java.nio.file.Files.isReadable(Path.of(keyStore))) {
                problems.add("diameter.tls.keyStore=" + keyStore + ": a readable PKCS12 key store is required when diameter.tls.port is set");
            }
            String trustStore = string("diameter.tls.trustStore");
            if (trustStore != null && !trustStore.isBlank() && !java.nio.file.Files.isReadable(Path.of(trustStore))) {
                problems.add("diameter.tls.trustStore=" + trustStore + ": not readable");
            }
        }
        checkText(problems, "diameter.originHost");
        checkText(problems, "diameter.originRealm");
        checkInt(problems, "http.port", 0, 65535);
        checkHost(problems, "http.host");
        checkInt(problems, "http.maxBodyBytes", 1024, 16 * 1024 * 1024);
        checkText(problems, "dataDir");
        checkText(problems, "catalogue");
        checkBool(problems, "catalogueStrict");
        checkLong(problems, "stores.maxSubscribers", 10, 100_000_000);
        checkLong(problems, "stores.maxSessions", 10, 100_000_000);
        checkLong(problems, "stores.maxEndedSessions", 10, 100_000_000);
        int ring = checkInt(problems, "pipeline.ringSize", 64, 1 << 24);
        if (ring > 0 && Integer.bitCount(ring) != 1) {
            problems.add("pipeline.ringSize=" + ring + ": must be a power of two");
        }
        String wait = string("pipeline.waitStrategy").toLowerCase(Locale.ROOT);
        if (!List.of("blocking", "sleeping", "parking", "yielding", "busy-spin").contains(wait)) {
            problems.add("pipeline.waitStrategy=" + wait + ": must be one of blocking, sleeping, parking, yielding, busy-spin");
        }
        checkInt(problems, "sessions.graceSeconds", 0, 86_400);
        checkInt(problems, "sessions.sweepIntervalMs", 50, 60_000);
        checkInt(problems, "sessions.snapshotSeconds", 1, 3_600);
        checkInt(problems, "sessions.zeroGrantValiditySeconds", 0, 86_400);
        checkInt(problems, "accounts.snapshotSeconds", 1, 3_600);
        checkLong(problems, "accounts.snapshotEveryRecords", 1_000, 1_000_000_000);
        checkLong(problems, "wal.segmentBytes", io.gyro.engine.wal.WalConfig.MIN_SEGMENT_BYTES,
                io.gyro.engine.wal.WalConfig.MAX_SEGMENT_BYTES);
        String segment = values.get("wal.segmentBytes");
        if (segment != null && segment.trim().matches("\\d{1,18}") && Long.parseLong(segment.trim()) % 8 != 0) {
            problems.add("wal.segmentBytes=" + segment + ": must be a multiple of 8");
        }
        checkInt(problems, "wal.keepExportedSegments", 0, io.gyro.engine.wal.CdrExport.MAX_KEEP_EXPORTED_SEGMENTS);
        checkLong(problems, "journal.maxFileBytes", JournalConfig.MIN_MAX_FILE_BYTES, JournalConfig.MAX_MAX_FILE_BYTES);
        checkBool(problems, "journal.fsync");
        checkBool(problems, "journal.housekeeper");
        checkInt(problems, "reports.marginAlarmSeconds", 0, 86_400);
        checkBool(problems, "demo.provision");
        checkInt(problems, "demo.count", 0, 10_000_000);
        checkLong(problems, "demo.firstMsisdn", 1, 999_999_999_999_999L);
        checkLong(problems, "demo.firstImsi", 1, 999_999_999_999_999L);
        checkText(problems, "demo.package");
        String balance = string("demo.balance");
        if (balance == null || !balance.trim().matches("\\d{1,12}(\\.\\d{1,6})?")) {
            problems.add("demo.balance=" + balance + ": must be a decimal amount such as 50.00");
        }
        for (String peer : list("diameter.peers")) {
            int at = peer.indexOf('@');
            if (at == 0 || peer.isBlank()) {
                problems.add("diameter.peers=" + peer + ": each entry is originHost or originHost@address");
            } else if (at > 0) {
                try {
                    InetAddress.getByName(peer.substring(at + 1));
                } catch (UnknownHostException e) {
                    problems.add("diameter.peers=" + peer + ": address does not resolve");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return this;
    }

    private int checkInt(List<String> problems, String name, int min, int max) {
        String v = values.get(name);
        try {
            int n = Integer.parseInt(v == null ? "" : v.trim());
            if (n < min || n > max) {
                problems.add(name + "=" + v + ": must be between " + min + " and " + max);
                return -1;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(name + "=" + v + ": not a whole number");
            return -1;
        }
    }

    private void checkLong(List<String> problems, String name, long min, long max) {
        String v = values.get(name);
        try {
            long n = Long.parseLong(v == null ? "" : v.trim());
            if (n < min || n > max) {
                problems.add(name + "=" + v + ": must be between " + min + " and " + max);
            }
        } catch (NumberFormatException e) {
            problems.add(name + "=" + v + ": not a whole number");
        }
    }

    private void checkBool(List<String> problems, String name) {
        String v = values.get(name);
        if (!"true".equals(v) && !"false".equals(v)) {
            problems.add(name + "=" + v + ": must be true or false");
        }
    }

    private void checkText(List<String> problems, String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            problems.add(name + "=" + v + ": must not be empty");
        }
    }

    private void checkHost(List<String> problems, String name) {
        String v = values.get(name);
        try {
            InetAddress.getByName(v);
        } catch (UnknownHostException e) {
            problems.add(name + "=" + v + ": not a resolvable address");
        }
    }

    /** Every problem of a configuration, each as {@code name=value: why}. */
    public static final class ConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final List<String> problems;

        public ConfigException(List<String> problems) {
            super("invalid configuration:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }
    }
}
