package io.gyro.engine.settle;

import io.gyro.rating.money.Money;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The host operator's wholesale usage file (docs/SETTLEMENT.md "Host file"): CSV with a header line naming the
 * columns, one line per record (a data session, a call, an SMS) or one per day, subscriber and service. This class
 * reads the header ({@link #header}) and then each line into a reused {@link Row} ({@link #read}); a bad line
 * gives a message with what is wrong, the caller adds the line number. Caller's thread.
 */
final class HostFile {
    /** Services the host bills, in the order of the report. */
    static final String[] SERVICES = {"data", "voice", "sms"};
    static final int DATA = 0;
    static final int VOICE = 1;
    static final int SMS = 2;

    enum Granularity {
        /** One line per data session, call or SMS: matched to Gyro's sessions by subscriber, service and time. */
        PER_RECORD,
        /** One line per local day, subscriber and service: matched to the sum of Gyro's records of that day. */
        PER_DAY
    }

    /** How the subscriber is named, and so which of Gyro's fields it is matched to. */
    enum SubscriberKey { MSISDN, IMSI }

    /** A line of the file, reused. */
    static final class Row {
        long subscriber;
        int service;
        /** Epoch ms; for a per-day line the start of the day, also in {@link #stopMs}. */
        long startMs;
        long stopMs;
        long quantity;
        long amountMicros;
        /** Host records the line stands for: 1 per record; per day the {@code records} column, else 0 (unknown). */
        int records;
        String visitedPlmn;
        String calledNumber;
        String recordId;
    }

    private static final Map<String, String> ALIASES = new HashMap<>();

    static {
        for (String[] a : new String[][] {
                {"imsi", "imsi"}, {"msisdn", "msisdn"}, {"service", "service"}, {"servicetype", "service"},
                {"start", "start"}, {"starttime", "start"}, {"stop", "stop"}, {"stoptime", "stop"}, {"end", "stop"},
                {"endtime", "stop"}, {"duration", "duration"}, {"durationseconds", "duration"},
                {"quantity", "quantity"}, {"volume", "quantity"}, {"units", "quantity"}, {"amount", "amount"},
                {"wholesaleamount", "amount"}, {"visitedplmn", "visited_plmn"}, {"plmn", "visited_plmn"},
                {"callednumber", "called_number"}, {"recordid", "record_id"}, {"chargingid", "charging_id"},
                {"date", "date"}, {"day", "date"}, {"records", "records"}}) {
            ALIASES.put(a[0], a[1]);
        }
    }

    final Granularity granularity;
    final SubscriberKey key;
    /** Header names not understood: ignored, listed in the report. */
    final List<String> ignoredColumns;
    final int columns;
    private final int cSubscriber;
    private final int cService;
    private final int cStart;
    private final int cStop;
    private final int cDuration;
    private final int cDate;
    private final int cQuantity;
    private final int cAmount;
    private final int cPlmn;
    private final int cCalled;
    private final int cRecordId;
    private final int cChargingId;
    private final int cRecords;
    private final Times times;

    /** The header is not one of the two layouts. */
    static final class BadHeader extends Exception {
        private static final long serialVersionUID = 1L;

        BadHeader(String message) {
            super(message);
        }
    }

    private HostFile(Map<String, Integer> at, List<String> ignored, int columns, Times times) throws BadHeader {
        this.ignoredColumns = ignored;
        this.columns = columns;
        this.times = times;
        boolean perDay = at.containsKey("date");
        if (perDay && at.containsKey("start")) {
            throw new BadHeader("the header has both date (a per-day file) and start (a per-record file): give one");
        }
        if (!perDay && !at.containsKey("start")) {
            throw new BadHeader("the header needs start (a per-record file) or date (a per-day file)");
        }
        granularity = perDay ? Granularity.PER_DAY : Granularity.PER_RECORD;
        if (at.containsKey("msisdn")) {
            key = SubscriberKey.MSISDN;
        } else if (at.containsKey("imsi")) {
            key = SubscriberKey.IMSI;
        } else {
            throw new BadHeader("the header needs a subscriber column: msisdn or imsi");
        }
        List<String> missing = new ArrayList<>();
        for (String c : perDay ? List.of("service", "quantity", "amount") : List.of("service", "quantity", "amount")) {
            if (!at.containsKey(c)) {
                missing.add(c);
            }
        }
        if (!perDay && !at.containsKey("stop") && !at.containsKey("duration")) {
            missing.add("stop or duration");
        }
        if (!missing.isEmpty()) {
            throw new BadHeader("the header lacks " + String.join(", ", missing));
        }
        cSubscriber = at.get(key == SubscriberKey.MSISDN ? "msisdn" : "imsi");
        cService = at.get("service");
        cStart = at.getOrDefault("start", -1);
        cStop = at.getOrDefault("stop", -1);
        cDuration = at.getOrDefault("duration", -1);
        cDate = at.getOrDefault("date", -1);
        cQuantity = at.get("quantity");
        cAmount = at.get("amount");
        cPlmn = at.getOrDefault("visited_plmn", -1);
        cCalled = at.getOrDefault("called_number", -1);
        cRecordId = at.getOrDefault("record_id", -1);
        cChargingId = at.getOrDefault("charging_id", -1);
        cRecords = at.getOrDefault("records", -1);
    }

    /** Reads the header line split in {@code f}; times without an offset are local to {@code times}' zone. */
    static HostFile header(CsvFields f, Times times) throws BadHeader {
        Map<String, Integer> at = new HashMap<>();
        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < f.count(); i++) {
            String raw = f.string(i);
            String norm = raw.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(" ", "");
            String name = ALIASES.get(norm);
            if (name == null) {
                if (!raw.isEmpty()) {
                    ignored.add(raw);
                }
                continue;
            }
            if (at.putIfAbsent(name, i) != null) {
                throw new BadHeader("column " + name + " is named twice (columns " + (at.get(name) + 1) + " and " + (i + 1) + ")");
            }
        }
        return new HostFile(at, ignored, f.count(), times);
    }

    /** Reads the line split in {@code f} into {@code row}. @return null, or what is wrong with the line */
    String read(CsvFields f, Row row) {
        if (f.count() != columns) {
            return f.count() + " fields, the header has " + columns;
        }
        row.subscriber = f.digits(cSubscriber);
        if (row.subscriber <= 0) {
            return (key == SubscriberKey.MSISDN ? "msisdn" : "imsi") + " '" + f.string(cSubscriber)
                    + "' is not a number of 1 to 18 digits";
        }
        String service = f.lower(cService);
        row.service = switch (service) {
            case "data", "gprs", "ps" -> DATA;
            case "voice", "call" -> VOICE;
            case "sms" -> SMS;
            default -> -1;
        };
        if (row.service < 0) {
            return "service '" + f.string(cService) + "' is not data, voice or sms";
        }
        row.quantity = f.digits(cQuantity);
        if (row.quantity < 0) {
            return "quantity '" + f.string(cQuantity) + "' is not a whole number of octets, seconds or messages";
        }
        row.amountMicros = f.micros(cAmount);
        if (row.amountMicros == Long.MIN_VALUE) {
            String text = f.string(cAmount);
            String why;
            try {
                Money.parseMicros(text);
                why = "'" + text + "' is not a plain decimal";
            } catch (NumberFormatException e) {
                why = e.getMessage();
            }
            return "amount: " + why;
        }
        if (granularity == Granularity.PER_DAY) {
            row.startMs = times.parseDayStartMs(f.bytes(), f.start(cDate), f.end(cDate));
            if (row.startMs == Times.INVALID) {
                return "date '" + f.string(cDate) + "' is not a day yyyy-MM-dd";
            }
            row.stopMs = row.startMs;
            row.records = 0;
            if (cRecords >= 0 && !f.isEmpty(cRecords)) {
                long n = f.digits(cRecords);
                if (n < 0 || n > Integer.MAX_VALUE) {
                    return "records '" + f.string(cRecords) + "' is not a count";
                }
                row.records = (int) n;
            }
        } else {
            row.startMs = times.parseMs(f.bytes(), f.start(cStart), f.end(cStart));
            if (row.startMs == Times.INVALID) {
                return "start '" + f.string(cStart) + "' is not a time such as 2026-11-03T08:15:02+08:00 or 2026-11-03 08:15:02";
            }
            if (cStop >= 0 && !f.isEmpty(cStop)) {
                row.stopMs = times.parseMs(f.bytes(), f.start(cStop), f.end(cStop));
                if (row.stopMs == Times.INVALID) {
                    return "stop '" + f.string(cStop) + "' is not a time such as 2026-11-03T08:15:02+08:00 or 2026-11-03 08:15:02";
                }
            } else if (cDuration >= 0 && !f.isEmpty(cDuration)) {
                long seconds = f.digits(cDuration);
                if (seconds < 0) {
                    return "duration '" + f.string(cDuration) + "' is not a whole number of seconds";
                }
                row.stopMs = row.startMs + seconds * 1000L;
            } else {
                return "neither stop nor duration given";
            }
            if (row.stopMs < row.startMs) {
                return "stop is before start";
            }
            row.records = 1;
        }
        row.visitedPlmn = cPlmn >= 0 && !f.isEmpty(cPlmn) ? f.string(cPlmn) : "";
        row.calledNumber = cCalled >= 0 && !f.isEmpty(cCalled) ? f.string(cCalled) : "";
        String id = cRecordId >= 0 && !f.isEmpty(cRecordId) ? f.string(cRecordId) : "";
        if (cChargingId >= 0 && !f.isEmpty(cChargingId)) {
            id = id.isEmpty() ? f.string(cChargingId) : id + "/" + f.string(cChargingId);
        }
        row.recordId = id;
        return null;
    }
}
