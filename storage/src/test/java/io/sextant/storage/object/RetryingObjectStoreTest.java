package io.sextant.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetryingObjectStoreTest {
    @TempDir
    Path dir;

    final Telemetry telemetry = new Telemetry();
    final List<Duration> sleeps = new ArrayList<>();
    final RetryingObjectStore.Sleeper recorder = sleeps::add;

    static final RetryPolicy POLICY = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(500));

    long counter(String name, String op) {
        return telemetry.counter(name, "", "op", op).get();
    }

    long requests(String op) {
        return counter("sextant_object_store_requests_total", op);
    }

    long failures(String op) {
        return counter("sextant_object_store_failures_total", op);
    }

    long retries(String op) {
        return counter("sextant_object_store_retries_total", op);
    }

    static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void delaysDoubleUpToTheMaximum() {
        assertThat(List.of(1, 2, 3, 4, 5, 40).stream().map(POLICY::delayBeforeRetry))
                .containsExactly(
                        Duration.ofMillis(100),
                        Duration.ofMillis(200),
                        Duration.ofMillis(400),
                        Duration.ofMillis(500),
                        Duration.ofMillis(500),
                        Duration.ofMillis(500));
    }

    @Test
    void aFlakyStoreSucceedsAfterRetries() {
        FlakyObjectStore flaky = new FlakyObjectStore(LocalDirObjectStore.open(dir), 2);
        try (ObjectStore store = new RetryingObjectStore(flaky, POLICY, telemetry, recorder)) {
            store.put("k", utf8("v"));
            assertThat(flaky.calls).hasValue(3);
            assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
            assertThat(requests("put")).isEqualTo(3);
            assertThat(failures("put")).isEqualTo(2);
            assertThat(retries("put")).isEqualTo(2);

            flaky.failNext(3);
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v")));
            assertThat(requests("get")).isEqualTo(4);
            assertThat(failures("get")).isEqualTo(3);
            assertThat(retries("get")).isEqualTo(3);

            assertThat(store.list("")).hasSize(1);
            assertThat(requests("list")).isEqualTo(1);
            assertThat(failures("list")).isZero();
            assertThat(retries("list")).isZero();
        }
    }

    @Test
    void aStoreThatKeepsFailingIsGivenUpOnAfterMaxAttempts() {
        FlakyObjectStore broken = new FlakyObjectStore(LocalDirObjectStore.open(dir), Integer.MAX_VALUE);
        try (ObjectStore store = new RetryingObjectStore(broken, POLICY, telemetry, recorder)) {
            assertThatThrownBy(() -> store.delete("t/b1")).isInstanceOfSatisfying(SextantException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE);
                assertThat(e.getMessage())
                        .isEqualTo("gave up after 5 attempts: object store flaky: delete t/b1 failed: "
                                + "connection reset");
            });
            assertThat(broken.calls).hasValue(5);
            assertThat(sleeps)
                    .containsExactly(
                            Duration.ofMillis(100),
                            Duration.ofMillis(200),
                            Duration.ofMillis(400),
                            Duration.ofMillis(500));
            assertThat(requests("delete")).isEqualTo(5);
            assertThat(failures("delete")).isEqualTo(5);
            assertThat(retries("delete")).isEqualTo(4);
        }
    }

    @Test
    void userErrorsAreNotRetried() {
        try (ObjectStore store = new RetryingObjectStore(LocalDirObjectStore.open(dir), POLICY, telemetry, recorder)) {
            assertThatThrownBy(() -> store.get("../escape"))
                    .isInstanceOfSatisfying(
                            SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
            assertThat(sleeps).isEmpty();
            assertThat(requests("get")).isEqualTo(1);
            assertThat(failures("get")).isZero();
        }
    }

    @Test
    void anInterruptStopsRetryingAndIsKept() {
        FlakyObjectStore broken = new FlakyObjectStore(LocalDirObjectStore.open(dir), Integer.MAX_VALUE);
        RetryingObjectStore.Sleeper interrupted = d -> {
            throw new InterruptedException();
        };
        try (ObjectStore store = new RetryingObjectStore(broken, POLICY, telemetry, interrupted)) {
            assertThatThrownBy(() -> store.list("x/")).isInstanceOfSatisfying(SextantException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE);
                assertThat(e.getSuppressed()).hasAtLeastOneElementOfType(InterruptedException.class);
            });
            assertThat(Thread.interrupted()).isTrue();
            assertThat(broken.calls).hasValue(1);
        }
    }

    @Test
    void aStoppedS3ServerIsRetriedThenReportedWhileTheLocalSideKeepsWorking() throws Exception {
        InProcessS3 server = InProcessS3.start();
        String bucket = server.createBucket();
        try (ObjectStore store = new RetryingObjectStore(
                S3ObjectStore.open(server.settings(bucket, "cold")), POLICY, telemetry, recorder)) {
            store.put("t/b1/data", utf8("d"));
            assertThat(sleeps).isEmpty();
            server.close();

            assertThatThrownBy(() -> store.get("t/b1/data")).isInstanceOfSatisfying(SextantException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE);
                assertThat(e.getMessage())
                        .startsWith("gave up after 5 attempts: object store s3://" + bucket + "/cold/ at "
                                + "http://127.0.0.1:")
                        .contains("get t/b1/data failed");
            });
            assertThat(sleeps)
                    .containsExactly(
                            Duration.ofMillis(100),
                            Duration.ofMillis(200),
                            Duration.ofMillis(400),
                            Duration.ofMillis(500));
            assertThat(requests("get")).isEqualTo(5);
            assertThat(failures("get")).isEqualTo(5);
            assertThat(retries("get")).isEqualTo(4);

            try (ObjectStore local = LocalDirObjectStore.open(dir)) {
                local.put("hot/k", utf8("still fine"));
                assertThat(local.get("hot/k")).isPresent();
            }
        }
    }

    @Test
    void aPortNobodyListensOnFailsEveryOperation() throws Exception {
        int port;
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        S3Settings settings =
                new S3Settings(java.net.URI.create("http://127.0.0.1:" + port), "us-east-1", "b", "", true, "a", "s");
        RetryPolicy twice = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10));
        try (ObjectStore store = new RetryingObjectStore(S3ObjectStore.open(settings), twice, telemetry, recorder)) {
            List<Runnable> ops = List.of(
                    () -> store.put("k", utf8("v")),
                    () -> store.get("k"),
                    () -> store.download("k", dir.resolve("out")),
                    () -> store.list(""),
                    () -> store.delete("k"),
                    () -> store.deletePrefix("k/"));
            for (Runnable op : ops) {
                assertThatThrownBy(op::run).isInstanceOfSatisfying(SextantException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE);
                    assertThat(e.getMessage()).contains("127.0.0.1:" + port);
                });
            }
            for (String op : List.of("put", "get", "download", "list", "delete", "delete_prefix")) {
                assertThat(failures(op)).as(op).isEqualTo(2);
                assertThat(retries(op)).as(op).isEqualTo(1);
            }
            assertThat(dir.resolve("out")).doesNotExist();
        }
    }
}
