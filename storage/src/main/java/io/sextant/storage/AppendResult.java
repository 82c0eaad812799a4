package io.sextant.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a commit did: samples accepted, samples rejected by reason, and the first few rejection messages
 * (each naming the series and timestamp). Rejections never undo the accepted part of a batch.
 */
public record AppendResult(
        int acceptedSamples,
        int duplicatesIgnored,
        int outOfOrder,
        int duplicateTimestamp,
        int tooOld,
        int tooFarInFuture,
        int acceptedExemplars,
        int rejectedExemplars,
        int newSeries,
        List<String> errors) {
    public AppendResult {
        requireNonNull(errors, "errors is null");
        errors = List.copyOf(errors);
    }

    public int rejectedSamples() {
        return outOfOrder + duplicateTimestamp + tooOld + tooFarInFuture;
    }
}
