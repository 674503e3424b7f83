package io.gyro.rating.catalogue;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a small tree in which every node keeps its line and column, built from
 * Jackson's streaming YAML parser (Jackson's own tree model forgets locations). Duplicate keys
 * are reported, not silently overwritten. Loader-internal.
 */
final class YamlNode {

    enum Kind { MAP, SEQ, SCALAR }

    final Kind kind;
    final int line;
    final int column;
    final String text;
    final Map<String, YamlNode> map;
    final Map<String, YamlNode> keys;
    final List<YamlNode> seq;

    private YamlNode(Kind kind, int line, int column, String text) {
        this.kind = kind;
        this.line = line;
        this.column = column;
        this.text = text;
        this.map = kind == Kind.MAP ? new LinkedHashMap<>() : null;
        this.keys = kind == Kind.MAP ? new LinkedHashMap<>() : null;
        this.seq = kind == Kind.SEQ ? new ArrayList<>() : null;
    }

    static YamlNode scalar(int line, int column, String text) {
        return new YamlNode(Kind.SCALAR, line, column, text);
    }

    boolean isNull() {
        return kind == Kind.SCALAR && text == null;
    }

    /** Parses a whole document; syntax errors end parsing and are reported. */
    static YamlNode parse(String file, Reader reader, List<CatalogueProblem> problems) {
        try (JsonParser p = new YAMLFactory().createParser(reader)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                problems.add(new CatalogueProblem(file, 1, 1, "the catalogue is empty"));
                return null;
            }
            return read(file, p, problems);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String msg = e.getOriginalMessage();
            problems.add(new CatalogueProblem(file, loc == null ? 1 : Math.max(1, loc.getLineNr()),
                    loc == null ? 1 : Math.max(1, loc.getColumnNr()),
                    "YAML syntax error: " + firstLine(msg) + " (check indentation and quoting)"));
            return null;
        } catch (IOException e) {
            problems.add(new CatalogueProblem(file, 1, 1, "cannot read the catalogue: " + e.getMessage()));
            return null;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed document";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static YamlNode read(String file, JsonParser p, List<CatalogueProblem> problems) throws IOException {
        JsonLocation loc = p.currentTokenLocation();
        int line = Math.max(1, loc.getLineNr());
        int col = Math.max(1, loc.getColumnNr());
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                YamlNode n = new YamlNode(Kind.MAP, line, col, null);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    YamlNode keyNode = scalar(Math.max(1, kl.getLineNr()), Math.max(1, kl.getColumnNr()), key);
                    p.nextToken();
                    YamlNode value = read(file, p, problems);
                    YamlNode first = n.keys.get(key);
                    if (first != null) {
                        problems.add(new CatalogueProblem(file, keyNode.line, keyNode.column,
                                "duplicate key '" + key + "' (first defined at line " + first.line
                                        + "); each id and field may appear once"));
                    } else {
                        n.keys.put(key, keyNode);
                        n.map.put(key, value);
                    }
                }
                return n;
            }
            case START_ARRAY: {
                YamlNode n = new YamlNode(Kind.SEQ, line, col, null);
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    n.seq.add(read(file, p, problems));
                }
                return n;
            }
            case VALUE_NULL:
                return scalar(line, col, null);
            default:
                return scalar(line, col, p.getText());
        }
    }
}
