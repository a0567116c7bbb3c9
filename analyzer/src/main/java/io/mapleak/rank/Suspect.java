package io.mapleak.rank;

import io.mapleak.detect.Finding;
import io.mapleak.detect.Severity;
import io.mapleak.detect.SharedGroup;
import io.mapleak.graph.PathNamer;
import java.util.List;

/**
 * One entry of the report: a map, or maps sharing an owner (or indexing the same entries), with everything found
 * about them, ranked by {@code score}, with a {@code severity}, a title, a one-sentence {@code summary} that
 * explains the score, and one {@link Fix}.
 *
 * @param maps        member maps (object indices), the one retaining the most first
 * @param containers  maps that hold this one and whose bytes are this one's (a registry of components, a cache
 *                    manager): they are on the owner path, not suspects of their own, outermost first
 * @param shared      the group of maps indexing the same entries this suspect is, or null
 * @param known       what the owner field is, when it is a well-known framework map, or null
 * @param nested      suspects inside this one's retained set, shown under it
 * @param inside      for a nested suspect, the rank of the suspect it is inside; 0 for a ranked suspect
 * @param scoreParts  the score's terms in words ("83.3 for the heap share", "15 for unique keys")
 */
public record Suspect(int rank, Severity severity, double score, String title, String summary, PathNamer.Owner owner,
        List<Integer> maps, long entries, long retainedBytes, long wastedBytes, List<Finding> findings, Fix fix,
        List<Container> containers, SharedGroup shared, KnownMap known, List<Suspect> nested, int inside,
        List<String> scoreParts) {

    public Suspect {
        maps = List.copyOf(maps);
        findings = List.copyOf(findings);
        containers = List.copyOf(containers);
        nested = List.copyOf(nested);
        scoreParts = List.copyOf(scoreParts);
    }

    public int mapCount() {
        return maps.size();
    }

    /** The one fix of a suspect, written from all its findings (or the library's own remedy for a known map). */
    public record Fix(String text, List<String> basedOn) {
        public Fix {
            basedOn = List.copyOf(basedOn);
        }
    }

    /** A map holding this suspect's map: its object index, owner label, and what it is ("a cache manager"). */
    public record Container(int map, String owner, String role) {
    }

    Suspect withRank(int r, int insideRank, List<Suspect> nestedSuspects) {
        return new Suspect(r, severity, score, title, summary, owner, maps, entries, retainedBytes, wastedBytes,
                findings, fix, containers, shared, known, nestedSuspects, insideRank, scoreParts);
    }

    Suspect withContainers(List<Container> c) {
        return new Suspect(rank, severity, score, title, summary, owner, maps, entries, retainedBytes, wastedBytes,
                findings, fix, c, shared, known, nested, inside, scoreParts);
    }
}
