package io.gyro.engine.report;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static io.gyro.engine.report.RecordLineFixtures.DEC1;
import static io.gyro.engine.report.RecordLineFixtures.NASTY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MarginLine#parse}, a scanner over the bytes of a line, against Jackson's tree of the same line as the
 * reference: real lines of every record kind, the same records rewritten (members reordered, pretty-printed, every
 * character escaped), a table of hand-made lines (escapes, nesting, types, duplicates, whitespace, broken lines),
 * every truncation of real lines, and seeded single-byte mutations of them.
 */
class MarginLineTest {
    /** The reference: a line is one JSON value, nothing after it. */
    private static final ObjectMapper JACKSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final String MIN = "{\"kind\":\"EVENT\",\"tsMs\":" + DEC1 + ",\"retailMicros\":100000";
    /** Around every line handed to the parser: a parser reading outside its line would find a whole record here. */
    private static final byte[] BEFORE = "{\"kind\":\"FEE\",\"tsMs\":1,\"x\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AFTER = "\",\"kind\":\"FEE\",\"tsMs\":2}\" }".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    /** Lines as the engine writes them ({@link RecordLineFixtures#realLines}), written once for the class. */
    private static List<byte[]> realLines;

    private final MarginLine line = new MarginLine();

    @BeforeAll
    static void writeRealLines() throws IOException {
        realLines = RecordLineFixtures.realLines(dir);
    }

    /** What margin reads of a line; {@link #UNREADABLE} when it is not a record. */
    record Read(boolean readable, String kind, long tsMs, long msisdn, String packageId, int service,
                String serviceName, long retailMicros, long wholesaleMicros, long uncollectedMicros) {
        static final Read UNREADABLE = new Read(false, null, 0, 0, null, 0, null, 0, 0, 0);
    }

    /** A member of a type the reading rule does not take: the line is unreadable. */
    private static final class WrongType extends RuntimeException {
        WrongType() {
            super(null, null, false, false);
        }
    }

    /** The reference reading, from Jackson's tree: the rule of {@link MarginLine}'s class comment. */
    static Read byJackson(byte[] bytes) {
        JsonNode root;
        try {
            root = JACKSON.readTree(bytes);
        } catch (IOException e) {
            return Read.UNREADABLE;
        }
        if (root == null || !root.isObject()) {
            return Read.UNREADABLE;
        }
        try {
            Read r = new Read(true, text(root, "kind"), integer(root, "tsMs", Long.MIN_VALUE, Long.MIN_VALUE,
                    Long.MAX_VALUE), integer(root, "msisdn", 0, Long.MIN_VALUE, Long.MAX_VALUE),
                    text(root, "packageId"), (int) integer(root, "service", -1, Integer.MIN_VALUE, Integer.MAX_VALUE),
                    text(root, "serviceName"), integer(root, "retailMicros", 0, Long.MIN_VALUE, Long.MAX_VALUE),
                    integer(root, "wholesaleMicros", 0, Long.MIN_VALUE, Long.MAX_VALUE),
                    integer(root, "uncollectedMicros", 0, Long.MIN_VALUE, Long.MAX_VALUE));
            return r.kind() == null || r.tsMs() == Long.MIN_VALUE ? Read.UNREADABLE : r;
        } catch (WrongType e) {
            return Read.UNREADABLE;
        }
    }

    private static String text(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new WrongType();
        }
        return v.textValue();
    }

    private static long integer(JsonNode root, String name, long absent, long min, long max) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isIntegralNumber()) {
            throw new WrongType();
        }
        BigInteger b = v.bigIntegerValue();
        if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new WrongType();
        }
        return b.longValue();
    }

    /** The line as the parser reads it, inside a larger buffer (with a record before and after it). */
    private Read byMarginLine(byte[] bytes) {
        byte[] buf = new byte[BEFORE.length + bytes.length + AFTER.length];
        System.arraycopy(BEFORE, 0, buf, 0, BEFORE.length);
        System.arraycopy(bytes, 0, buf, BEFORE.length, bytes.length);
        System.arraycopy(AFTER, 0, buf, BEFORE.length + bytes.length, AFTER.length);
        if (!line.parse(buf, BEFORE.length, bytes.length)) {
            return Read.UNREADABLE;
        }
        return new Read(true, line.kind, line.tsMs, line.msisdn, line.packageId, line.service, line.serviceName,
                line.retailMicros, line.wholesaleMicros, line.uncollectedMicros);
    }

    /** Parses {@code bytes} both ways, asserts the same reading, and returns it. */
    private Read sameAsJackson(byte[] bytes, String what) {
        Read expected = byJackson(bytes);
        assertEquals(expected, byMarginLine(bytes), () -> what + ": " + printable(bytes));
        return expected;
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("<%02x>", c));
        }
        return sb.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void realLinesOfEveryKindReadAsJacksonReadsThem() {
        List<Read> reads = new ArrayList<>();
        for (byte[] l : realLines) {
            Read r = sameAsJackson(l, "real line");
            assertTrue(r.readable(), () -> "a record as the engine writes it: " + printable(l));
            reads.add(r);
        }
        assertEquals(3 * 8 + 3, reads.size(), "three lines per kind, three more");
        assertEquals(List.of("SESSION_INTERIM", "SESSION_END", "EVENT", "REFUND", "TOP_UP", "FEE", "STALE_RELEASE",
                "ADJUSTMENT"), reads.stream().limit(24).map(Read::kind).distinct().toList());
        Read escaped = reads.get(2);
        assertEquals("pkg \"q\" \\ é中\uD83D\uDE00", escaped.packageId());
        assertEquals(NASTY.replace('\uD800', '\uFFFD'), escaped.serviceName(), "the writer replaces a lone surrogate");
        assertEquals(new Read(true, "EVENT", DEC1 + 7, 8617000000001L, "basic", 1, "data", -123_456, 20_000, 7),
                reads.get(7));
        assertEquals(new Read(true, "SESSION_INTERIM", DEC1, 8617000000001L, null, 1, null, 100_000, 30_000, 0),
                reads.get(0));
        Read extremes = reads.get(25);
        assertEquals(Long.MIN_VALUE, extremes.retailMicros());
        assertEquals(Long.MAX_VALUE, extremes.wholesaleMicros());
        assertEquals(Integer.MAX_VALUE, extremes.service());
        assertEquals("", extremes.serviceName());
    }

    @Test
    void realLinesReorderedPrettyPrintedAndEscapedReadTheSame() throws IOException {
        Random rnd = new Random(17);
        for (byte[] l : realLines) {
            // given: the members in another order, written by Jackson three ways and by us with every char escaped
            Read original = byJackson(l);
            ObjectNode o = (ObjectNode) JACKSON.readTree(l);
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(o.properties());
            Collections.shuffle(members, rnd);
            ObjectNode shuffled = JACKSON.createObjectNode();
            members.forEach(e -> shuffled.set(e.getKey(), e.getValue()));
            List<byte[]> rewritten = List.of(JACKSON.writeValueAsBytes(shuffled),
                    JACKSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(shuffled),
                    JACKSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsBytes(shuffled),
                    utf8(escapeEverything(shuffled, new StringBuilder()).toString()));
            // when / then
            for (byte[] r : rewritten) {
                assertEquals(original, sameAsJackson(r, "rewritten"), () -> printable(r));
            }
        }
    }

    /** The node as JSON with every character of every string, member names included, as a \\u escape. */
    private static StringBuilder escapeEverything(JsonNode n, StringBuilder out) {
        if (n.isObject()) {
            out.append('{');
            String sep = "";
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                out.append(sep);
                escapeString(e.getKey(), out).append(':');
                escapeEverything(e.getValue(), out);
                sep = ",";
            }
            return out.append('}');
        }
        if (n.isArray()) {
            out.append('[');
            for (int i = 0; i < n.size(); i++) {
                escapeEverything(n.get(i), out.append(i == 0 ? "" : ","));
            }
            return out.append(']');
        }
        return n.isTextual() ? escapeString(n.textValue(), out) : out.append(n);
    }

    private static StringBuilder escapeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            out.append(String.format(i % 2 == 0 ? "\\u%04x" : "\\u%04X", (int) s.charAt(i)));
        }
        return out.append('"');
    }

    static Stream<Arguments> handMadeLines() {
        return Stream.of(
                // strings and escapes
                line("escapedQuoteAndBackslashInPackage", true, MIN + ",\"packageId\":\"a\\\"b\\\\c\"}"),
                line("everyShortEscape", true, MIN + ",\"packageId\":\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"}"),
                line("unicodeEscapesBothCases", true, MIN + ",\"serviceName\":\"d\\u00e9\\u4E2D\\u00C9\"}"),
                line("escapedSurrogatePair", true, MIN + ",\"packageId\":\"\\ud83d\\ude00\"}"),
                line("escapedLoneSurrogate", true, MIN + ",\"packageId\":\"\\ud800x\"}"),
                line("rawUtf8", true, MIN + ",\"packageId\":\"é中\uD83D\uDE00\",\"serviceName\":\"données\"}"),
                line("kindWrittenWithEscapes", true, "{\"kind\":\"\\u0045VENT\",\"tsMs\":5}"),
                line("memberNamesWrittenWithEscapes", true,
                        "{\"\\u006bind\":\"FEE\",\"ts\\u004ds\":5,\"retail\\u004dicros\":9}"),
                line("escapedNonAsciiNameIsUnknown", true, MIN + ",\"kind\\u00e9\":\"FEE\"}"),
                line("escapedNameLongerThanOurs", true, MIN + ",\"" + "\\u0061".repeat(40) + "\":1}"),
                line("recordInsideAStringIsText", true, MIN + ",\"explanation\":\"\\\",\\\"kind\\\":\\\"FEE\\\"\"}"),
                line("stringEndingInEscapedBackslash", true,
                        "{\"explanation\":\"ends \\\\\",\"kind\":\"FEE\",\"tsMs\":5,\"x\":\"\\\\\\\\\"}"),
                line("bracesInStrings", true, MIN + ",\"x\":[\"]\",\"}\",\"\\\"]\",\"{[\"],\"y\":{\"}\":\"{\"}}"),
                line("delIsNotAControlCharacter", true, MIN + ",\"packageId\":\"a\u007Fb\"}"),
                line("unknownEscape", false, MIN + ",\"x\":\"\\x\"}"),
                line("singleQuoteEscape", false, MIN + ",\"x\":\"\\'\"}"),
                line("unicodeEscapeWithNonHex", false, MIN + ",\"x\":\"\\u12G4\"}"),
                line("unicodeEscapeCutByTheQuote", false, MIN + ",\"x\":\"\\u12\"}"),
                line("rawTabInString", false, MIN + ",\"x\":\"a\tb\"}"),
                line("rawNewlineInString", false, MIN + ",\"x\":\"a\nb\"}"),
                line("unterminatedString", false, MIN + ",\"x\":\"abc}"),
                line("backslashAtTheEnd", false, MIN + ",\"x\":\"abc\\"),
                // UTF-8
                line("loneContinuationByte", false, bytes(MIN + ",\"x\":\"a", 0x80, "\"}")),
                line("byteFF", false, bytes(MIN + ",\"x\":\"a", 0xFF, "\"}")),
                line("sequenceCutByTheQuote", false, bytes(MIN + ",\"x\":\"a", 0xE4, 0xB8, "\"}")),
                line("sequenceCutByTheEnd", false, bytes(MIN + ",\"x\":\"a", 0xF0, 0x9F)),
                line("utf8AtTheEdgesOfItsRanges", true, bytes(MIN + ",\"packageId\":\"", 0xC2, 0x80, 0xDF, 0xBF, 0xE0,
                        0xA0, 0x80, 0xED, 0x9F, 0xBF, 0xEF, 0xBF, 0xBF, 0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF,
                        "\"}")),
                line("nonShortestTwoBytes", false, bytes(MIN + ",\"packageId\":\"a", 0xC1, 0x81, "\"}")),
                line("nonShortestThreeBytes", false, bytes(MIN + ",\"x\":\"a", 0xE0, 0x9F, 0xBF, "\"}")),
                line("nonShortestFourBytes", false, bytes(MIN + ",\"x\":\"a", 0xF0, 0x8F, 0xBF, 0xBF, "\"}")),
                line("surrogateInUtf8", false, bytes(MIN + ",\"x\":\"a", 0xED, 0xA0, 0x80, "\"}")),
                line("beyondU10FFFF", false, bytes(MIN + ",\"x\":\"a", 0xF4, 0x90, 0x80, 0x80, "\"}")),
                line("leadF5", false, bytes(MIN + ",\"x\":\"a", 0xF5, 0x80, 0x80, 0x80, "\"}")),
                line("badUtf8InAName", false, bytes(MIN + ",\"x", 0xC0, 0x80, "\":1}")),
                line("utf8OutsideAString", false, bytes(MIN + ",\"x\":", 0xC3, 0xA9, "}")),
                line("byteOrderMark", true, bytes("", 0xEF, 0xBB, 0xBF, MIN + "}")),
                // numbers
                line("negativeAndExtremeIntegers", true, "{\"kind\":\"REFUND\",\"tsMs\":5,\"retailMicros\":"
                        + Long.MIN_VALUE + ",\"wholesaleMicros\":" + Long.MAX_VALUE + ",\"service\":-2147483648}"),
                line("minusZero", true, MIN + ",\"wholesaleMicros\":-0}"),
                line("otherNumbersInUnknownMembers", true,
                        MIN + ",\"a\":-1.5e-3,\"b\":0.0,\"c\":1E+2,\"d\":123456789012345678901234567890,\"e\":0}"),
                line("timeAsString", false, "{\"kind\":\"EVENT\",\"tsMs\":\"" + DEC1 + "\"}"),
                line("timeWithFraction", false, "{\"kind\":\"EVENT\",\"tsMs\":1.0}"),
                line("timeWithExponent", false, "{\"kind\":\"EVENT\",\"tsMs\":1e12}"),
                line("retailBeyondALong", false, MIN + ",\"wholesaleMicros\":9223372036854775808}"),
                line("retailBelowALong", false, MIN + ",\"wholesaleMicros\":-9223372036854775809}"),
                line("serviceBeyondAnInt", false, MIN + ",\"service\":2147483648}"),
                line("serviceAsBoolean", false, MIN + ",\"service\":true}"),
                line("leadingZero", false, MIN + ",\"x\":01}"),
                line("minusAlone", false, MIN + ",\"x\":-}"),
                line("fractionWithoutDigits", false, MIN + ",\"x\":1.}"),
                line("fractionWithoutInteger", false, MIN + ",\"x\":.5}"),
                line("plusSign", false, MIN + ",\"x\":+1}"),
                line("exponentWithoutDigits", false, MIN + ",\"x\":1e+}"),
                line("hex", false, MIN + ",\"x\":0x10}"),
                line("notANumber", false, MIN + ",\"x\":NaN}"),
                // null and booleans
                line("nullPackageAndServiceName", true, MIN + ",\"packageId\":null,\"serviceName\":null}"),
                line("nullAmountsAreZero", true, MIN + ",\"wholesaleMicros\":null,\"service\":null,\"msisdn\":null}"),
                line("nullTimeIsNoTime", false, "{\"kind\":\"EVENT\",\"tsMs\":null}"),
                line("nullKindIsNoKind", false, "{\"kind\":null,\"tsMs\":5}"),
                line("kindAsNumber", false, "{\"kind\":5,\"tsMs\":5}"),
                line("literalsInUnknownMembers", true, MIN + ",\"a\":true,\"b\":false,\"c\":null}"),
                line("truncatedLiteral", false, MIN + ",\"a\":nul}"),
                line("capitalisedLiteral", false, MIN + ",\"a\":True}"),
                line("literalRunOn", false, MIN + ",\"a\":nullx}"),
                // nesting
                line("bucketArrays", true, MIN + ",\"bucketsTouched\":[[3,512000,1000000],[2,0,-1]],"
                        + "\"buckets\":[[3,1,1000000,20000,1798711200000,5,9],[2,0,0,0,-1,0,1]],"
                        + "\"moneyAfterMicros\":1}"),
                line("ourNamesInsideNestedObjectsAreNotOurs", true, MIN + ",\"x\":{\"kind\":\"FEE\",\"tsMs\":1,"
                        + "\"a\":[{\"retailMicros\":5,\"packageId\":\"no\"}]},\"y\":[{\"serviceName\":\"no\"}]}"),
                line("emptyContainers", true, MIN + ",\"x\":[],\"y\":{},\"z\":[[],{},[{}]]}"),
                line("containersWithWhitespace", true, MIN + ",\"x\":[ 1 , [ ] , { \"a\" : [ null ] } ] }"),
                line("arrayClosedByBrace", false, MIN + ",\"x\":[1,2}}"),
                line("objectClosedByBracket", false, MIN + ",\"x\":{\"a\":1]}"),
                line("trailingCommaInArray", false, MIN + ",\"x\":[1,]}"),
                line("leadingCommaInArray", false, MIN + ",\"x\":[,1]}"),
                line("memberWithoutValue", false, MIN + ",\"x\":{\"a\"}}"),
                line("memberWithEmptyValue", false, MIN + ",\"x\":{\"a\":}}"),
                line("numberAsNestedName", false, MIN + ",\"x\":{1:2}}"),
                line("kindAsArray", false, "{\"kind\":[\"EVENT\"],\"tsMs\":5}"),
                line("timeAsObject", false, "{\"kind\":\"EVENT\",\"tsMs\":{\"ms\":5}}"),
                line("unclosedNestedArray", false, MIN + ",\"x\":[[1,2]}"),
                // the line as a whole
                line("reordered", true, "{\"retailMicros\":7,\"packageId\":\"p\",\"tsMs\":5,\"x\":1,\"kind\":\"FEE\"}"),
                line("whitespaceEverywhere", true,
                        " \t\r\n{ \"kind\" :\r\n\t\"EVENT\" , \"tsMs\"\t:\t5 ,\"service\": 3\n}\t \r\n"),
                line("unknownKindIsRead", true, "{\"kind\":\"SOMETHING_NEW\",\"tsMs\":5}"),
                line("emptyKindIsRead", true, "{\"kind\":\"\",\"tsMs\":5}"),
                line("lastOfANameCounts", true, "{\"kind\":\"FEE\",\"tsMs\":5,\"kind\":\"EVENT\",\"tsMs\":6}"),
                line("aWrongTypeLaterReplaced", true, "{\"kind\":\"FEE\",\"tsMs\":\"x\",\"tsMs\":6}"),
                line("aWrongTypeLast", false, "{\"kind\":\"FEE\",\"tsMs\":6,\"tsMs\":\"x\"}"),
                line("kindNulledLater", false, "{\"kind\":\"FEE\",\"tsMs\":6,\"kind\":null}"),
                line("empty", false, ""),
                line("whitespaceOnly", false, "  \t "),
                line("emptyObject", false, "{}"),
                line("noTime", false, "{\"kind\":\"EVENT\"}"),
                line("noKind", false, "{\"tsMs\":5}"),
                line("array", false, "[{\"kind\":\"EVENT\",\"tsMs\":5}]"),
                line("string", false, "\"kind\""),
                line("number", false, "42"),
                line("nullLine", false, "null"),
                line("notJson", false, "not json"),
                line("trailingGarbage", false, MIN + "}x"),
                line("twoObjects", false, MIN + "}" + MIN + "}"),
                line("trailingComma", false, MIN + ",}"),
                line("missingComma", false, "{\"kind\":\"EVENT\" \"tsMs\":5}"),
                line("missingColon", false, "{\"kind\" \"EVENT\",\"tsMs\":5}"),
                line("unquotedName", false, "{kind:\"EVENT\",\"tsMs\":5}"),
                line("singleQuotes", false, "{'kind':'EVENT','tsMs':5}"),
                line("comment", false, "{\"kind\":\"EVENT\",/*c*/\"tsMs\":5}"),
                line("truncated", false, MIN),
                line("verticalTabIsNotWhitespace", false, "{\"kind\":\"EVENT\",\u000B\"tsMs\":5}"),
                line("nulByte", false, bytes("{\"kind\":\"EVENT\",", 0, "\"tsMs\":5}")),
                line("unquotedKindValue", false, "{\"kind\":EVENT,\"tsMs\":5}"));
    }

    private static Arguments line(String name, boolean readable, String json) {
        return line(name, readable, utf8(json));
    }

    private static Arguments line(String name, boolean readable, byte[] json) {
        return Arguments.of(name, readable, json);
    }

    /** Text and single bytes, in order. */
    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(utf8(s));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handMadeLines")
    void handMadeLineReadsAsJacksonReadsIt(String name, boolean readable, byte[] json) {
        Read r = sameAsJackson(json, name);
        assertEquals(readable, r.readable(), () -> name + ": " + r);
    }

    @Test
    void everyTruncationOfRealLinesIsUnreadable() {
        // the bare, full and escaped lines of one kind, and the three with other fields and extreme numbers
        List<byte[]> lines = new ArrayList<>(realLines.subList(0, 3));
        lines.addAll(realLines.subList(realLines.size() - 3, realLines.size()));
        for (byte[] l : lines) {
            for (int n = 0; n < l.length; n++) {
                byte[] cut = Arrays.copyOf(l, n);
                assertFalse(sameAsJackson(cut, "cut at " + n).readable());
            }
        }
    }

    @Test
    void singleByteMutationsOfRealLinesReadAsJacksonReadsThem() {
        // given: the real lines, and short hand-made ones where a mutation more often hits a member we read
        List<byte[]> shortLines = List.of(
                utf8(MIN + ",\"packageId\":\"a\\\"b\\\\c\\u00e9\",\"service\":3,\"x\":[[1,2],{\"k\":\"v\"}]}"),
                utf8("{\"kind\":\"FEE\",\"tsMs\":-0,\"serviceName\":\"d\",\"wholesaleMicros\":12.5e1,\"y\":null}"),
                utf8("{\"\\u006bind\":\"\\u0045VENT\",\"tsMs\":5,\"uncollectedMicros\":7,\"z\":true,\"msisdn\":1}"));
        byte[] alphabet = utf8("\"\\{}[],:0-+.eEnultrfx \t/u9");
        byte[] high = {(byte) 0x80, (byte) 0xC3, (byte) 0xA9, (byte) 0xE4, (byte) 0xF0, (byte) 0xFF, 0x01, 0x7F};
        Random rnd = new Random(20261201);
        int readable = 0;
        int mutations = 20_000;
        for (int i = 0; i < mutations; i++) {
            List<byte[]> bases = rnd.nextBoolean() ? realLines : shortLines;
            byte[] base = bases.get(rnd.nextInt(bases.size()));
            int at = rnd.nextInt(base.length);
            byte b = rnd.nextInt(8) == 0 ? high[rnd.nextInt(high.length)] : alphabet[rnd.nextInt(alphabet.length)];
            byte[] mutated = switch (rnd.nextInt(3)) {
                case 0 -> { // replace
                    byte[] m = base.clone();
                    m[at] = b;
                    yield m;
                }
                case 1 -> { // insert
                    byte[] m = new byte[base.length + 1];
                    System.arraycopy(base, 0, m, 0, at);
                    m[at] = b;
                    System.arraycopy(base, at, m, at + 1, base.length - at);
                    yield m;
                }
                default -> { // delete
                    byte[] m = new byte[base.length - 1];
                    System.arraycopy(base, 0, m, 0, at);
                    System.arraycopy(base, at + 1, m, at, base.length - at - 1);
                    yield m;
                }
            };
            // when / then
            if (sameAsJackson(mutated, "mutation " + i).readable()) {
                readable++;
            }
        }
        // both outcomes are well represented, or the comparison proves little
        int unreadable = mutations - readable;
        assertTrue(readable > mutations / 10 && unreadable > mutations / 10, readable + " readable");
    }

    @Test
    void nestingUpToJacksonsLimitIsReadAndDeeperIsNot() {
        // the root object is depth 1: 999 arrays inside it reach the limit of 1000
        int max = JsonScanner.MAX_DEPTH;
        String ok = MIN + ",\"x\":" + "[".repeat(max - 1) + "]".repeat(max - 1) + "}";
        String deep = MIN + ",\"x\":" + "[".repeat(max) + "]".repeat(max) + "}";
        assertTrue(sameAsJackson(utf8(ok), "at the limit").readable());
        assertFalse(sameAsJackson(utf8(deep), "beyond the limit").readable());
    }

    @Test
    void aStringIsMadeOnceAndManyDistinctOnesStillReadRight() {
        // given: the same package twice
        byte[] basic = utf8(MIN + ",\"packageId\":\"basic\"}");
        assertTrue(line.parse(basic, 0, basic.length));
        String first = line.packageId;
        assertTrue(line.parse(basic.clone(), 0, basic.length));
        assertSame(first, line.packageId, "found again by its bytes");
        // when: more distinct strings than the table keeps, twice over
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3 * JsonStrings.MAX_SLOTS; i++) {
                byte[] l = utf8(MIN + ",\"packageId\":\"p" + i + "\",\"serviceName\":\"s\\u00e9" + i + "\"}");
                // then
                assertTrue(line.parse(l, 0, l.length));
                assertEquals("p" + i, line.packageId);
                assertEquals("sé" + i, line.serviceName);
            }
        }
        String longName = "n".repeat(JsonStrings.MAX_KEY_BYTES + 1);
        byte[] l = utf8(MIN + ",\"packageId\":\"" + longName + "\"}");
        assertTrue(line.parse(l, 0, l.length));
        assertEquals(longName, line.packageId, "too long to keep, read all the same");
    }
}
