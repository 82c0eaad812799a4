package io.sextant.ingest.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    private static int firstInvalid(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Utf8.firstInvalid(b, 0, b.length);
    }

    @Test
    void acceptsWellFormedSequences() {
        assertThat(firstInvalid()).isEqualTo(-1);
        assertThat(firstInvalid('a', 0xC3, 0xA4)).isEqualTo(-1); // ä
        assertThat(firstInvalid(0xE2, 0x82, 0xAC)).isEqualTo(-1); // €
        assertThat(firstInvalid(0xED, 0x9F, 0xBF)).isEqualTo(-1); // U+D7FF
        assertThat(firstInvalid(0xF0, 0x9F, 0x98, 0x80)).isEqualTo(-1); // 😀
        assertThat(firstInvalid(0xF4, 0x8F, 0xBF, 0xBF)).isEqualTo(-1); // U+10FFFF
    }

    @Test
    void rejectsMalformedSequencesAtTheirFirstByte() {
        assertThat(firstInvalid('a', 0x80)).isEqualTo(1); // lone continuation
        assertThat(firstInvalid(0xC0, 0x80)).isEqualTo(0); // overlong NUL
        assertThat(firstInvalid(0xC1, 0xBF)).isEqualTo(0); // overlong
        assertThat(firstInvalid(0xE0, 0x9F, 0xBF)).isEqualTo(0); // overlong 3-byte
        assertThat(firstInvalid(0xED, 0xA0, 0x80)).isEqualTo(0); // surrogate U+D800
        assertThat(firstInvalid(0xF0, 0x8F, 0xBF, 0xBF)).isEqualTo(0); // overlong 4-byte
        assertThat(firstInvalid(0xF4, 0x90, 0x80, 0x80)).isEqualTo(0); // above U+10FFFF
        assertThat(firstInvalid(0xF5, 0x80, 0x80, 0x80)).isEqualTo(0);
        assertThat(firstInvalid('x', 'y', 0xE2, 0x82)).isEqualTo(2); // truncated
        assertThat(firstInvalid(0xE2, 0x28, 0xAC)).isEqualTo(0); // bad continuation
        assertThat(firstInvalid(0xFF)).isEqualTo(0);
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomInput() {
        Random random = new Random(42);
        CharsetDecoder jdk = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int i = 0; i < 50_000; i++) {
            byte[] b = new byte[random.nextInt(8)];
            for (int j = 0; j < b.length; j++) {
                // bias towards the interesting lead and continuation bytes
                b[j] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256));
            }
            boolean jdkValid;
            try {
                jdk.reset().decode(ByteBuffer.wrap(b));
                jdkValid = true;
            } catch (CharacterCodingException e) {
                jdkValid = false;
            }
            assertThat(Utf8.firstInvalid(b, 0, b.length) < 0)
                    .as("%s", java.util.HexFormat.of().formatHex(b))
                    .isEqualTo(jdkValid);
        }
    }
}
