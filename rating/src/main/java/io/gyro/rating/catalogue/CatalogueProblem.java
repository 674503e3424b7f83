package io.gyro.rating.catalogue;

/**
 * One thing wrong with (or worth knowing about) a catalogue file, located precisely enough to fix
 * it: {@code catalogue.yaml:42:7: tariff 'voice-national' rate 2: price '-0.10' is negative}.
 * Immutable; any thread.
 *
 * <p>An {@link Severity#ERROR} refuses the file; a {@link Severity#WARNING} (a rate sold below its
 * wholesale cost, see {@link CostFinding}) does not, unless the loader is strict; a
 * {@link Severity#NOTE} never does. The text form is the compiler's:
 * {@code file:line:column: message} for an error, {@code file:line:column: warning: message} for
 * a warning, {@code file:line:column: note: message} for a note.
 */
public record CatalogueProblem(String file, int line, int column, String message, Severity severity) {

    /** How much a finding matters. */
    public enum Severity {
        /** The file is refused. */
        ERROR,
        /** The file loads; an error when loaded with {@link CatalogueLoader.Options#strict()}. */
        WARNING,
        /** For the reader only (e.g. a rate sold exactly at cost); never refuses a file. */
        NOTE
    }

    /** An error. */
    public CatalogueProblem(String file, int line, int column, String message) {
        this(file, line, column, message, Severity.ERROR);
    }

    public CatalogueProblem {
        if (severity == null) {
            throw new IllegalArgumentException("severity");
        }
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The same finding with another severity (a warning made an error by the strict option). */
    public CatalogueProblem as(Severity s, String suffix) {
        return new CatalogueProblem(file, line, column, message + suffix, s);
    }

    @Override
    public String toString() {
        String prefix = file + ":" + line + ":" + column + ": ";
        switch (severity) {
            case WARNING:
                return prefix + "warning: " + message;
            case NOTE:
                return prefix + "note: " + message;
            default:
                return prefix + message;
        }
    }
}
