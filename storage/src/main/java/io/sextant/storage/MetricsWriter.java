package io.sextant.storage;

/**
 * The write contract between protocol decoders and the store.
 *
 * <p>Durability: when {@link TenantWriter#commit} returns, every accepted sample, exemplar, metadata entry
 * and new series of the batch is in the write-ahead log and synced as the configured policy demands
 * ({@code fsync}: on disk; {@code batch-interval}: on disk within the interval). A batch is atomic across a
 * crash: after restart it is either wholly present or wholly absent.
 *
 * <p>Validation of individual samples (out-of-order window, duplicates, retention, far future) happens in
 * commit and is reported in the {@link AppendResult}; label validation is the decoder's job ({@link Labels}
 * does it on construction).
 */
public interface MetricsWriter {
    /** The writer for one tenant, created on first use. Tenant ids are validated by the caller. */
    TenantWriter tenant(String tenant);

    /** Per-tenant writer. Thread-safe. */
    interface TenantWriter {
        /**
         * The series ref whose wire key is {@code key[off, off+len)} with hash {@code hash}, or -1 when the
         * key is unknown. Does not allocate.
         */
        int seriesRef(byte[] key, int off, int len, long hash);

        /** Applies and durably logs a batch; see the class comment. */
        AppendResult commit(WriteBatch batch);
    }
}
