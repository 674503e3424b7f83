package io.gyro.rating.catalogue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Outcome of loading a catalogue: either a catalogue and no errors, or every error found and no
 * catalogue. A failing file never yields a usable object, so it can never replace a working one.
 * Immutable; any thread.
 *
 * <p>Apart from the errors ({@link #problems()}), a load carries {@link #warnings()}: findings that
 * do not refuse the file (today: rates sold below their wholesale cost without a {@code belowCost}
 * reason, and {@code belowCost} reasons on rates that are not below cost). With
 * {@link CatalogueLoader.Options#STRICT} they are errors instead, and {@code warnings()} is empty.
 * {@link #costFindings()} lists every rate at or below cost, annotated or not, with the packages
 * that use it (the rehearsal prints them per package).
 *
 * @param problems     the errors, by line; empty exactly when there is a catalogue
 * @param warnings     findings of severity WARNING, by line; never errors
 * @param costFindings every tier at or below its wholesale cost, in file order
 */
public record CatalogueLoadResult(Catalogue catalogue, List<CatalogueProblem> problems,
                                  List<CatalogueProblem> warnings, List<CostFinding> costFindings) {

    public CatalogueLoadResult {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
        costFindings = List.copyOf(costFindings);
        if ((catalogue == null) == problems.isEmpty()) {
            throw new IllegalArgumentException("a result has a catalogue or problems, not both");
        }
        if (warnings.stream().anyMatch(CatalogueProblem::isError)) {
            throw new IllegalArgumentException("an error is a problem, not a warning");
        }
    }

    /** A result without warnings or cost findings. */
    public CatalogueLoadResult(Catalogue catalogue, List<CatalogueProblem> problems) {
        this(catalogue, problems, List.of(), List.of());
    }

    public boolean ok() {
        return catalogue != null;
    }

    /** Errors and warnings, by line, one per line ({@code file:line:col: [warning: ]message}), for a terminal or a log. */
    public String report() {
        List<CatalogueProblem> all = new ArrayList<>(problems);
        all.addAll(warnings);
        all.sort(Comparator.comparingInt(CatalogueProblem::line).thenComparingInt(CatalogueProblem::column));
        StringBuilder sb = new StringBuilder();
        for (CatalogueProblem p : all) {
            sb.append(p).append('\n');
        }
        return sb.toString();
    }
}
