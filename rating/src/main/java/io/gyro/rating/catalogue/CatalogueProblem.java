package io.gyro.rating.catalogue;

/**
 * One thing wrong with a catalogue file, located precisely enough to fix it:
 * {@code catalogue.yaml:42:7: tariff 'voice-national' rate 2: price '-0.10' is negative}.
 */
public record CatalogueProblem(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
