package io.sextant.promql.ast;

/** The four PromQL value types, with the internal and the documented name Prometheus uses in messages. */
public enum ValueType {
    NONE("none", "none"),
    SCALAR("scalar", "scalar"),
    VECTOR("vector", "instant vector"),
    MATRIX("matrix", "range vector"),
    STRING("string", "string");

    private final String internalName;
    private final String documentedName;

    ValueType(String internalName, String documentedName) {
        this.internalName = internalName;
        this.documentedName = documentedName;
    }

    /** {@code matrix}, {@code vector}: what Prometheus prints with {@code %s} of a {@code ValueType}. */
    public String internalName() {
        return internalName;
    }

    /** {@code range vector}, {@code instant vector}: Prometheus' {@code DocumentedType}. */
    public String documentedName() {
        return documentedName;
    }
}
