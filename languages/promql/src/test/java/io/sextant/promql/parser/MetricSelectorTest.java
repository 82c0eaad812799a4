package io.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;

/** match[] selectors. */
class MetricSelectorTest {
    @Test
    void nameBecomesTheLastMatcher() {
        List<Matcher> m = PromQLParser.parseMetricSelector("up{job=~\"api|web\", \"a.b\"!=\"x\"}");
        assertThat(m)
                .containsExactly(
                        Matcher.of(Matcher.Type.REGEX, "job", "api|web"),
                        Matcher.of(Matcher.Type.NOT_EQUAL, "a.b", "x"),
                        Matcher.equal("__name__", "up"));
    }

    @Test
    void quotedNameAndEmptySelector() {
        assertThat(PromQLParser.parseMetricSelector("{\"my.metric\"}"))
                .containsExactly(Matcher.equal("__name__", "my.metric"));
        // the non-empty-matcher rule is the API's, not the parser's
        assertThat(PromQLParser.parseMetricSelector("{}")).isEmpty();
    }

    @Test
    void onlySelectors() {
        assertThatThrownBy(() -> PromQLParser.parseMetricSelector("rate(x[5m])"))
                .hasMessage("1:5: parse error: unexpected \"(\"");
        assertThatThrownBy(() -> PromQLParser.parseMetricSelector("up offset 5m"))
                .hasMessage("1:4: parse error: unexpected <offset>");
    }

    @Test
    void quoteIsGoQuote() {
        assertThat(PromQLParser.quote("a\"b\n\uDCffé")).isEqualTo("\"a\\\"b\\n\\xffé\"");
    }
}
