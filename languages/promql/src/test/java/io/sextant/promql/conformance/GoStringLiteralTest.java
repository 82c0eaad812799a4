package io.sextant.promql.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.promql.parser.GoText;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoStringLiteralTest {
    static Stream<Arguments> literals() {
        return Stream.of(
                Arguments.of("\"Foo\"", "Foo"),
                Arguments.of("`Foo`", "Foo"),
                Arguments.of("\" Foo \"", " Foo "),
                Arguments.of("\"\"", ""),
                Arguments.of("\"a\\tb\"", "a\tb"),
                Arguments.of("`a\\tb`", "a\\tb"),
                Arguments.of("`a\r\nb`", "a\nb"),
                Arguments.of("\"\\\"q\\\"\"", "\"q\""),
                Arguments.of("\"\\u00e9\\U0001F600\"", "é\uD83D\uDE00"),
                Arguments.of("\"\\xc3\\xa9\"", "é"),
                Arguments.of("\"\\303\\251\"", "é"),
                Arguments.of("\"\\a\\b\\f\\n\\r\\v\\\\\"", "\u0007\b\f\n\r\u000b\\"));
    }

    @ParameterizedTest
    @MethodSource("literals")
    void unquotesLikeGo(String literal, String expected) {
        assertThat(GoStringLiteral.unquote(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Foo",
                "\"Foo",
                "'Foo'",
                "\"a\"b\"",
                "\"\\q\"",
                "\"\\'\"",
                "\"\\x4\"",
                "\"\\400\"",
                "\"\\uD800\"",
                "\"\\U00110000\"",
                "`a`b`",
                "\"a\nb\""
            })
    void rejectsWhatGoRejects(String literal) {
        assertThatThrownBy(() -> GoStringLiteral.unquote(literal)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\xff\"", "\"\\377\""})
    void invalidUtf8BytesAreSurrogateEscaped(String literal) {
        assertThat(GoText.utf8(GoStringLiteral.unquote(literal))).containsExactly((byte) 0xff);
    }
}
