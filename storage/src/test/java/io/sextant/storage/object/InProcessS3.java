package io.sextant.storage.object;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/** An S3-compatible server (S3Proxy over an in-memory blob store) on a loopback port of the test JVM. */
public final class InProcessS3 implements AutoCloseable {
    static final String ACCESS_KEY = "sextant-test";
    static final String SECRET_KEY = "sextant-test-secret";

    static {
        // S3Proxy and its Jetty log every request and start at info; the tests' own output matters more.
        System.setProperty("org.slf4j.simpleLogger.log.org.gaul", "warn");
    }

    private final S3Proxy proxy;
    private final BlobStore blobs;
    private final AtomicInteger buckets = new AtomicInteger();

    private InProcessS3(S3Proxy proxy, BlobStore blobs) {
        this.proxy = proxy;
        this.blobs = blobs;
    }

    public static InProcessS3 start() throws Exception {
        BlobStore blobs = new TransientNio2BlobStore();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0)
                .build();
        proxy.start();
        return new InProcessS3(proxy, blobs);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** A new, empty bucket, so that tests sharing the server do not see each other's objects. */
    public String createBucket() {
        String name = "bucket-" + buckets.incrementAndGet();
        blobs.createContainer(name);
        return name;
    }

    /** The server's own view of the bucket's keys, unprefixed and unfiltered. */
    BlobStore blobs() {
        return blobs;
    }

    public S3Settings settings(String bucket, String prefix) {
        return new S3Settings(endpoint(), "us-east-1", bucket, prefix, true, ACCESS_KEY, SECRET_KEY);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        blobs.close();
    }
}
