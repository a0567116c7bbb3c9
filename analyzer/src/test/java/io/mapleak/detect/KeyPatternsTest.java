package io.mapleak.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The affixes around random ids: those every key shares, and, when a few keys share nothing with the rest (a class
 * pool's own entries beside the names it generated), the longest a given share of the keys carries.
 */
class KeyPatternsTest {
    private static final String STRING = "java.lang.String";

    @Test
    void affixesOfAQuorumSurviveAFewKeysThatShareNothing() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 990; i++) {
            texts.add("\"com.acme.proxy.Handler_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
                    + Long.toHexString(random.nextLong() | Long.MIN_VALUE) + "$Impl\"");
        }
        for (String own : List.of("int", "long", "java.lang.Object", "void", "boolean", "char", "byte", "short",
                "float", "double")) {
            texts.add("\"" + own + "\"");
        }
        Collections.shuffle(texts, random);
        List<String> classes = Collections.nCopies(texts.size(), STRING);

        assertThat(KeyPatterns.affixes(classes, texts).present()).as("what every key shares").isFalse();
        KeyPatterns.Affixes quorum = KeyPatterns.affixes(classes, texts, 0.8);
        assertThat(quorum.prefix()).isEqualTo("com.acme.proxy.Handler_");
        assertThat(quorum.suffix()).isEqualTo("$Impl");
        int hex = 0;
        for (String t : texts) {
            if ("hex id".equals(KeyPatterns.classify(STRING, t, quorum))) {
                hex++;
            }
        }
        assertThat(hex).isEqualTo(990);
    }

    @Test
    void withEveryKeyInTheQuorumTheAffixesAreWhatAllShare() {
        List<String> texts = List.of("\"node0abc.node0\"", "\"node0xyz.node0\"", "\"node0q.node0\"");
        List<String> classes = Collections.nCopies(texts.size(), STRING);
        assertThat(KeyPatterns.affixes(classes, texts)).isEqualTo(new KeyPatterns.Affixes("node0", ".node0"));
        assertThat(KeyPatterns.affixes(classes, texts, 0.8)).isEqualTo(new KeyPatterns.Affixes("node0", ".node0"));
        // too few strings for the quorum: none
        List<String> mixed = List.of("\"node0abc.node0\"", "42", "43");
        assertThat(KeyPatterns.affixes(List.of(STRING, "java.lang.Integer", "java.lang.Integer"), mixed, 0.8))
                .isEqualTo(KeyPatterns.Affixes.NONE);
    }
}
