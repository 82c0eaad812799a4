package io.sextant.storage.hash;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class XxHash64Test {
    private static long hash(String s) {
        byte[] b = s.getBytes(UTF_8);
        return XxHash64.hash(b, 0, b.length);
    }

    @Test
    void matchesReferenceVectors() {
        assertThat(hash("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(hash("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(hash("abc")).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(hash("Nobody inspects the spammish repetition")).isEqualTo(0xFBCEA83C8A378BF1L);
    }

    @Test
    void dependsOnlyOnTheRange() {
        Random random = new Random(1);
        byte[] data = new byte[300];
        random.nextBytes(data);
        for (int len = 0; len < 200; len++) {
            byte[] copy = new byte[len + 13];
            System.arraycopy(data, 50, copy, 13, len);
            assertThat(XxHash64.hash(copy, 13, len)).isEqualTo(XxHash64.hash(data, 50, len));
        }
    }
}
