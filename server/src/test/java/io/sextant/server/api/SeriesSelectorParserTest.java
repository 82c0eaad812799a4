package io.sextant.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Matcher;
import io.sextant.storage.SextantException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeriesSelectorParserTest {
    private static List<String> parse(String selector) {
        return SeriesSelectorParser.parse(selector).stream()
                .map(Matcher::toString)
                .toList();
    }

    @Test
    void metricNameAlone() {
        assertThat(parse("up")).containsExactly("__name__=\"up\"");
        assertThat(parse("  job:rate5m:sum ")).containsExactly("__name__=\"job:rate5m:sum\"");
        assertThat(parse("sum")).containsExactly("__name__=\"sum\"");
        assertThat(parse("foo{}")).containsExactly("__name__=\"foo\"");
    }

    @Test
    void allMatchTypesWithTheNameLast() {
        assertThat(parse("foo{a=\"b\",c!=\"d\",e=~\"f.*\",g!~\"h\"}"))
                .containsExactly("a=\"b\"", "c!=\"d\"", "e=~\"f.*\"", "g!~\"h\"", "__name__=\"foo\"");
    }

    @Test
    void nameInsideBraces() {
        assertThat(parse("{__name__=~\"x.*\"}")).containsExactly("__name__=~\"x.*\"");
        assertThat(parse("{\"my.metric\", \"a.b\"=\"x\"}")).containsExactly("__name__=\"my.metric\"", "\"a.b\"=\"x\"");
        assertThat(parse("{'my.metric'}")).containsExactly("__name__=\"my.metric\"");
    }

    @Test
    void trailingCommaSpacesAndComments() {
        assertThat(parse("foo{ a = \"b\" , }")).containsExactly("a=\"b\"", "__name__=\"foo\"");
        assertThat(parse("foo{a=\"b\", # the job\n}")).containsExactly("a=\"b\"", "__name__=\"foo\"");
    }

    @Test
    void stringForms() {
        List<Matcher> m = SeriesSelectorParser.parse(
                "{a='it\\'s', b=`raw\\n`, c=\"\\x41\\u00e9\\101\\n\\\"q\", d=\"\\xc3\\xa9\", e=\"\\U0001F600\"}");
        assertThat(m).extracting(Matcher::value).containsExactly("it's", "raw\\n", "AéA\n\"q", "é", "😀");
    }

    @Test
    void regexIsAnchored() {
        Matcher m = SeriesSelectorParser.parse("{job=~\"api|web\"}").get(0);
        assertThat(m.matches("api")).isTrue();
        assertThat(m.matches("xapi")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\u0000',
            value = {
                "foo{                      | 1:5: parse error: unexpected end of input inside braces",
                "foo{a}                    | 1:6: parse error: unexpected \"}\" in label matching, expected label matching operator",
                "foo{a=b}                  | 1:7: parse error: unexpected identifier \"b\" in label matching, expected string",
                "foo{a=\"b\" c=\"d\"}      | 1:11: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\"",
                "foo bar                   | 1:5: parse error: unexpected identifier \"bar\"",
                "foo{a=\"b                 | 1:7: parse error: unterminated quoted string",
                "{a=\"\\q\"}               | 1:4: parse error: unknown escape sequence U+0071 'q'",
                "{a=\"\\xZZ\"}             | 1:4: parse error: illegal character U+005A 'Z' in escape sequence",
                "{a=\"\\uD800\"}           | 1:4: parse error: escape sequence is an invalid Unicode code point",
                "{a=`b}                    | 1:4: parse error: unterminated raw string",
                "foo{a:b=\"c\"}            | 1:6: parse error: unexpected character inside braces: ':'",
                "foo{{                     | 1:5: parse error: unexpected left brace '{'",
                "foo{,}                    | 1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\"",
                "foo{a=\"b\",,}            | 1:11: parse error: unexpected \",\" in label matching, expected identifier or \"}\"",
                "foo{a!b}                  | 1:6: parse error: unexpected character after '!' inside braces: 'b'",
                "foo{a=}                   | 1:7: parse error: unexpected \"}\" in label matching, expected string",
                "on                        | 1:1: parse error: unexpected <on>",
                "123                       | 1:1: parse error: unexpected number \"123\"",
                "5m                        | 1:1: parse error: unexpected duration \"5m\"",
                "foo }                     | 1:5: parse error: unexpected character: '}'",
                "\"foo\"                   | 1:1: parse error: unexpected string \"\\\"foo\\\"\"",
                "foo{a=\"b\" \"a_long_label\"} | 1:11: parse error: unexpected string \"\\\"a_long_la\"... in label matching, expected \",\" or \"}\"",
                "foo{a=\"b\"} or bar       | 1:12: parse error: unexpected <op:or>",
                "foo by                    | 1:5: parse error: unexpected <by>",
                "foo)                      | 1:4: parse error: unexpected right parenthesis ')'",
                "rate(foo)                 | 1:5: parse error: unexpected \"(\"",
                "foo[5m]                   | 1:4: parse error: unexpected \"[\"",
            })
    void errorsNameThePositionLikePrometheus(String selector, String message) {
        assertThatThrownBy(() -> SeriesSelectorParser.parse(selector))
                .isInstanceOf(SextantException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((SextantException) e).code()).isEqualTo(ErrorCode.BAD_DATA));
    }

    @Test
    void errorsOnLaterLinesAndAfterMultiByteCharacters() {
        assertThatThrownBy(() -> SeriesSelectorParser.parse("foo{\n a=b}"))
                .hasMessage("2:4: parse error: unexpected identifier \"b\" in label matching, expected string");
        assertThatThrownBy(() -> SeriesSelectorParser.parse("{\"é\"=x}"))
                .hasMessage("1:7: parse error: unexpected identifier \"x\" in label matching, expected string");
    }

    @Test
    void emptyInput() {
        assertThatThrownBy(() -> SeriesSelectorParser.parse(""))
                .hasMessage("unknown position: parse error: unexpected end of input");
        assertThatThrownBy(() -> SeriesSelectorParser.parse("  "))
                .hasMessage("1:3: parse error: unexpected end of input");
    }

    @Test
    void badRegexNamesTheLabelPosition() {
        assertThatThrownBy(() -> SeriesSelectorParser.parse("foo{a=~\"(\"}"))
                .isInstanceOf(SextantException.class)
                .hasMessageStartingWith("1:5: parse error: ")
                .hasMessageContaining("\"a\"");
    }
}
