package io.gyro.rating.catalogue;

import io.gyro.rating.money.Money;
import io.gyro.rating.tariff.NodeRole;
import io.gyro.rating.tariff.Quantity;
import io.gyro.rating.tariff.RatType;
import io.gyro.rating.tariff.ServiceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The typed readers a catalogue load uses on its YAML nodes (texts, money, quantities, numbers, choices, lists,
 * references, APNs, RAT-Types, roles), each reporting what is wrong with file, line and column instead of throwing.
 * One instance per load ({@link CatalogueLoader}), on the loading thread.
 */
abstract class CatalogueReading {
    final String file;
    final List<CatalogueProblem> problems = new ArrayList<>();

    CatalogueReading(String file) {
        this.file = file;
    }

    /** APN network identifier (TS 23.003 §9.1): dot-separated labels of letters, digits and '-'. */
    private static final java.util.regex.Pattern APN = java.util.regex.Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");


    void err(YamlNode at, String message) {
        int line = at == null ? 1 : at.line;
        int col = at == null ? 1 : at.column;
        problems.add(new CatalogueProblem(file, line, col, message));
    }

    Map<String, YamlNode> fields(YamlNode n, String what, Set<String> allowed) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (n.kind != YamlNode.Kind.MAP) {
            err(n, what + " must be a mapping of 'field: value' lines");
            return Map.of();
        }
        for (Map.Entry<String, YamlNode> e : n.keys.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                err(e.getValue(), "unknown field '" + e.getKey() + "' in " + what + "; expected one of: "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return n.map;
    }

    /** Mapping of id to definition; the key node locates the id. */
    Map<String, YamlNode> section(YamlNode n, String what) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (n.kind != YamlNode.Kind.MAP) {
            err(n, "'" + what + "' must be a mapping of id to definition");
            return Map.of();
        }
        return n.map;
    }

    YamlNode required(Map<String, YamlNode> m, YamlNode owner, String key, String what) {
        YamlNode v = m.get(key);
        if (v == null || v.isNull()) {
            err(owner, what + ": missing '" + key + "'");
            return null;
        }
        return v;
    }

    String text(YamlNode n, String what) {
        if (n == null) {
            return null;
        }
        if (n.kind != YamlNode.Kind.SCALAR || n.text == null) {
            err(n, what + " must be a single value");
            return null;
        }
        return n.text;
    }

    long money(YamlNode n, String what, long dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        String s = text(n, what);
        if (s == null) {
            return dflt;
        }
        try {
            return Money.parseNonNegativeMicros(s);
        } catch (NumberFormatException e) {
            err(n, what + ": " + e.getMessage());
            return dflt;
        }
    }

    long quantity(YamlNode n, ServiceKind kind, String what, long dflt) {
        if (n == null || n.isNull() || kind == null) {
            return dflt;
        }
        String s = text(n, what);
        if (s == null) {
            return dflt;
        }
        try {
            return Quantity.parse(s, kind);
        } catch (IllegalArgumentException e) {
            err(n, what + ": " + e.getMessage());
            return dflt;
        }
    }

    long integer(YamlNode n, String what, long min, long max, long dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        String s = text(n, what);
        if (s == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(s.trim());
            if (v < min || v > max) {
                err(n, what + ": " + v + " is out of range " + min + ".." + max);
                return dflt;
            }
            return v;
        } catch (NumberFormatException e) {
            err(n, what + ": '" + s + "' is not a whole number");
            return dflt;
        }
    }

    boolean bool(YamlNode n, String what, boolean dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        String s = text(n, what);
        if ("true".equalsIgnoreCase(s) || "yes".equalsIgnoreCase(s)) {
            return true;
        }
        if ("false".equalsIgnoreCase(s) || "no".equalsIgnoreCase(s)) {
            return false;
        }
        if (s != null) {
            err(n, what + ": '" + s + "' is not true or false");
        }
        return dflt;
    }

    String choice(YamlNode n, String what, String dflt, String... allowed) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        String s = text(n, what);
        if (s == null) {
            return dflt;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(s.trim())) {
                return a;
            }
        }
        err(n, what + ": '" + s + "' is not one of " + String.join(", ", allowed));
        return dflt;
    }

    List<YamlNode> list(YamlNode n, String what) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (n.kind == YamlNode.Kind.SEQ) {
            return n.seq;
        }
        if (n.kind == YamlNode.Kind.SCALAR) {
            return List.of(n);
        }
        err(n, what + " must be a list");
        return List.of();
    }

    int ref(YamlNode n, Map<String, Integer> ids, String kind, String what) {
        String s = text(n, what);
        if (s == null) {
            return -1;
        }
        Integer i = ids.get(s);
        if (i == null) {
            err(n, what + ": unknown " + kind + " '" + s + "'"
                    + (ids.isEmpty() ? " (none defined)" : "; defined: " + String.join(", ", ids.keySet())));
            return -1;
        }
        return i;
    }

    static ServiceKind kindOf(String unit) {
        return unit == null ? null : ServiceKind.valueOf(unit.toUpperCase(Locale.ROOT));
    }

    List<String> apns(YamlNode n, String what) {
        List<String> out = new ArrayList<>();
        for (YamlNode a : list(n, what + " apns")) {
            String t = text(a, what + " APN");
            if (t == null) {
                continue;
            }
            t = t.trim();
            if (t.length() > 100 || !APN.matcher(t).matches()) {
                err(a, what + ": '" + t + "' is not an APN network identifier such as video.example.cn"
                        + " (labels of letters, digits and '-', separated by dots)");
                continue;
            }
            out.add(t.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    List<Integer> ratTypes(YamlNode n, String what) {
        List<Integer> out = new ArrayList<>();
        for (YamlNode r : list(n, what + " ratTypes")) {
            String t = text(r, what + " RAT-Type");
            if (t == null) {
                continue;
            }
            int v = RatType.parse(t);
            if (v < 0) {
                err(r, what + ": '" + t + "' is not a RAT-Type (TS 29.212 §5.3.31); use a number such as 1004 or one of "
                        + RatType.names());
                continue;
            }
            out.add(v);
        }
        return out;
    }

    List<Integer> roles(YamlNode n, String what) {
        List<Integer> out = new ArrayList<>();
        for (YamlNode r : list(n, what + " roles")) {
            String t = text(r, what + " role");
            if (t == null) {
                continue;
            }
            int v = NodeRole.parse(t);
            if (v < 0) {
                err(r, what + ": '" + t + "' is not a role of node (Role-of-Node, TS 32.299); use one of "
                        + NodeRole.names());
                continue;
            }
            out.add(v);
        }
        return out;
    }
}
