package io.sextant.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3ObjectStoreTest extends ObjectStoreContractTest {
    static InProcessS3 server;
    String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = InProcessS3.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    ObjectStore openStore() {
        bucket = server.createBucket();
        return S3ObjectStore.open(server.settings(bucket, "sextant/cold"));
    }

    /** Past S3's 1000 keys per list page and per DeleteObjects request. */
    @Override
    int manyKeys() {
        return 1050;
    }

    /** Every key in the bucket as the server holds it, across pages. */
    private List<String> serverKeys() {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            var page = server.blobs()
                    .list(ListObjectsV2Request.builder()
                            .bucket(bucket)
                            .continuationToken(token)
                            .build());
            page.contents().stream().map(S3Object::key).forEach(keys::add);
            token = page.nextContinuationToken();
        } while (token != null);
        return keys;
    }

    @Test
    void keysLiveBelowTheConfiguredPrefixAndOthersAreInvisible() {
        store.put("t/b1/data", utf8("d"));
        try (ObjectStore neighbour = S3ObjectStore.open(server.settings(bucket, "other/"))) {
            neighbour.put("t/b1/data", utf8("n"));
            assertThat(serverKeys()).containsExactlyInAnyOrder("sextant/cold/t/b1/data", "other/t/b1/data");
            assertThat(keys(store.list(""))).containsExactly("t/b1/data");
            store.deletePrefix("t/");
            assertThat(neighbour.get("t/b1/data"))
                    .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("n")));
        }
        assertThat(serverKeys()).containsExactly("other/t/b1/data");
    }

    @Test
    void withoutPrefixKeysAreBucketKeys() {
        try (ObjectStore bare = S3ObjectStore.open(server.settings(bucket, ""))) {
            bare.put("t/k", utf8("v"));
            assertThat(serverKeys()).containsExactly("t/k");
            assertThat(keys(bare.list("t/"))).containsExactly("t/k");
        }
    }

    @Test
    void wrongCredentialsAreAnExternalFailureNamingTheStore() {
        S3Settings good = server.settings(bucket, "p");
        S3Settings wrong = new S3Settings(
                good.endpoint(), good.region(), good.bucket(), good.prefix(), true, InProcessS3.ACCESS_KEY, "wrong");
        try (ObjectStore denied = S3ObjectStore.open(wrong)) {
            assertThatThrownBy(() -> denied.put("k", utf8("v"))).isInstanceOfSatisfying(SextantException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE);
                assertThat(e.getMessage())
                        .contains("s3://" + bucket + "/p/")
                        .contains("put k failed")
                        .contains("403");
            });
        }
    }

    @Test
    void aMissingBucketIsAFailureNotAnAbsentObject() {
        try (ObjectStore nowhere = S3ObjectStore.open(server.settings("no-such-bucket", ""))) {
            assertThatThrownBy(() -> nowhere.get("k")).isInstanceOfSatisfying(SextantException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE);
                assertThat(e.getMessage()).contains("get k failed").contains("NoSuchBucket");
            });
        }
    }
}
