package io.sextant.ingest;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.AppendResult;
import io.sextant.storage.telemetry.Telemetry;
import io.sextant.storage.telemetry.Telemetry.Counter;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The self-metrics every ingest protocol records, under one vocabulary so dashboards can sum across
 * protocols: requests by status, bytes, latency, and samples/exemplars by outcome. Counters are resolved
 * once, so recording does not build metric keys on the request path.
 */
public final class IngestMetrics {
    private final Telemetry telemetry;
    private final String protocol;
    private final AtomicReferenceArray<Counter> requestsByStatus = new AtomicReferenceArray<>(600);
    private final Counter bytes;
    private final Telemetry.Histogram duration;
    private final Counter accepted;
    private final Counter duplicateIgnored;
    private final Counter invalid;
    private final Counter outOfOrder;
    private final Counter duplicateTimestamp;
    private final Counter tooOld;
    private final Counter tooFarInFuture;
    private final Counter exemplarsAccepted;
    private final Counter exemplarsRejected;
    private final Counter exemplarsInvalid;
    private final Counter metadata;

    public IngestMetrics(Telemetry telemetry, String protocol) {
        this.telemetry = requireNonNull(telemetry, "telemetry is null");
        this.protocol = requireNonNull(protocol, "protocol is null");
        bytes = telemetry.counter(
                "sextant_ingest_request_bytes_total",
                "Request body bytes as received, by protocol.",
                "protocol",
                protocol);
        duration = telemetry.histogram(
                "sextant_ingest_request_duration_seconds",
                "Time to decode and durably store an ingest request, by protocol.",
                Telemetry.LATENCY_BUCKETS,
                "protocol",
                protocol);
        accepted = samples("accepted");
        duplicateIgnored = samples("duplicate_ignored");
        invalid = samples("rejected_invalid");
        outOfOrder = samples("rejected_out_of_order");
        duplicateTimestamp = samples("rejected_duplicate_timestamp");
        tooOld = samples("rejected_too_old");
        tooFarInFuture = samples("rejected_too_far_in_future");
        exemplarsAccepted = exemplars("accepted");
        exemplarsRejected = exemplars("rejected");
        exemplarsInvalid = exemplars("rejected_invalid");
        metadata = telemetry.counter(
                "sextant_ingest_metadata_total", "Metric metadata entries stored, by protocol.", "protocol", protocol);
    }

    private Counter samples(String result) {
        return telemetry.counter(
                "sextant_ingest_samples_total",
                "Samples received, by protocol and outcome (rejected_invalid: refused before storing).",
                "protocol",
                protocol,
                "result",
                result);
    }

    private Counter exemplars(String result) {
        return telemetry.counter(
                "sextant_ingest_exemplars_total",
                "Exemplars received, by protocol and outcome.",
                "protocol",
                protocol,
                "result",
                result);
    }

    /** One finished request: its status, body size and handling time. */
    public void request(int status, long bodyBytes, long nanos) {
        int slot = status >= 0 && status < requestsByStatus.length() ? status : 0;
        Counter c = requestsByStatus.get(slot);
        if (c == null) {
            c = telemetry.counter(
                    "sextant_ingest_requests_total",
                    "Ingest requests by protocol and HTTP status code.",
                    "protocol",
                    protocol,
                    "code",
                    Integer.toString(status));
            requestsByStatus.set(slot, c);
        }
        c.inc();
        bytes.add(bodyBytes);
        duration.observeNanos(nanos);
    }

    /** What the store did with a committed batch. */
    public void stored(AppendResult r) {
        accepted.add(r.acceptedSamples());
        duplicateIgnored.add(r.duplicatesIgnored());
        outOfOrder.add(r.outOfOrder());
        duplicateTimestamp.add(r.duplicateTimestamp());
        tooOld.add(r.tooOld());
        tooFarInFuture.add(r.tooFarInFuture());
        exemplarsAccepted.add(r.acceptedExemplars());
        exemplarsRejected.add(r.rejectedExemplars());
    }

    /** Samples (or data points) refused by the decoder before storing. */
    public void invalidSamples(long n) {
        invalid.add(n);
    }

    public void invalidExemplars(long n) {
        exemplarsInvalid.add(n);
    }

    public void metadata(long n) {
        metadata.add(n);
    }
}
