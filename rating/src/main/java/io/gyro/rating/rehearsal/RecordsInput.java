package io.gyro.rating.rehearsal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Gyro's own charging records as rehearsal input: the JSON-lines files the engine writes to
 * {@code <data>/journal/cdr-YYYYMMDD-NNNN.jsonl} (and exports in the same format), one record a line. Read here
 * by their documented field names (README "Margin", engine {@code CdrRecord}) with Jackson's streaming parser, not
 * through the engine's classes: {@code rating} depends on nothing of ours, and the file format, not a Java type, is
 * the contract a month-old export still honours. Unknown fields are ignored; fields a record lacks (older files,
 * or network fields another version adds) keep their "absent" value.
 *
 * <p>Only complete lines are read: a file is read up to its first NUL byte (the engine's live file is memory-mapped
 * with a zero tail) and a last line without its newline is not handed over. Single-threaded, command-line tool.
 */
final class RecordsInput {
    private static final JsonFactory JSON = new JsonFactory();
    /** A record line is at most 32 KiB (the engine's line buffer); longer lines are reported, not parsed. */
    static final int MAX_LINE_BYTES = 32 * 1024;
    static final long ABSENT = Long.MIN_VALUE;

    private RecordsInput() {
    }

    /** One record, the fields a rehearsal needs. Reused from line to line. */
    static final class Record {
        String kind;
        long tsMs;
        long msisdn;
        String packageId;
        int service;
        String serviceName;
        long ratingGroup;
        String sessionId;
        long units;
        long retailMicros;
        long wholesaleMicros;
        long uncollectedMicros;
        /** MCC-MNC digits of the visited network; -1 at home or not recorded. */
        int visitedMccMnc;
        String calledNumber;
        long usageStartMs;

        void clear() {
            kind = null;
            tsMs = ABSENT;
            msisdn = 0;
            packageId = null;
            service = -1;
            serviceName = null;
            ratingGroup = -1;
            sessionId = null;
            units = 0;
            retailMicros = 0;
            wholesaleMicros = 0;
            uncollectedMicros = 0;
            visitedMccMnc = -1;
            calledNumber = null;
            usageStartMs = ABSENT;
        }

        boolean isSessionUsage() {
            return "SESSION_INTERIM".equals(kind) || "SESSION_END".equals(kind);
        }

        /** Usage priced by the rater: session reports and one-off events. */
        boolean isUsage() {
            return isSessionUsage() || "EVENT".equals(kind);
        }

        /** The instant the usage is rated at: its start when the record has it, else the record's time. */
        long usageTimeMs() {
            return usageStartMs != ABSENT && usageStartMs >= 0 ? usageStartMs : tsMs;
        }
    }

    /** Receives the records of the input in order. */
    interface Sink {
        void record(Record r, String where);

        /** A line that is not a record: {@code where} is {@code file:line}. */
        void unreadable(String where, String why);
    }

    /**
     * The record files named by {@code paths}: a directory stands for its {@code cdr-*.jsonl} files in name order
     * (by day, then by counter), a file for itself.
     */
    static List<Path> files(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().matches("cdr-\\d{8}-\\d{4}\\.jsonl")).sorted()
                            .forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Reads every complete line of {@code files}, in order, into {@code sink}: in 1 MiB reads, each line parsed where it
     * lies in the buffer (a line the buffer's end cuts moves to its start before the next read).
     */
    static void read(List<Path> files, Sink sink) throws IOException {
        Record r = new Record();
        byte[] chunk = new byte[1 << 20];
        for (Path f : files) {
            long lineNo = 0;
            int carried = 0;
            boolean overlong = false;
            try (InputStream in = Files.newInputStream(f)) {
                file:
                while (true) {
                    int n = in.read(chunk, carried, chunk.length - carried);
                    if (n <= 0) {
                        break;
                    }
                    int end = carried + n;
                    int lineStart = 0;
                    for (int i = carried; i < end; i++) {
                        byte b = chunk[i];
                        if (b == 0) {
                            break file; // the zero tail of a live (memory-mapped) file
                        }
                        if (b != '\n') {
                            continue;
                        }
                        lineNo++;
                        if (overlong || i - lineStart > MAX_LINE_BYTES) {
                            sink.unreadable(f + ":" + lineNo, "longer than " + MAX_LINE_BYTES + " bytes");
                        } else if (i > lineStart) {
                            String why = parse(chunk, lineStart, i - lineStart, r);
                            if (why == null) {
                                sink.record(r, f + ":" + lineNo);
                            } else {
                                sink.unreadable(f + ":" + lineNo, why);
                            }
                        }
                        overlong = false;
                        lineStart = i + 1;
                    }
                    int tail = end - lineStart;
                    if (overlong || tail > MAX_LINE_BYTES) {
                        overlong = true;
                        carried = 0;
                    } else {
                        System.arraycopy(chunk, lineStart, chunk, 0, tail);
                        carried = tail;
                    }
                }
            }
        }
    }

    /** Parses one line into {@code r}; returns why it is not a record, or null. */
    static String parse(byte[] buf, int offset, int length, Record r) {
        r.clear();
        try (JsonParser p = JSON.createParser(buf, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_ARRAY || v == JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                switch (name) {
                    case "kind" -> r.kind = p.getValueAsString();
                    case "tsMs" -> r.tsMs = p.getValueAsLong(ABSENT);
                    case "msisdn" -> r.msisdn = p.getValueAsLong();
                    case "packageId" -> r.packageId = p.getValueAsString();
                    case "service" -> r.service = p.getValueAsInt(-1);
                    case "serviceName" -> r.serviceName = p.getValueAsString();
                    case "ratingGroup" -> r.ratingGroup = p.getValueAsLong(-1);
                    case "sessionId" -> r.sessionId = p.getValueAsString();
                    case "units" -> r.units = p.getValueAsLong();
                    case "retailMicros" -> r.retailMicros = p.getValueAsLong();
                    case "wholesaleMicros" -> r.wholesaleMicros = p.getValueAsLong();
                    case "uncollectedMicros" -> r.uncollectedMicros = p.getValueAsLong();
                    // the engine writes visitedMccMnc; visitedPlmn is read too (a settlement export may name it so)
                    case "visitedMccMnc", "visitedPlmn" -> r.visitedMccMnc = mccMnc(p.getValueAsString());
                    case "calledNumber" -> r.calledNumber = p.getValueAsString();
                    case "usageStartMs" -> r.usageStartMs = p.getValueAsLong(ABSENT);
                    default -> {
                    }
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return "not one JSON object";
            }
        } catch (IOException | RuntimeException e) {
            return "not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")";
        }
        if (r.kind == null || r.tsMs == ABSENT) {
            return "no kind or tsMs: not a charging record";
        }
        return null;
    }

    private static int mccMnc(String text) {
        if (text == null || !text.matches("\\d{5,6}")) {
            return -1;
        }
        return Integer.parseInt(text);
    }
}
