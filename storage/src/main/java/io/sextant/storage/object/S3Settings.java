package io.sextant.storage.object;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.net.URI;

/**
 * Where and how {@link S3ObjectStore} reaches its bucket. Field errors name the configuration key ({@code
 * object-store.s3.*}).
 *
 * @param endpoint the service's base URL, e.g. {@code http://127.0.0.1:9000} for MinIO; null for AWS S3's own
 *     endpoint in {@code region}
 * @param region the signing region ({@code us-east-1} for most S3-compatible servers)
 * @param bucket an existing bucket; the store never creates one
 * @param prefix prepended (with a '/') to every key, so that several deployments can share a bucket; "" for none
 * @param pathStyle address the bucket as {@code endpoint/bucket/key} instead of {@code bucket.endpoint/key}, as
 *     MinIO, Ceph and most other servers without wildcard DNS need
 * @param accessKey static credentials with {@code secretKey}; both null to use the AWS SDK's default chain
 *     (environment, system properties, profile files, container and instance roles)
 * @param secretKey the secret of {@code accessKey}; never printed by {@link #toString}
 */
public record S3Settings(
        URI endpoint,
        String region,
        String bucket,
        String prefix,
        boolean pathStyle,
        String accessKey,
        String secretKey) {
    public S3Settings {
        if (endpoint != null) {
            String scheme = endpoint.getScheme();
            if (!("http".equals(scheme) || "https".equals(scheme)) || endpoint.getHost() == null) {
                throw invalid(
                        "object-store.s3.endpoint must be an http or https URL with a host, got \"" + endpoint + "\"");
            }
        }
        if (region == null || region.isBlank()) {
            throw invalid("object-store.s3.region is required when object-store.type is s3");
        }
        if (bucket == null || bucket.isBlank()) {
            throw invalid("object-store.s3.bucket is required when object-store.type is s3");
        }
        prefix = prefix == null ? "" : prefix;
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.isEmpty()) {
            try {
                ObjectKeys.requireKey(prefix);
            } catch (SextantException e) {
                throw invalid("object-store.s3.prefix: " + e.getMessage());
            }
        }
        boolean hasAccessKey = accessKey != null && !accessKey.isEmpty();
        boolean hasSecretKey = secretKey != null && !secretKey.isEmpty();
        if (hasAccessKey && !hasSecretKey) {
            throw invalid("object-store.s3.secret-key is required when object-store.s3.access-key is set");
        }
        if (hasSecretKey && !hasAccessKey) {
            throw invalid("object-store.s3.access-key is required when object-store.s3.secret-key is set");
        }
        accessKey = hasAccessKey ? accessKey : null;
        secretKey = hasSecretKey ? secretKey : null;
    }

    private static SextantException invalid(String message) {
        return new SextantException(ErrorCode.BAD_DATA, message);
    }

    /** Whether static credentials are set; otherwise the SDK's default chain supplies them. */
    public boolean hasStaticCredentials() {
        return accessKey != null;
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
                + ", pathStyle=" + pathStyle + ", accessKey=" + accessKey + ", secretKey="
                + (secretKey == null ? "null" : "<redacted>") + "]";
    }
}
