package io.mapleak.cli;

import java.util.List;

/**
 * JIT options for a JVM that analyses a dump: bin/mapleak passes them to every command that reads one, and the
 * triage job to the children that analyse with the optimising compiler (a test keeps the two lists equal).
 *
 * <p>With HotSpot's defaults, C2 took 8–10 s of CPU in a 13–15 s analysis of the 1 GB benchmark dump on 2 cores
 * (750 compilations, about a third of all CPU), competing with the analysis for the same cores: the hot loops are
 * many and large (column accessors inlined into page-cache reads inlined into map walks), and several of them are
 * compiled again and again as their profiles change. Smaller inlining budgets and later tier-4 (and tier-3)
 * compilation leave the hottest code compiled just as well and the lukewarm code in C1's: C2 took 4.3–5.4 s, the
 * analysis 11.2–13.7 s against 14.2–15.6 s (docs/PERFORMANCE.md, "Less for the JIT to compile"). A user's own
 * options (MAPLEAK_JAVA_OPTS) come after these and win.
 */
public final class CompilerOptions {
    /** The options, in the order bin/mapleak gives them. */
    public static final List<String> FOR_DUMPS = List.of(
            "-XX:InlineSmallCode=500",
            "-XX:FreqInlineSize=150",
            "-XX:MaxInlineLevel=9",
            "-XX:Tier3InvocationThreshold=1000",
            "-XX:Tier3MinInvocationThreshold=500",
            "-XX:Tier3CompileThreshold=5000",
            "-XX:Tier4InvocationThreshold=20000",
            "-XX:Tier4CompileThreshold=40000",
            "-XX:Tier4BackEdgeThreshold=200000");

    private CompilerOptions() {
    }
}
