package io.sextant.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every setting and its example is the effective default configuration. */
class ConfigDocsTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void everySettingIsInTheTable() throws Exception {
        String doc = Files.readString(DOC);
        for (Option o : Option.values()) {
            assertThat(doc)
                    .as(o.flag)
                    .contains("| `" + o.flag + " " + o.metavar + "` | `" + o.key + "` | `" + o.defaultValue + "` |");
        }
    }

    @Test
    void theFullExampleIsWhatPrintConfigPrints() throws Exception {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("```yaml\n", doc.indexOf("## Full example")) + "```yaml\n".length();
        String example = doc.substring(start, doc.indexOf("```", start));
        ConfigLoader.Command printed = ConfigLoader.parse(List.of("--print-config"));
        assertThat(example).isEqualTo(((ConfigLoader.PrintConfig) printed).yaml());
    }
}
