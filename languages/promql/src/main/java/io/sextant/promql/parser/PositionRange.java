package io.sextant.promql.parser;

/** A byte range {@code [start, end)} of the query text, as Prometheus' {@code posrange.PositionRange}. */
public record PositionRange(int start, int end) {
    /** Prometheus' {@code StartPosInput}: 1-based {@code line:column} in bytes of {@link #start()}. */
    public String startPosition(String query) {
        if (query.isEmpty()) {
            return "unknown position";
        }
        byte[] bytes = GoText.utf8(query);
        if (start < 0 || start > bytes.length) {
            return "invalid position";
        }
        int line = 1;
        int lastLineBreak = -1;
        for (int i = 0; i < start; i++) {
            if (bytes[i] == '\n') {
                lastLineBreak = i;
                line++;
            }
        }
        return line + ":" + (start - lastLineBreak);
    }
}
