package io.gyro.rating.catalogue;

import java.util.List;

/**
 * Outcome of loading a catalogue: either a catalogue and no problems, or every problem found and
 * no catalogue. A failing file never yields a usable object, so it can never replace a working one.
 */
public record CatalogueLoadResult(Catalogue catalogue, List<CatalogueProblem> problems) {

    public CatalogueLoadResult {
        problems = List.copyOf(problems);
        if ((catalogue == null) == problems.isEmpty()) {
            throw new IllegalArgumentException("a result has a catalogue or problems, not both");
        }
    }

    public boolean ok() {
        return catalogue != null;
    }

    /** All problems, one per line, for a terminal or a log. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        for (CatalogueProblem p : problems) {
            sb.append(p).append('\n');
        }
        return sb.toString();
    }
}
