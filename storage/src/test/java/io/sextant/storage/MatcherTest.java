package io.sextant.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatcherTest {
    @ParameterizedTest(name = "{1} {0} \"{2}\" on \"{3}\" -> {4}")
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '\'',
            value = {
                "EQUAL;a;x;x;true",
                "EQUAL;a;x;xy;false",
                "EQUAL;a;'';'';true",
                "NOT_EQUAL;a;x;y;true",
                "NOT_EQUAL;a;x;x;false",
                "REGEX;a;x.*;xyz;true",
                // anchored on both sides
                "REGEX;a;y;xyz;false",
                "REGEX;a;x;xy;false",
                "REGEX;a;a|b;a;true",
                "REGEX;a;.*;'';true",
                "REGEX;a;.+;'';false",
                "NOT_REGEX;a;x.*;xyz;false",
                "NOT_REGEX;a;x.*;'';true",
                // dot matches newlines as in RE2 with the s flag Prometheus sets
                "REGEX;a;a.b;'a\nb';true",
            })
    void matches(Matcher.Type type, String name, String value, String input, boolean expected) {
        assertThat(Matcher.of(type, name, value).matches(input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"REGEX,.*,true", "REGEX,.+,false", "EQUAL,'',true", "NOT_EQUAL,'',false", "NOT_REGEX,x,true"})
    void matchesEmpty(Matcher.Type type, String value, boolean expected) {
        assertThat(Matcher.of(type, "a", value).matchesEmpty()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"'('", "'[a'", "'*x'"})
    void invalidRegexNamesLabel(String regex) {
        assertThatThrownBy(() -> Matcher.of(Matcher.Type.REGEX, "job", regex))
                .isInstanceOf(SextantException.class)
                .hasMessageContaining("label \"job\"")
                .extracting(e -> ((SextantException) e).code())
                .isEqualTo(ErrorCode.BAD_DATA);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"EQUAL|job|api|job=\"api\"", "NOT_REGEX|a.b|x|\"a.b\"!~\"x\""})
    void prints(Matcher.Type type, String name, String value, String expected) {
        assertThat(Matcher.of(type, name, value).toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} on \"{1}\" -> {2}")
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '\'',
            value = {
                // Unicode classes are RE2 syntax; java.util.regex spells them differently
                "\\pL+;äb;true",
                "\\pL+;a1;false",
                "\\p{Greek}+;αβ;true",
                // RE2 treats $ inside as end of text only, and the whole value is still anchored
                "a|b$;b;true",
                "(?i)abc;ABC;true",
            })
    void re2Syntax(String regex, String input, boolean expected) {
        assertThat(Matcher.of(Matcher.Type.REGEX, "a", regex).matches(input)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "(|error parsing regexp: missing closing ): `(`",
                "(a)\\1|error parsing regexp: invalid escape sequence: `\\1`",
                "a++|error parsing regexp: invalid nested repetition operator: `++`",
                "(?=a)|error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
                "[a|error parsing regexp: missing closing ]: `[a`",
            })
    void goErrorTexts(String regex, String expected) {
        assertThatThrownBy(() -> Matcher.of(Matcher.Type.REGEX, "job", regex))
                .isInstanceOf(SextantException.class)
                .hasMessage("invalid regular expression in matcher for label \"job\": " + expected)
                .cause()
                .hasMessage(expected);
    }
}
