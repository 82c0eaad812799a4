package io.sextant.storage.object;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * An object store in an S3-compatible service, through the AWS SDK v2 with the JDK's {@code HttpURLConnection}
 * (no Netty, no Apache HttpClient). Objects are uploaded with a single PUT, which S3 makes visible atomically; that
 * caps an object at 5 GiB, far above a cold block. The SDK's own retries are off: {@link RetryingObjectStore} retries,
 * counts and logs in one place.
 */
public final class S3ObjectStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest silence while reading a response; a 20 MB block arrives in well under this on a slow link. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    /** S3 deletes at most this many keys per DeleteObjects request. */
    static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    /** Closed with the store: the client does not close a provider it was given. */
    private final AwsCredentialsProvider credentials;

    private final String bucket;
    /** The configured prefix followed by '/', or "". */
    private final String keyPrefix;

    private final String name;

    private S3ObjectStore(S3Client s3, AwsCredentialsProvider credentials, S3Settings settings) {
        this.s3 = s3;
        this.credentials = credentials;
        this.bucket = settings.bucket();
        this.keyPrefix = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        this.name =
                "s3://" + bucket + "/" + keyPrefix + (settings.endpoint() == null ? "" : " at " + settings.endpoint());
    }

    /** Builds a client for {@code settings}; nothing is sent until the first operation. */
    public static S3ObjectStore open(S3Settings settings) {
        requireNonNull(settings, "settings is null");
        AwsCredentialsProvider credentials = settings.hasStaticCredentials()
                ? StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                // HttpURLConnection loses the server's early answer to "Expect: 100-continue" (a 403 surfaced as
                // "Error writing request body"), and aws-chunked bodies raced S3Proxy closing the connection after
                // the last data chunk; a plain body signed with its SHA-256 costs one extra read of the file and is
                // what every S3-compatible server accepts.
                .serviceConfiguration(S3Configuration.builder()
                        .expectContinueEnabled(false)
                        .chunkedEncodingEnabled(false)
                        .build())
                .credentialsProvider(credentials)
                // Flexible checksums on every upload (the SDK's default since 2.30) are still rejected by several
                // S3-compatible servers; they are sent only where the API requires them (DeleteObjects).
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        try {
            return new S3ObjectStore(builder.build(), credentials, settings);
        } catch (SdkException e) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE, "cannot create S3 client for " + settings + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(String key, Path file) {
        ObjectKeys.requireUploadable(key, file);
        call("put", key, () -> s3.putObject(b -> b.bucket(bucket).key(keyPrefix + key), RequestBody.fromFile(file)));
    }

    @Override
    public void put(String key, byte[] bytes) {
        ObjectKeys.requireKey(key);
        requireNonNull(bytes, "bytes is null");
        call("put", key, () -> s3.putObject(b -> b.bucket(bucket).key(keyPrefix + key), RequestBody.fromBytes(bytes)));
    }

    @Override
    public Optional<byte[]> get(String key) {
        ObjectKeys.requireKey(key);
        return call("get", key, () -> {
            try {
                return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(keyPrefix + key))
                        .asByteArrayUnsafe());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public boolean download(String key, Path target) {
        ObjectKeys.requireKey(key);
        requireNonNull(target, "target is null");
        return call("download", key + " to " + target, () -> {
            Path tmp = null;
            try {
                Path dir = target.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                tmp = Files.createTempFile(dir, ".download-", LocalDirObjectStore.TMP_SUFFIX);
                try (ResponseInputStream<GetObjectResponse> in =
                        s3.getObject(b -> b.bucket(bucket).key(keyPrefix + key))) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchKeyException e) {
                    return false;
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                tmp = null;
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                ObjectKeys.deleteQuietly(tmp);
            }
        });
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        ObjectKeys.requirePrefix(prefix);
        return call("list", prefix, () -> {
            List<ObjectInfo> out = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix + prefix))
                    .contents()) {
                out.add(new ObjectInfo(o.key().substring(keyPrefix.length()), o.size(), o.lastModified()));
            }
            out.sort(Comparator.comparing(ObjectInfo::key, ObjectKeys.ORDER));
            return out;
        });
    }

    @Override
    public void delete(String key) {
        ObjectKeys.requireKey(key);
        call("delete", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(keyPrefix + key)));
    }

    @Override
    public void deletePrefix(String prefix) {
        ObjectKeys.requireNonEmptyPrefix(prefix);
        List<ObjectInfo> objects = list(prefix);
        for (int from = 0; from < objects.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (ObjectInfo o : objects.subList(from, Math.min(objects.size(), from + DELETE_BATCH))) {
                batch.add(ObjectIdentifier.builder().key(keyPrefix + o.key()).build());
            }
            DeleteObjectsResponse response = call(
                    "delete_prefix",
                    prefix,
                    () -> s3.deleteObjects(b -> b.bucket(bucket)
                            .delete(Delete.builder().objects(batch).quiet(true).build())));
            if (response.hasErrors() && !response.errors().isEmpty()) {
                S3Error first = response.errors().get(0);
                throw new SextantException(
                        ErrorCode.EXTERNAL_FAILURE,
                        "object store " + name + ": delete_prefix " + prefix + " failed for "
                                + response.errors().size() + " objects, first " + first.key() + ": "
                                + first.code() + " " + first.message());
            }
        }
    }

    @Override
    public void close() {
        s3.close();
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private <T> T call(String op, String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkException e) {
            String code = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                    ? service.awsErrorDetails().errorCode() + ": "
                    : "";
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE,
                    "object store " + name + ": " + op + " " + what + " failed: " + code + e.getMessage(),
                    e);
        } catch (UncheckedIOException e) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE,
                    "object store " + name + ": " + op + " " + what + " failed: " + e.getCause(),
                    e.getCause());
        }
    }
}
