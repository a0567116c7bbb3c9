package io.mapleak.triage;

import io.mapleak.analysis.AnalysisResult;
import io.mapleak.detect.Detectors;
import io.mapleak.detect.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Leak signatures: one id for one leak wherever it shows up, so the same leak in dumps from different hosts, JDKs
 * and days is one row of the index.
 *
 * <p>The id is the first 16 hex digits of SHA-256 over the suspect's lead finding kind (its most specific
 * diagnosis, as the suspect's title and fix use it) and its owner key (the owner path with array indices, hash
 * bins and thread numbers left out, so it does not change between dumps). Every suspect of severity
 * {@link #MIN_SEVERITY} or more gets one, nested suspects included (a leaking map inside another leaking map is a
 * leak of its own); low suspects (waste, small context) do not, or every healthy dump would add rows.
 */
public final class Signatures {
    /** Suspects below this get no signature. */
    public static final Severity MIN_SEVERITY = Severity.MEDIUM;

    private Signatures() {
    }

    /**
     * A signature seen in one dump: its id, the two things it is made from, the owner as people read it, and the
     * suspect's title and severity in that dump.
     */
    public record Sighting(String id, String kind, String ownerKey, String label, String title, Severity severity) {
    }

    /** The signatures of one analysis, in id order; a signature met twice keeps its most severe sighting. */
    public static List<Sighting> of(AnalysisResult result) {
        Map<String, Sighting> byId = new TreeMap<>();
        for (AnalysisResult.Suspect top : result.suspects()) {
            for (AnalysisResult.Suspect s : top.andNested()) {
                if (!s.severity().atLeast(MIN_SEVERITY)) {
                    continue;
                }
                String kind = leadKind(s);
                String key = ownerKey(s.owner());
                Sighting sighting = new Sighting(id(kind, key), kind, key, s.owner().label(), s.title(), s.severity());
                byId.merge(sighting.id(), sighting, (a, b) -> b.severity().compareTo(a.severity()) > 0 ? b : a);
            }
        }
        return new ArrayList<>(byId.values());
    }

    /** The signature id of a finding kind and an owner key. */
    public static String id(String kind, String ownerKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((kind + "\n" + ownerKey).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The kind of the suspect's lead finding, as the ranking chose it ({@link Detectors#lead}). */
    static String leadKind(AnalysisResult.Suspect s) {
        int lead = Detectors.lead(s.findings().stream().map(AnalysisResult.Finding::kind).toList());
        return lead < 0 ? "unknown" : s.findings().get(lead).kind();
    }

    /** The owner key; reports that have none (older 2.x) fall back on the label. */
    static String ownerKey(AnalysisResult.Owner owner) {
        return owner.key() == null || owner.key().isBlank() ? owner.label() : owner.key();
    }
}
