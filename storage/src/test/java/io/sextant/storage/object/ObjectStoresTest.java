package io.sextant.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.telemetry.Telemetry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoresTest {
    @TempDir
    Path tmp;

    static final URI ENDPOINT = URI.create("http://127.0.0.1:9000");

    static void assertInvalid(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SextantException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    static S3Settings s3(String region, String bucket, String prefix, String accessKey, String secretKey) {
        return new S3Settings(ENDPOINT, region, bucket, prefix, true, accessKey, secretKey);
    }

    @Test
    void s3SettingsNameTheMissingOrWrongField() {
        assertInvalid(
                () -> s3("us-east-1", null, "", null, null),
                "object-store.s3.bucket is required when object-store.type is s3");
        assertInvalid(
                () -> s3("us-east-1", " ", "", null, null),
                "object-store.s3.bucket is required when object-store.type is s3");
        assertInvalid(
                () -> s3("", "b", "", null, null), "object-store.s3.region is required when object-store.type is s3");
        assertInvalid(
                () -> s3("us-east-1", "b", "", "AKIA", null),
                "object-store.s3.secret-key is required when object-store.s3.access-key is set");
        assertInvalid(
                () -> s3("us-east-1", "b", "", null, "secret"),
                "object-store.s3.access-key is required when object-store.s3.secret-key is set");
        assertInvalid(
                () -> s3("us-east-1", "b", "a//b", null, null),
                "object-store.s3.prefix: invalid object key \"a//b\": empty segment");
        assertInvalid(
                () -> new S3Settings(URI.create("ftp://host/"), "r", "b", "", false, null, null),
                "object-store.s3.endpoint must be an http or https URL with a host, got \"ftp://host/\"");
    }

    @Test
    void s3SettingsNormaliseThePrefixAndHideTheSecret() {
        S3Settings settings = s3("us-east-1", "b", "sextant/cold/", "AKIA", "very-secret");
        assertThat(settings.prefix()).isEqualTo("sextant/cold");
        assertThat(settings.hasStaticCredentials()).isTrue();
        assertThat(settings.toString()).contains("AKIA").doesNotContain("very-secret");
        assertThat(s3("us-east-1", "b", null, "", "").hasStaticCredentials()).isFalse();
        assertThat(s3("us-east-1", "b", null, null, null).prefix()).isEmpty();
    }

    @Test
    void configNamesTheMissingOrWrongField() {
        RetryPolicy retry = RetryPolicy.defaults();
        assertInvalid(
                () -> new ObjectStoreConfig(ObjectStoreConfig.Type.S3, null, null, null, 0, retry),
                "object-store.s3.bucket is required when object-store.type is s3");
        assertInvalid(
                () -> new ObjectStoreConfig(ObjectStoreConfig.Type.LOCAL, null, null, null, 0, retry),
                "object-store.local.dir is required when object-store.type is local");
        assertInvalid(
                () -> ObjectStoreConfig.local(tmp).withCache(tmp.resolve("cache"), 0),
                "object-store.cache.max-size must be positive when object-store.cache.dir is set, got 0");
        assertInvalid(() -> ObjectStoreConfig.Type.parse("gcs"), "object-store.type must be local or s3, got \"gcs\"");
        assertThat(ObjectStoreConfig.Type.parse("s3")).isEqualTo(ObjectStoreConfig.Type.S3);
        assertThat(ObjectStoreConfig.Type.parse("local")).isEqualTo(ObjectStoreConfig.Type.LOCAL);
    }

    @Test
    void aCacheInsideTheLocalStoreIsRejected() {
        assertThatThrownBy(() -> ObjectStoreConfig.local(tmp).withCache(tmp.resolve("cache"), 100))
                .isInstanceOfSatisfying(SextantException.class, e -> assertThat(e.getMessage())
                        .startsWith("object-store.cache.dir (" + tmp.resolve("cache")
                                + ") must not overlap object-store.local.dir"));
        assertThatThrownBy(() -> ObjectStoreConfig.local(tmp.resolve("store")).withCache(tmp, 100))
                .isInstanceOf(SextantException.class);
        assertThat(ObjectStoreConfig.local(tmp.resolve("store"))
                        .withCache(tmp.resolve("cache"), 100)
                        .cacheDir())
                .isEqualTo(tmp.resolve("cache"));
    }

    @Test
    void retryPolicyNamesTheWrongField() {
        assertInvalid(
                () -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)),
                "object-store.retry.max-attempts must be at least 1, got 0");
        assertInvalid(
                () -> new RetryPolicy(3, Duration.ZERO, Duration.ofMillis(1)),
                "object-store.retry.base-delay must be positive, got PT0S");
        assertInvalid(
                () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                "object-store.retry.max-delay (PT1S) must not be less than object-store.retry.base-delay (PT2S)");
    }

    @Test
    void opensALocalStoreWithRetriesAndCache() throws Exception {
        Telemetry telemetry = new Telemetry();
        ObjectStoreConfig config = ObjectStoreConfig.local(tmp.resolve("store"))
                .withCache(tmp.resolve("cache"), 1 << 20)
                .withRetry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1)));
        try (ObjectStore store = ObjectStores.open(config, telemetry)) {
            store.put("t/k", "v".getBytes(StandardCharsets.UTF_8));
            assertThat(store.get("t/k")).isPresent();
            assertThat(store.get("t/k")).isPresent();
        }
        assertThat(tmp.resolve("store/t/k")).exists();
        assertThat(tmp.resolve("cache/t/k")).exists();
        assertThat(telemetry
                        .counter("sextant_object_store_requests_total", "", "op", "get")
                        .get())
                .as("the second get was a cache hit")
                .isEqualTo(1);
        assertThat(telemetry.counter("sextant_object_cache_hits_total", "").get())
                .isEqualTo(1);
    }

    @Test
    void opensAnS3StoreAgainstTheInProcessServer() throws Exception {
        try (InProcessS3 server = InProcessS3.start()) {
            String bucket = server.createBucket();
            Telemetry telemetry = new Telemetry();
            try (ObjectStore store =
                    ObjectStores.open(ObjectStoreConfig.s3(server.settings(bucket, "cold")), telemetry)) {
                store.put("t/k", "v".getBytes(StandardCharsets.UTF_8));
                Path out = tmp.resolve("out");
                assertThat(store.download("t/k", out)).isTrue();
                assertThat(Files.readString(out)).isEqualTo("v");
                assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("t/k");
            }
            assertThat(telemetry
                            .counter("sextant_object_store_requests_total", "", "op", "put")
                            .get())
                    .isEqualTo(1);
        }
    }
}
