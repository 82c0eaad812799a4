package io.sextant.promql.eval;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.Labels;
import java.util.List;

/** The value of a PromQL query, typed as in Prometheus' API: vector, matrix, scalar or string. */
public sealed interface QueryValue permits QueryValue.Vector, QueryValue.Matrix, QueryValue.Scalar, QueryValue.Str {
    /** One sample of an instant vector. */
    record Sample(Labels labels, double value) {
        public Sample {
            requireNonNull(labels, "labels is null");
        }
    }

    /** An instant vector at {@code timeMs}, in the engine's output order (meaningful for sort and topk). */
    record Vector(long timeMs, List<Sample> samples) implements QueryValue {
        public Vector {
            samples = List.copyOf(samples);
        }
    }

    /** One series of a matrix: points in time order. */
    record MatrixSeries(Labels labels, long[] timestamps, double[] values) {
        public MatrixSeries {
            requireNonNull(labels, "labels is null");
            requireNonNull(timestamps, "timestamps is null");
            requireNonNull(values, "values is null");
            if (timestamps.length != values.length) {
                throw new IllegalArgumentException("timestamps and values differ in length");
            }
        }
    }

    /** A matrix: series sorted by labels (byte-wise, as Prometheus). */
    record Matrix(List<MatrixSeries> series) implements QueryValue {
        public Matrix {
            series = List.copyOf(series);
        }
    }

    record Scalar(long timeMs, double value) implements QueryValue {}

    record Str(long timeMs, String value) implements QueryValue {
        public Str {
            requireNonNull(value, "value is null");
        }
    }
}
