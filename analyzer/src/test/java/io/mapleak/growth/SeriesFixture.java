package io.mapleak.growth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.analysis.Analysis;
import io.mapleak.analysis.AnalysisListener;
import io.mapleak.analysis.AnalysisOptions;
import io.mapleak.analysis.AnalysisResult;
import io.mapleak.report.ResultJson;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The growth-series fixture's three dumps (one JDK 17 process that dumped itself three times) with their analyses
 * and analyze reports ({@code target/growth-series/series-N.json}), made once per test JVM and shared by the tests
 * that need them.
 */
public final class SeriesFixture {
    private static final Path REPORTS = Path.of("target", "growth-series");
    private static SeriesFixture instance;

    public final FixtureDump fixture;
    /** The dumps in the order they were taken: SCENARIO.1.hprof, SCENARIO.2.hprof, SCENARIO.hprof. */
    public final List<Path> dumps;
    /** Their analyses, in the same order. */
    public final List<AnalysisResult> analyses;
    /** Their analyze reports, in the same order. */
    public final List<Path> reports;

    private SeriesFixture(FixtureDump fixture, List<Path> dumps, List<AnalysisResult> analyses, List<Path> reports) {
        this.fixture = fixture;
        this.dumps = List.copyOf(dumps);
        this.analyses = List.copyOf(analyses);
        this.reports = List.copyOf(reports);
    }

    public static synchronized SeriesFixture get() {
        if (instance == null) {
            try {
                instance = make();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private static SeriesFixture make() throws IOException {
        FixtureDump last = FixtureDumps.get(Jvm.JDK17, "growth-series");
        Path d = last.hprof().getParent();
        String name = last.factString("scenario");
        List<Path> dumps = List.of(d.resolve(name + ".1.hprof"), d.resolve(name + ".2.hprof"), last.hprof());
        Files.createDirectories(REPORTS);
        List<AnalysisResult> analyses = new ArrayList<>();
        List<Path> reports = new ArrayList<>();
        for (int i = 0; i < dumps.size(); i++) {
            assertThat(dumps.get(i)).as("a dump of the series").isRegularFile();
            AnalysisResult r = Analysis.run(dumps.get(i), AnalysisOptions.defaults(), AnalysisListener.QUIET);
            Path report = REPORTS.resolve("series-" + (i + 1) + ".json");
            ResultJson.write(report, r);
            analyses.add(r);
            reports.add(report);
        }
        return new SeriesFixture(last, dumps, analyses, reports);
    }

    /** The inputs as dumps (with their analyses), in the order taken. */
    public List<GrowthInput> dumpInputs() {
        List<GrowthInput> inputs = new ArrayList<>();
        for (int i = 0; i < dumps.size(); i++) {
            inputs.add(new GrowthInput(dumps.get(i), GrowthInput.Kind.DUMP, i + 1, analyses.get(i)));
        }
        return inputs;
    }

    /** A fact of comma-separated values per dump, "-" where the map is not in that dump. */
    public List<Long> longs(String fact) {
        List<Long> out = new ArrayList<>();
        for (String v : fixture.factString(fact).split(",")) {
            out.add(v.equals("-") ? null : Long.parseLong(v));
        }
        return out;
    }
}
