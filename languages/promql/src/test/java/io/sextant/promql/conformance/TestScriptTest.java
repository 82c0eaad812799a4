package io.sextant.promql.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.conformance.TestScript.Clear;
import io.sextant.promql.conformance.TestScript.Command;
import io.sextant.promql.conformance.TestScript.Eval;
import io.sextant.promql.conformance.TestScript.Load;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestScriptTest {
    @Test
    void parsesTheWholeCorpus() throws IOException {
        int evals = 0;
        int range = 0;
        int legacyFail = 0;
        int loads = 0;
        int nhcbLoads = 0;
        int clears = 0;
        int scalars = 0;
        int strings = 0;
        int rangeVectors = 0;
        for (Path f : Corpus.testFiles()) {
            for (Command c : TestScript.parse(Files.readString(f))) {
                if (c instanceof Eval e) {
                    evals++;
                    range += e.range() ? 1 : 0;
                    legacyFail += e.legacyFail() ? 1 : 0;
                    scalars += e.scalar() != null ? 1 : 0;
                    strings += e.string() != null ? 1 : 0;
                    rangeVectors += e.rangeVector() != null ? 1 : 0;
                } else if (c instanceof Load l) {
                    loads += l.withNhcb() ? 0 : 1;
                    nhcbLoads += l.withNhcb() ? 1 : 0;
                } else if (c instanceof Clear) {
                    clears++;
                }
            }
        }
        System.out.printf(
                "corpus: %d evals (%d range), %d eval_fail, %d load, %d load_with_nhcb, %d clear, %d scalar, %d string,"
                        + " %d range-vector results%n",
                evals, range, legacyFail, loads, nhcbLoads, clears, scalars, strings, rangeVectors);
        // Counts from an independent reading of the corpus (the S2 research notes).
        assertThat(evals).isEqualTo(2214);
        assertThat(scalars).isEqualTo(54);
        assertThat(range).isEqualTo(329);
        assertThat(legacyFail).isEqualTo(3);
        assertThat(loads).isEqualTo(277);
        assertThat(nhcbLoads).isEqualTo(33);
        assertThat(clears).isEqualTo(231);
        assertThat(strings).isEqualTo(5);
        assertThat(rangeVectors).isEqualTo(5);
    }

    @Test
    void blocksEndAtCommentsAndScalarLines() {
        List<Command> cmds = TestScript.parse(String.join(
                "\n",
                "load 1m",
                "  m{a=\"b\"} 0+1x3",
                "",
                "eval instant at 1m m",
                "  # nothing is expected: a comment ends the block",
                "eval range from 0 to 2m step 1m scalar(m)",
                "  expect warn msg: some text",
                "  {} 0 1 2",
                "",
                "eval instant at 5m0s 1 + 1",
                "  2",
                "clear",
                "load 1m",
                "  n 1"));
        assertThat(cmds).hasSize(6);
        Eval empty = (Eval) cmds.get(1);
        assertThat(empty.series()).isEmpty();
        Eval ranged = (Eval) cmds.get(2);
        assertThat(ranged.end()).isEqualTo(120_000);
        assertThat(ranged.expects())
                .singleElement()
                .extracting(TestScript.Expect::message)
                .isEqualTo("some text");
        assertThat(((Eval) cmds.get(3)).scalar()).isEqualTo("2");
        assertThat(((Eval) cmds.get(3)).start()).isEqualTo(300_000);
        assertThat(cmds.get(4)).isInstanceOf(Clear.class);
        assertThat(((Load) cmds.get(5)).series()).containsExactly("n 1");
    }
}
