package io.gyro.engine.settle;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;

/**
 * Times of the host file read in place: {@code 2026-11-03T08:15:02Z}, {@code 2026-11-03T08:15:02.250+08:00},
 * {@code 2026-11-03T08:15+08:00} (no seconds),
 * and local times without an offset ({@code 2026-11-03 08:15:02}, {@code 2026-11-03T08:15:02}) in the zone the
 * settlement runs in. The offset of a local time is asked of the zone's rules once per local hour (cached), so
 * ten million lines do not build ten million {@code LocalDateTime}s. Caller's thread; one instance per reader.
 */
final class Times {
    /** What a parse answers when the text is not a time. */
    static final long INVALID = Long.MIN_VALUE;

    private final ZoneRules rules;
    private final long fixedOffsetSeconds;
    private long cachedLocalHour = Long.MIN_VALUE;
    private long cachedOffsetSeconds;

    Times(ZoneId zone) {
        this.rules = zone.getRules();
        this.fixedOffsetSeconds = rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH).getTotalSeconds() : Long.MIN_VALUE;
    }

    /** Epoch ms of the time in {@code b[s, e)}, or {@link #INVALID}. */
    long parseMs(byte[] b, int s, int e) {
        while (s < e && b[s] == ' ') {
            s++;
        }
        while (e > s && b[e - 1] == ' ') {
            e--;
        }
        if (e - s < 16 || b[s + 4] != '-' || b[s + 7] != '-' || (b[s + 10] != 'T' && b[s + 10] != ' ')
                || b[s + 13] != ':') {
            return INVALID;
        }
        int year = num(b, s, 4);
        int month = num(b, s + 5, 2);
        int day = num(b, s + 8, 2);
        int hour = num(b, s + 11, 2);
        int minute = num(b, s + 14, 2);
        int second = 0;
        int i = s + 16;
        if (i < e && b[i] == ':') {
            // seconds are optional, as in ISO-8601 (Java's OffsetDateTime.toString leaves out ":00")
            if (e - i < 3) {
                return INVALID;
            }
            second = num(b, i + 1, 2);
            i += 3;
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return INVALID;
        }
        int millis = 0;
        if (i < e && b[i] == '.') {
            i++;
            int digits = 0;
            while (i < e && b[i] >= '0' && b[i] <= '9') {
                if (digits < 3) {
                    millis = millis * 10 + (b[i] - '0');
                }
                digits++;
                i++;
            }
            if (digits == 0) {
                return INVALID;
            }
            for (int d = digits; d < 3; d++) {
                millis *= 10;
            }
        }
        long localSeconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second;
        long offsetSeconds;
        if (i == e) {
            offsetSeconds = localOffset(localSeconds);
        } else if (b[i] == 'Z' && i + 1 == e) {
            offsetSeconds = 0;
        } else if ((b[i] == '+' || b[i] == '-') && e - i == 6 && b[i + 3] == ':') {
            int oh = num(b, i + 1, 2);
            int om = num(b, i + 4, 2);
            if (oh < 0 || oh > 18 || om < 0 || om > 59) {
                return INVALID;
            }
            offsetSeconds = (b[i] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
        } else {
            return INVALID;
        }
        return (localSeconds - offsetSeconds) * 1000L + millis;
    }

    /** Epoch ms of the start of the local day {@code yyyy-MM-dd} in {@code b[s, e)}, or {@link #INVALID}. */
    long parseDayStartMs(byte[] b, int s, int e) {
        while (s < e && b[s] == ' ') {
            s++;
        }
        while (e > s && b[e - 1] == ' ') {
            e--;
        }
        if (e - s != 10 || b[s + 4] != '-' || b[s + 7] != '-') {
            return INVALID;
        }
        int year = num(b, s, 4);
        int month = num(b, s + 5, 2);
        int day = num(b, s + 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            return INVALID;
        }
        long localSeconds = epochDay(year, month, day) * 86_400L;
        return (localSeconds - localOffset(localSeconds)) * 1000L;
    }

    private long localOffset(long localSeconds) {
        if (fixedOffsetSeconds != Long.MIN_VALUE) {
            return fixedOffsetSeconds;
        }
        long hour = Math.floorDiv(localSeconds, 3600L);
        if (hour != cachedLocalHour) {
            LocalDateTime local = LocalDateTime.ofEpochSecond(hour * 3600L, 0, ZoneOffset.UTC);
            cachedOffsetSeconds = rules.getOffset(local).getTotalSeconds();
            cachedLocalHour = hour;
        }
        return cachedOffsetSeconds;
    }

    private static int num(byte[] b, int at, int len) {
        int v = 0;
        for (int i = at; i < at + len; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    /** Appends epoch ms as ISO-8601 UTC with milliseconds, {@code 2026-11-03T00:15:02.123Z}; no objects made. */
    static StringBuilder appendIsoUtc(StringBuilder out, long epochMs) {
        long secs = Math.floorDiv(epochMs, 1000L);
        int ms = (int) Math.floorMod(epochMs, 1000L);
        long day = Math.floorDiv(secs, 86_400L);
        int sod = (int) Math.floorMod(secs, 86_400L);
        // H. Hinnant's civil_from_days
        long z = day + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        out.append(y).append('-');
        two(out, m).append('-');
        two(out, d).append('T');
        two(out, sod / 3600).append(':');
        two(out, sod / 60 % 60).append(':');
        two(out, sod % 60).append('.');
        out.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
        return out.append('Z');
    }

    private static StringBuilder two(StringBuilder out, int v) {
        return out.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    /** Epoch ms of the start of the local day (in this reader's zone) that holds {@code epochMs}. */
    long dayStartMs(long epochMs) {
        long offset = offsetAt(epochMs);
        long localSeconds = Math.floorDiv(epochMs, 1000L) + offset;
        long localDay = Math.floorDiv(localSeconds, 86_400L);
        return (localDay * 86_400L - localOffset(localDay * 86_400L)) * 1000L;
    }

    private long cachedUtcHour = Long.MIN_VALUE;
    private long cachedUtcOffset;

    private long offsetAt(long epochMs) {
        if (fixedOffsetSeconds != Long.MIN_VALUE) {
            return fixedOffsetSeconds;
        }
        long hour = Math.floorDiv(epochMs, 3_600_000L);
        if (hour != cachedUtcHour) {
            cachedUtcOffset = rules.getOffset(Instant.ofEpochMilli(hour * 3_600_000L)).getTotalSeconds();
            cachedUtcHour = hour;
        }
        return cachedUtcOffset;
    }
}
